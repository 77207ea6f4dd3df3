import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CeeError,
  inGivenOut,
  invariant,
  logSpotPrice,
  MAX_AMOUNT,
  MAX_FEE,
  normaliseWeights,
  outGivenIn,
  spotPrice,
} from '../../../src/shared/cee/math'
import {
  BALANCE_PAIRS,
  BALANCES,
  expectRoundedDown,
  expectRoundedUp,
  FEES,
  tradeSizes,
  WEIGHT_PAIRS,
  WEIGHT_TRIPLES,
} from './accuracy'
import { expectCode, ONE } from './helpers'
import { R, refInGivenOut, refInvariant, refLn, refOutGivenIn, refSpotPrice } from './reference'

const W = 49n * 10n ** 16n
const B = 1_000n * ONE
const FEE = 3n * 10n ** 15n

describe('accuracy against the exact values', () => {
  it('outGivenIn is rounded down, within 10^-12 plus one base unit (and 10^-33 · Bₒ)', () => {
    for (const [bi, bo] of BALANCE_PAIRS) {
      for (const [wi, wo] of WEIGHT_PAIRS) {
        for (const fee of FEES) {
          for (const ai of tradeSizes(bi)) {
            expectRoundedDown(
              outGivenIn(bi, wi, bo, wo, ai, fee),
              refOutGivenIn(bi, wi, bo, wo, ai, fee),
              bo,
            )
          }
        }
      }
    }
  })

  it('inGivenOut is rounded up, within 10^-12 plus one base unit (and 10^-33 · Bᵢ)', () => {
    for (const [bi, bo] of BALANCE_PAIRS) {
      for (const [wi, wo] of WEIGHT_PAIRS) {
        for (const fee of FEES) {
          for (const ao of tradeSizes(bo)) {
            expectRoundedUp(
              inGivenOut(bi, wi, bo, wo, ao, fee),
              refInGivenOut(bi, wi, bo, wo, ao, fee),
              bi,
            )
          }
        }
      }
    }
  })

  it('spotPrice is rounded up by at most one raw unit', () => {
    for (const [bi, bo] of BALANCE_PAIRS) {
      for (const [wi, wo] of WEIGHT_PAIRS) {
        for (const fee of FEES) {
          const got = spotPrice(bi, wi, bo, wo, fee) * R
          const exact = refSpotPrice(bi, wi, bo, wo, fee)
          expect(got).toBeGreaterThanOrEqual(exact)
          expect(got - exact).toBeLessThanOrEqual(R)
        }
      }
    }
  })

  it('logSpotPrice is the fee-free log price rounded down by at most one raw unit', () => {
    for (const [bi, bo] of BALANCE_PAIRS) {
      for (const [wi, wo] of WEIGHT_PAIRS) {
        const got = logSpotPrice(bi, wi, bo, wo) * (R / ONE)
        const exact = refLn(bi * wo, wi * bo)
        expect(got).toBeLessThanOrEqual(exact)
        expect(exact - got).toBeLessThan(2n * (R / ONE))
      }
    }
  })

  it('invariant is rounded down, within 10^-12 plus one base unit', () => {
    for (const [i, b0] of BALANCES.entries()) {
      for (const b1 of BALANCES) {
        const balances = [b0, b1, BALANCES[(i + 2) % BALANCES.length] ?? b0]
        for (const weights of WEIGHT_TRIPLES) {
          expectRoundedDown(invariant(balances, weights), refInvariant(balances, weights), 0n)
        }
      }
    }
    const equal = invariant([B, B, B], WEIGHT_TRIPLES[0] ?? [])
    expect(equal).toBeLessThanOrEqual(B)
    expect(equal).toBeGreaterThanOrEqual(B - 1n)
  })
})

describe('limits and refusals', () => {
  it('refuses zero amounts', () => {
    expectCode(() => outGivenIn(B, W, B, W, 0n, FEE), 'ERR_ZERO_AMOUNT')
    expectCode(() => inGivenOut(B, W, B, W, 0n, FEE), 'ERR_ZERO_AMOUNT')
    expectCode(() => outGivenIn(B, W, B, W, -1n, FEE), 'ERR_MATH_DOMAIN')
  })

  it('refuses trades above 30 % of a balance, and accepts exactly 30 %', () => {
    const limit = (B * 3n) / 10n
    expect(outGivenIn(B, W, B, W, limit, FEE)).toBeGreaterThan(0n)
    expect(inGivenOut(B, W, B, W, limit, FEE)).toBeGreaterThan(limit)
    expectCode(() => outGivenIn(B, W, B, W, limit + 1n, FEE), 'ERR_MAX_IN_RATIO')
    expectCode(() => inGivenOut(B, W, B, W, limit + 1n, FEE), 'ERR_MAX_OUT_RATIO')
  })

  it('refuses weights outside [0.01, 0.99] or adding up to more than 1', () => {
    const low = 10n ** 16n - 1n
    expectCode(() => outGivenIn(B, low, B, W, ONE, FEE), 'ERR_BAD_WEIGHTS')
    expectCode(() => inGivenOut(B, W, B, ONE, ONE, FEE), 'ERR_BAD_WEIGHTS')
    expectCode(() => spotPrice(B, ONE / 2n, B, ONE / 2n + 1n, FEE), 'ERR_BAD_WEIGHTS')
    expectCode(() => invariant([B, B, B], [W, W, W]), 'ERR_BAD_WEIGHTS')
    expectCode(() => invariant([B, B], [W, ONE - W, 0n]), 'ERR_BAD_WEIGHTS')
    expectCode(() => invariant([B, B], [W, ONE - W - 10n ** 16n, 10n ** 16n]), 'ERR_MATH_DOMAIN')
  })

  it('refuses fees outside [0, 10 %]', () => {
    expectCode(() => outGivenIn(B, W, B, W, ONE, -1n), 'ERR_BAD_FEE')
    expectCode(() => inGivenOut(B, W, B, W, ONE, MAX_FEE + 1n), 'ERR_BAD_FEE')
    expectCode(() => spotPrice(B, W, B, W, ONE), 'ERR_BAD_FEE')
    expect(outGivenIn(B, W, B, W, ONE, MAX_FEE)).toBeGreaterThan(0n)
  })

  it('refuses empty, negative and oversized balances', () => {
    expectCode(() => outGivenIn(0n, W, B, W, ONE, FEE), 'ERR_INSUFFICIENT_LIQUIDITY')
    expectCode(() => inGivenOut(B, W, 0n, W, ONE, FEE), 'ERR_INSUFFICIENT_LIQUIDITY')
    expectCode(() => spotPrice(B, W, 0n, W, FEE), 'ERR_INSUFFICIENT_LIQUIDITY')
    expectCode(() => invariant([B, 0n, B], WEIGHT_TRIPLES[0] ?? []), 'ERR_INSUFFICIENT_LIQUIDITY')
    expectCode(() => outGivenIn(-B, W, B, W, ONE, FEE), 'ERR_MATH_DOMAIN')
    expectCode(() => outGivenIn(B, W, MAX_AMOUNT + 1n, W, ONE, FEE), 'ERR_MATH_DOMAIN')
  })

  it('throws CeeErrors that travel as payloads', () => {
    try {
      outGivenIn(B, W, B, W, 0n, FEE)
    } catch (err) {
      expect(err).toBeInstanceOf(CeeError)
      expect((err as CeeError).toPayload()).toEqual({
        code: 'ERR_ZERO_AMOUNT',
        message: 'the amount is zero',
      })
    }
    expect.assertions(2)
  })
})

// Random pools of three tokens with the balances of the grid's range, and a pair to trade.
const balance = fc.bigInt(10n ** 12n, 10n ** 30n)
const weight = fc.bigInt(3n, 100n)
const pool = fc
  .record({
    balances: fc.tuple(balance, balance, balance),
    weights: fc.tuple(weight, weight, weight),
    pair: fc.constantFrom([0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]),
    fee: fc.oneof(fc.constantFrom(...FEES), fc.bigInt(0n, MAX_FEE)),
    fraction: fc.bigInt(1n, (3n * ONE) / 10n),
  })
  .map(({ balances, weights, pair: [i = 0, o = 1], fee, fraction }) => {
    const normalised = normaliseWeights(weights)
    const at = (v: readonly bigint[], k: number): bigint => v[k] ?? 0n
    return {
      balances: [...balances],
      weights: normalised,
      i,
      o,
      bi: at(balances, i),
      bo: at(balances, o),
      wi: at(normalised, i),
      wo: at(normalised, o),
      fee,
      // A share of a balance in (0, 30 %], at least one base unit.
      part: (b: bigint, scale = 1n): bigint => {
        const x = (b * fraction) / ONE / scale
        return x > 0n ? x : 1n
      },
    }
  })

describe('properties', () => {
  it('buying and selling straight back never profits the trader', () => {
    fc.assert(
      fc.property(pool, (p) => {
        const { bi, bo, wi, wo, fee } = p
        const ao = p.part(2n * bo, 3n)
        const paid = inGivenOut(bi, wi, bo, wo, ao, fee)
        const back = outGivenIn(bo - ao, wo, bi + paid, wi, ao, fee)
        expect(back).toBeLessThanOrEqual(paid)
      }),
      { numRuns: 200 },
    )
  })

  it('selling and buying straight back never profits the trader', () => {
    fc.assert(
      fc.property(pool, (p) => {
        const { bi, bo, wi, wo, fee } = p
        const ai = p.part(bi)
        const received = outGivenIn(bi, wi, bo, wo, ai, fee)
        const cost = inGivenOut(bo - received, wo, bi + ai, wi, ai, fee)
        expect(cost).toBeGreaterThanOrEqual(received)
      }),
      { numRuns: 200 },
    )
  })

  it('the invariant never decreases after a swap applied to the balances', () => {
    fc.assert(
      fc.property(pool, fc.boolean(), (p, exactIn) => {
        const { balances, weights, i, o, bi, bo, wi, wo, fee } = p
        const amount = p.part(exactIn ? bi : bo)
        const [ai, ao] = exactIn
          ? [amount, outGivenIn(bi, wi, bo, wo, amount, fee)]
          : [inGivenOut(bi, wi, bo, wo, amount, fee), amount]
        const after = [...balances]
        after[i] = bi + ai
        after[o] = bo - ao
        expect(refInvariant(after, weights)).toBeGreaterThanOrEqual(refInvariant(balances, weights))
        // The computed invariant may only lose its own rounding (one unit and 10^-33).
        const before = invariant(balances, weights)
        expect(invariant(after, weights) + 1n + before / 10n ** 33n).toBeGreaterThanOrEqual(before)
      }),
      { numRuns: 200 },
    )
  })

  it('outGivenIn grows with the amount in, and inGivenOut with the amount out', () => {
    fc.assert(
      fc.property(pool, fc.bigInt(0n, 10n ** 6n), (p, delta) => {
        const { bi, bo, wi, wo, fee } = p
        const a = p.part(bi < bo ? bi : bo, 2n)
        const out = (x: bigint): bigint => outGivenIn(bi, wi, bo, wo, x, fee)
        const inn = (x: bigint): bigint => inGivenOut(bi, wi, bo, wo, x, fee)
        expect(out(a)).toBeLessThanOrEqual(out(a + delta))
        expect(inn(a)).toBeLessThanOrEqual(inn(a + delta))
      }),
      { numRuns: 200 },
    )
  })
})

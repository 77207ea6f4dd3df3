import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CeeError } from '../../../src/shared/cee/errors'
import {
  initialShares,
  invariant,
  MAX_FEE,
  MAX_OUT_RATIO,
  normaliseWeights,
  sharesForAllTokensIn,
  sharesForSingleTokenIn,
  tokenOutForSharesIn,
  tokensForSharesIn,
  tokensForSharesOut,
} from '../../../src/shared/cee/math'
import { BALANCES, expectRoundedDown, FEES, tradeSizes } from './accuracy'
import { expectCode, ONE } from './helpers'
import { R, refInvariant, refSharesForSingleTokenIn, refTokenOutForSharesIn } from './reference'

const WEIGHTS = [10n ** 16n, 2n * 10n ** 16n, 333_333_333_333_333_333n, ONE / 2n, 98n * 10n ** 16n]
const SUPPLIES = [10n ** 12n, 7n * 10n ** 18n + 3n, 10n ** 30n]
const B = 1_000n * ONE
const W = ONE / 3n

describe('single-token join and exit against the exact values', () => {
  it('sharesForSingleTokenIn is rounded down, within 10^-12 plus one share unit', () => {
    for (const bi of BALANCES) {
      for (const wi of WEIGHTS) {
        for (const supply of SUPPLIES) {
          for (const fee of FEES) {
            for (const ai of tradeSizes(bi)) {
              expectRoundedDown(
                sharesForSingleTokenIn(bi, wi, supply, ai, fee),
                refSharesForSingleTokenIn(bi, wi, supply, ai, fee),
                supply,
              )
            }
          }
        }
      }
    }
  })

  it('tokenOutForSharesIn is rounded down, and refused only when above 30 %', () => {
    let refused = 0
    for (const bo of BALANCES) {
      for (const wo of WEIGHTS) {
        for (const supply of SUPPLIES) {
          for (const fee of FEES) {
            for (const shares of [1n, supply / 10n ** 9n + 3n, supply / 200n + 1n, supply / 4n]) {
              const exact = refTokenOutForSharesIn(bo, wo, supply, shares, fee)
              let got: bigint
              try {
                got = tokenOutForSharesIn(bo, wo, supply, shares, fee)
              } catch (err) {
                expect((err as CeeError).code).toBe('ERR_MAX_OUT_RATIO')
                expect(exact).toBeGreaterThan((bo * MAX_OUT_RATIO * R) / ONE)
                refused += 1
                continue
              }
              expectRoundedDown(got, exact, bo)
            }
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(0)
  })
})

describe('proportional join and exit', () => {
  const balances = [B, 3n * B + 7n, B / 1_000n]
  const supply = 5n * B

  it('mints the smallest proportional share, rounded down, and asks for no more than offered', () => {
    const amounts = [B / 10n - 1n, B, B / 1_000n]
    const shares = sharesForAllTokensIn(supply, balances, amounts)
    expect(shares).toBe(((B / 10n - 1n) * supply) / B)
    const needed = tokensForSharesIn(supply, balances, shares)
    needed.forEach((n, i) => {
      expect(n).toBeLessThanOrEqual(amounts[i] ?? 0n)
      expect(n * supply).toBeGreaterThanOrEqual((balances[i] ?? 0n) * shares)
    })
  })

  it('pays out the proportional share of every balance, rounded down', () => {
    const out = tokensForSharesOut(supply, balances, supply / 3n)
    expect(out).toEqual(balances.map((b) => (b * (supply / 3n)) / supply))
  })

  it('refuses zero amounts, mismatched lengths and exits of the whole supply', () => {
    expectCode(() => sharesForAllTokensIn(supply, balances, [1n, 0n, 1n]), 'ERR_ZERO_AMOUNT')
    expectCode(() => sharesForAllTokensIn(supply, balances, [1n, 1n]), 'ERR_MATH_DOMAIN')
    expectCode(() => sharesForAllTokensIn(0n, balances, [1n, 1n, 1n]), 'ERR_INSUFFICIENT_LIQUIDITY')
    expectCode(() => tokensForSharesIn(supply, balances, 0n), 'ERR_ZERO_AMOUNT')
    expectCode(() => tokensForSharesIn(supply, [B], 1n), 'ERR_MATH_DOMAIN')
    expectCode(() => tokensForSharesOut(supply, balances, supply), 'ERR_INSUFFICIENT_LIQUIDITY')
    expectCode(() => tokensForSharesOut(supply, balances, 0n), 'ERR_ZERO_AMOUNT')
    expectCode(() => tokensForSharesOut(supply, [B, 0n, B], 1n), 'ERR_INSUFFICIENT_LIQUIDITY')
  })
})

describe('single-token limits', () => {
  it('refuses zero, too large amounts, bad weights and fees', () => {
    expectCode(() => sharesForSingleTokenIn(B, W, B, 0n, 0n), 'ERR_ZERO_AMOUNT')
    expectCode(() => sharesForSingleTokenIn(B, W, B, (3n * B) / 10n + 1n, 0n), 'ERR_MAX_IN_RATIO')
    expectCode(() => sharesForSingleTokenIn(B, ONE, B, ONE, 0n), 'ERR_BAD_WEIGHTS')
    expectCode(() => sharesForSingleTokenIn(B, W, B, ONE, MAX_FEE + 1n), 'ERR_BAD_FEE')
    expectCode(() => sharesForSingleTokenIn(B, W, 0n, ONE, 0n), 'ERR_INSUFFICIENT_LIQUIDITY')
    expectCode(() => tokenOutForSharesIn(B, W, B, 0n, 0n), 'ERR_ZERO_AMOUNT')
    expectCode(() => tokenOutForSharesIn(B, W, B, B, 0n), 'ERR_INSUFFICIENT_LIQUIDITY')
    expectCode(() => tokenOutForSharesIn(B, W, B, B / 2n, 0n), 'ERR_MAX_OUT_RATIO')
    expectCode(() => tokenOutForSharesIn(B, 0n, B, ONE, 0n), 'ERR_BAD_WEIGHTS')
  })

  it('starts a pool with its invariant as share supply', () => {
    const weights = [ONE / 2n, ONE / 4n, ONE / 4n]
    expect(initialShares([B, B, B], weights)).toBe(invariant([B, B, B], weights))
    expect(initialShares([1n, 1n, 1n], weights)).toBe(1n)
  })
})

const balance = fc.bigInt(10n ** 12n, 10n ** 30n)
const weight = fc.bigInt(3n, 100n)
const pool = fc.record({
  balances: fc.tuple(balance, balance, balance),
  weights: fc.tuple(weight, weight, weight).map((w) => normaliseWeights(w)),
  token: fc.constantFrom(0, 1, 2),
  fee: fc.oneof(fc.constantFrom(...FEES), fc.bigInt(0n, MAX_FEE)),
  fraction: fc.bigInt(1n, (3n * ONE) / 10n),
})

// a ≥ b up to the reference's own precision: a proportional exit can keep V/S exactly.
function expectAtLeast(a: bigint, b: bigint): void {
  expect(a).toBeGreaterThanOrEqual(b - b / 10n ** 70n)
}

describe('properties', () => {
  it('joining with one token and leaving with it never profits the provider', () => {
    fc.assert(
      fc.property(pool, balance, ({ balances, weights, token, fee, fraction }, supply) => {
        const b = balances[token] ?? 0n
        const w = weights[token] ?? 0n
        const amountIn = (b * fraction) / ONE || 1n
        const shares = sharesForSingleTokenIn(b, w, supply, amountIn, fee)
        fc.pre(shares > 0n)
        const out = tokenOutForSharesIn(b + amountIn, w, supply + shares, shares, fee)
        expect(out).toBeLessThanOrEqual(amountIn)
      }),
      { numRuns: 200 },
    )
  })

  it('the value of a share never falls on a join or an exit', () => {
    fc.assert(
      fc.property(pool, balance, ({ balances, weights, token, fee, fraction }, supply) => {
        const b = balances[token] ?? 0n
        const w = weights[token] ?? 0n
        const before = refInvariant(balances, weights)
        const amountIn = (b * fraction) / ONE || 1n
        const minted = sharesForSingleTokenIn(b, w, supply, amountIn, fee)
        const joined = balances.map((x, i) => (i === token ? x + amountIn : x))
        // V'/S' ≥ V/S, compared as V'·S ≥ V·S'.
        expectAtLeast(refInvariant(joined, weights) * supply, before * (supply + minted))
        const sharesIn = (supply * fraction) / ONE / 100n || 1n
        const out = tokenOutForSharesIn(b, w, supply, sharesIn, fee)
        const exited = balances.map((x, i) => (i === token ? x - out : x))
        expectAtLeast(refInvariant(exited, weights) * supply, before * (supply - sharesIn))
        const paid = tokensForSharesOut(supply, balances, sharesIn)
        const left = balances.map((x, i) => x - (paid[i] ?? 0n))
        expectAtLeast(refInvariant(left, weights) * supply, before * (supply - sharesIn))
      }),
      { numRuns: 100 },
    )
  })
})

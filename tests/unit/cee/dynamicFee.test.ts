import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_DYNAMIC_FEE_PARAMS,
  dynamicFee,
  logSpotPrice,
  MAX_FEE,
  outGivenIn,
  populationVariance,
} from '../../../src/shared/cee/math'
import type { DynamicFeeParams } from '../../../src/shared/cee/math'
import { expectCode, ONE } from './helpers'

const P = DEFAULT_DYNAMIC_FEE_PARAMS
const FEE_RANGE = P.feeMax - P.feeMin
// Log prices alternating 1 + sd and 1 − sd: for an even count their variance is exactly sd².
const spread = (sd: bigint, n: number): bigint[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? ONE + sd : ONE - sd))

describe('populationVariance', () => {
  it('is the mean squared deviation, exact in fixed point', () => {
    expect(populationVariance([])).toBe(0n)
    expect(populationVariance([5n * ONE])).toBe(0n)
    expect(populationVariance([ONE, ONE, ONE])).toBe(0n)
    expect(populationVariance([0n, 2n * ONE])).toBe(ONE)
    expect(populationVariance([ONE, 2n * ONE, 3n * ONE, 4n * ONE])).toBe((5n * ONE) / 4n)
    expect(populationVariance(spread(10n ** 16n, 10))).toBe(10n ** 14n)
  })

  it('does not change when every value moves by the same amount', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt(-100n * ONE, 100n * ONE), { minLength: 2, maxLength: 50 }),
        fc.bigInt(-100n * ONE, 100n * ONE),
        (xs, shift) => {
          expect(populationVariance(xs.map((x) => x + shift))).toBe(populationVariance(xs))
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('dynamicFee', () => {
  it('falls by one step towards feeMin when prices are calm', () => {
    const fee = (5n * ONE) / 1000n
    expect(dynamicFee(fee, Array<bigint>(10).fill(ONE), P)).toBe(fee - P.maxStep)
  })

  it('rises by one step towards feeMax when prices swing by more than varianceRef', () => {
    const fee = (5n * ONE) / 1000n
    expect(dynamicFee(fee, spread(2n * 10n ** 16n, 10), P)).toBe(fee + P.maxStep)
  })

  it('targets feeMin + (feeMax − feeMin) · variance / varianceRef, without overshoot', () => {
    const fast: DynamicFeeParams = { ...P, maxStep: MAX_FEE }
    // Standard deviation 0.5 % gives a quarter of varianceRef.
    const prices = spread(5n * 10n ** 15n, 20)
    expect(dynamicFee(P.feeMax, prices, fast)).toBe(P.feeMin + FEE_RANGE / 4n)
    const target = P.feeMin + FEE_RANGE / 4n
    expect(dynamicFee(target + 1n, prices, P)).toBe(target)
    expect(dynamicFee(target - 1n, prices, P)).toBe(target)
  })

  it('keeps the fee with fewer than two prices, and within [feeMin, feeMax]', () => {
    expect(dynamicFee(P.feeMin + 7n, [], P)).toBe(P.feeMin + 7n)
    expect(dynamicFee(P.feeMin + 7n, [ONE], P)).toBe(P.feeMin + 7n)
    expect(dynamicFee(0n, [], P)).toBe(P.feeMin)
    expect(dynamicFee(MAX_FEE, [ONE, ONE], P)).toBe(P.feeMax)
  })

  it('stays in range, moves by at most a step, ignores price order and is deterministic', () => {
    const params = fc
      .record({
        a: fc.bigInt(0n, MAX_FEE),
        b: fc.bigInt(0n, MAX_FEE),
        varianceRef: fc.bigInt(1n, ONE),
        maxStep: fc.bigInt(0n, ONE / 100n),
      })
      .map(({ a, b, varianceRef, maxStep }) => ({
        feeMin: a < b ? a : b,
        feeMax: a < b ? b : a,
        varianceRef,
        maxStep,
      }))
    fc.assert(
      fc.property(
        params,
        fc.bigInt(0n, MAX_FEE),
        fc.array(fc.bigInt(-50n * ONE, 50n * ONE), { maxLength: 40 }),
        (p, previous, prices) => {
          const next = dynamicFee(previous, prices, p)
          expect(next).toBeGreaterThanOrEqual(p.feeMin)
          expect(next).toBeLessThanOrEqual(p.feeMax)
          if (previous >= p.feeMin && previous <= p.feeMax) {
            const moved = next > previous ? next - previous : previous - next
            expect(moved).toBeLessThanOrEqual(p.maxStep)
          }
          expect(dynamicFee(previous, [...prices].reverse(), p)).toBe(next)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('follows a pool: falls to feeMin when quiet, rises to feeMax when traded hard', () => {
    const w = ONE / 3n
    let balances = [1_000_000n * ONE, 1_000_000n * ONE]
    const window: bigint[] = []
    let fee = P.feeMax
    const block = (trade: boolean, direction: number): void => {
      if (trade) {
        const [i, o] = direction === 0 ? [0, 1] : [1, 0]
        const bi = balances[i] ?? 0n
        const bo = balances[o] ?? 0n
        const amount = bi / 20n
        const out = outGivenIn(bi, w, bo, w, amount, fee)
        const next = [...balances]
        next[i] = bi + amount
        next[o] = bo - out
        balances = next
      }
      window.push(logSpotPrice(balances[0] ?? 0n, w, balances[1] ?? 0n, w))
      if (window.length > 10) window.shift()
      fee = dynamicFee(fee, window, P)
    }
    for (let h = 0; h < 100; h++) block(false, 0)
    expect(fee).toBe(P.feeMin)
    for (let h = 0; h < 100; h++) block(true, h % 2)
    expect(fee).toBe(P.feeMax)
  })

  it('refuses invalid parameters and fees', () => {
    expectCode(() => dynamicFee(0n, [], { ...P, feeMin: P.feeMax + 1n }), 'ERR_BAD_FEE')
    expectCode(() => dynamicFee(0n, [], { ...P, feeMin: -1n }), 'ERR_BAD_FEE')
    expectCode(() => dynamicFee(0n, [], { ...P, feeMax: MAX_FEE + 1n }), 'ERR_BAD_FEE')
    expectCode(() => dynamicFee(0n, [], { ...P, varianceRef: 0n }), 'ERR_BAD_FEE')
    expectCode(() => dynamicFee(0n, [], { ...P, maxStep: -1n }), 'ERR_BAD_FEE')
    expectCode(() => dynamicFee(-1n, [], P), 'ERR_BAD_FEE')
    expectCode(() => dynamicFee(MAX_FEE + 1n, [], P), 'ERR_BAD_FEE')
  })
})

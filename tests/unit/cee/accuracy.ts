// Shared grid and assertions of the accuracy tests: every result is compared with the exact value
// from the reference (scale R) and must lie on the pool's side of it, within 10^-12 relative plus
// the final rounding to one base unit and the documented 10^-33 of the pool balance involved.
import { expect } from 'vitest'
import { ONE } from './helpers'
import { R } from './reference'

// The reference is good to far better than 10^-50 of a base unit on this grid.
const REF_TOLERANCE = R / 10n ** 50n
const RELATIVE = 10n ** 12n

/** Balances from 10^-6 to 10^12 tokens, some of them not round. */
export const BALANCES: readonly bigint[] = [
  10n ** 12n,
  3n * 10n ** 15n + 7n,
  10n ** 18n,
  7_654_321n * 10n ** 15n + 1n,
  10n ** 24n + 12_345n,
  987_654_321n * 10n ** 18n,
  10n ** 30n,
]

/** Pairs [balanceIn, balanceOut] across the spread, both ways round. */
export const BALANCE_PAIRS: readonly (readonly [bigint, bigint])[] = BALANCES.flatMap((b, i) => {
  const partner = BALANCES[(i + 3) % BALANCES.length] ?? b
  return [[b, b] as const, [b, partner] as const]
})

/** Weight pairs [weightIn, weightOut], from the pools 0.02/0.49/0.49, 0.98/0.01/0.01 and others. */
export const WEIGHT_PAIRS: readonly (readonly [bigint, bigint])[] = [
  [2n * 10n ** 16n, 49n * 10n ** 16n],
  [49n * 10n ** 16n, 2n * 10n ** 16n],
  [49n * 10n ** 16n, 49n * 10n ** 16n],
  [98n * 10n ** 16n, 10n ** 16n],
  [10n ** 16n, 98n * 10n ** 16n],
  [10n ** 16n, 10n ** 16n],
  [333_333_333_333_333_333n, 333_333_333_333_333_334n],
  [ONE / 2n, ONE / 4n],
]

/** Weight vectors of three-token pools. */
export const WEIGHT_TRIPLES: readonly (readonly bigint[])[] = [
  [2n * 10n ** 16n, 49n * 10n ** 16n, 49n * 10n ** 16n],
  [98n * 10n ** 16n, 10n ** 16n, 10n ** 16n],
  [333_333_333_333_333_333n, 333_333_333_333_333_333n, 333_333_333_333_333_334n],
  [ONE / 2n, (3n * ONE) / 10n, ONE / 5n],
]

/** Fees 0, 0.3 %, 1 % and 10 %. */
export const FEES: readonly bigint[] = [0n, 3n * 10n ** 15n, 10n ** 16n, 10n ** 17n]

/** Trade sizes for a balance: one base unit, a tiny one, a mid one and the 30 % limit. */
export function tradeSizes(balance: bigint): bigint[] {
  return [1n, balance / 10n ** 9n + 3n, balance / 20n + 1n, (balance * 3n) / 10n]
}

// 10^-12 of the exact value, one unit, and 10^-33 of the balance the result is a share of.
function tolerance(exactR: bigint, balance: bigint): bigint {
  return exactR / RELATIVE + R + (balance * R) / 10n ** 33n
}

/** got must not exceed the exact value, and be below it by no more than the tolerance. */
export function expectRoundedDown(got: bigint, exactR: bigint, balance: bigint): void {
  expect(got * R).toBeLessThanOrEqual(exactR + REF_TOLERANCE)
  expect(exactR - got * R).toBeLessThanOrEqual(tolerance(exactR, balance))
}

/** got must not be below the exact value, and be above it by no more than the tolerance. */
export function expectRoundedUp(got: bigint, exactR: bigint, balance: bigint): void {
  expect(got * R).toBeGreaterThanOrEqual(exactR - REF_TOLERANCE)
  expect(got * R - exactR).toBeLessThanOrEqual(tolerance(exactR, balance))
}

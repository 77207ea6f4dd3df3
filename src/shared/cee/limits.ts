import { CeeError } from './errors'
import { ONE } from './fixedPoint'

/**
 * The documented limits of the pool and the checks that enforce them. Amounts and balances are
 * base units (18 decimals); weights, fees and ratios are 18-decimal fixed point (10^18 = 1.0).
 */

/** Smallest weight of a token: 0.01. With three tokens, no weight can exceed 0.98. */
export const MIN_WEIGHT = ONE / 100n

/** A pool has between MIN_TOKENS and MAX_TOKENS tokens (the CEE has three). */
export const MIN_TOKENS = 2
/** See {@link MIN_TOKENS}. */
export const MAX_TOKENS = 8

/** An exact-in trade or single-token join may bring at most 30 % of the pool's balance in. */
export const MAX_IN_RATIO = (3n * ONE) / 10n

/** An exact-out trade or single-token exit may take at most 30 % of the pool's balance out. */
export const MAX_OUT_RATIO = (3n * ONE) / 10n

/** Swap fees lie in [0, MAX_FEE]: at most 10 %. */
export const MAX_FEE = ONE / 10n

/** Largest balance, amount or share supply: 2^128 − 1, the range of the u128 codec. */
export const MAX_AMOUNT = (1n << 128n) - 1n

/**
 * Checks a pool balance or share supply: 0 is ERR_INSUFFICIENT_LIQUIDITY, negative or above
 * MAX_AMOUNT is ERR_MATH_DOMAIN.
 */
export function assertBalance(balance: bigint): void {
  if (balance === 0n) throw new CeeError('ERR_INSUFFICIENT_LIQUIDITY', 'the pool balance is zero')
  if (balance < 0n || balance > MAX_AMOUNT) {
    throw new CeeError('ERR_MATH_DOMAIN', 'balance outside [1, 2^128 − 1]')
  }
}

/**
 * Checks an amount of tokens or shares: 0 is ERR_ZERO_AMOUNT, negative or above MAX_AMOUNT is
 * ERR_MATH_DOMAIN.
 */
export function assertAmount(amount: bigint): void {
  if (amount === 0n) throw new CeeError('ERR_ZERO_AMOUNT', 'the amount is zero')
  if (amount < 0n || amount > MAX_AMOUNT) {
    throw new CeeError('ERR_MATH_DOMAIN', 'amount outside [1, 2^128 − 1]')
  }
}

/** Checks a swap fee: ERR_BAD_FEE outside [0, MAX_FEE]. */
export function assertFee(fee: bigint): void {
  if (fee < 0n || fee > MAX_FEE) throw new CeeError('ERR_BAD_FEE', 'fee outside [0, 10 %]')
}

/** Checks one token's weight: ERR_BAD_WEIGHTS outside [MIN_WEIGHT, 1 − MIN_WEIGHT]. */
export function assertWeight(weight: bigint): void {
  if (weight < MIN_WEIGHT || weight > ONE - MIN_WEIGHT) {
    throw new CeeError('ERR_BAD_WEIGHTS', 'weight outside [0.01, 0.99]')
  }
}

/** Checks the weights of two tokens of one pool: each valid and together at most 1. */
export function assertPairWeights(weightIn: bigint, weightOut: bigint): void {
  assertWeight(weightIn)
  assertWeight(weightOut)
  if (weightIn + weightOut > ONE) {
    throw new CeeError('ERR_BAD_WEIGHTS', 'two weights of one pool add up to more than 1')
  }
}

/** ERR_MAX_IN_RATIO when amountIn > MAX_IN_RATIO · balanceIn. */
export function assertMaxIn(amountIn: bigint, balanceIn: bigint): void {
  if (amountIn * ONE > balanceIn * MAX_IN_RATIO) {
    throw new CeeError('ERR_MAX_IN_RATIO', 'amount in exceeds 30 % of the pool balance')
  }
}

/** ERR_MAX_OUT_RATIO when amountOut > MAX_OUT_RATIO · balanceOut. */
export function assertMaxOut(amountOut: bigint, balanceOut: bigint): void {
  if (amountOut * ONE > balanceOut * MAX_OUT_RATIO) {
    throw new CeeError('ERR_MAX_OUT_RATIO', 'amount out exceeds 30 % of the pool balance')
  }
}

import { CeeError } from './errors'
import { ONE } from './fixedPoint'
import { ceilDiv, floorDiv } from './int'
import { invariant } from './invariant'
import {
  assertAmount,
  assertBalance,
  assertFee,
  assertMaxIn,
  assertMaxOut,
  assertWeight,
  MAX_TOKENS,
  MIN_TOKENS,
} from './limits'
import { expHpDown, expHpUp, HP, lnHp } from './logExp'

/**
 * Joins and exits of liquidity providers for pool shares, Balancer's formulas. Every result is
 * rounded in the pool's favour: shares minted and tokens paid out down, tokens asked for up. The
 * single-token formulas go through the 36-digit core like the swaps and are off by at most one
 * unit plus 10^-33 of the share supply (joins) or of the balance (exits).
 *
 * Zero amounts of tokens or shares are refused (ERR_ZERO_AMOUNT); results may be zero when the
 * amounts are too small, and the ledger refuses those. An exit can never take the last share:
 * a pool always keeps some liquidity.
 */

const ONE_SQ = ONE * ONE

function assertBalances(balances: readonly bigint[]): void {
  if (balances.length < MIN_TOKENS || balances.length > MAX_TOKENS) {
    throw new CeeError('ERR_MATH_DOMAIN', 'a pool has 2 to 8 tokens')
  }
  for (const b of balances) assertBalance(b)
}

function assertExitShares(poolShares: bigint, sharesIn: bigint): void {
  assertBalance(poolShares)
  assertAmount(sharesIn)
  if (sharesIn >= poolShares) {
    throw new CeeError('ERR_INSUFFICIENT_LIQUIDITY', 'an exit must leave shares in the pool')
  }
}

/**
 * Share supply created with the pool: its invariant, so that the value of a share starts at 1
 * (the CAF measures its growth). At least 1 for any valid balances.
 */
export function initialShares(balances: readonly bigint[], weights: readonly bigint[]): bigint {
  return invariant(balances, weights)
}

/**
 * Shares minted for a proportional join bringing amountsIn: min over tokens of
 * amountInᵢ/balanceᵢ · poolShares, rounded down. Every amount must be positive. The tokens the
 * ledger takes for those shares are {@link tokensForSharesIn}, never more than amountsIn.
 */
export function sharesForAllTokensIn(
  poolShares: bigint,
  balances: readonly bigint[],
  amountsIn: readonly bigint[],
): bigint {
  assertBalance(poolShares)
  assertBalances(balances)
  if (amountsIn.length !== balances.length) {
    throw new CeeError('ERR_MATH_DOMAIN', 'amounts and balances differ in length')
  }
  let shares: bigint | undefined
  for (const [i, amount] of amountsIn.entries()) {
    assertAmount(amount)
    const s = (amount * poolShares) / (balances[i] ?? 1n)
    if (shares === undefined || s < shares) shares = s
  }
  return shares ?? 0n
}

/** Tokens a proportional join must bring for sharesOut new shares: Bᵢ·s/supply, rounded up. */
export function tokensForSharesIn(
  poolShares: bigint,
  balances: readonly bigint[],
  sharesOut: bigint,
): bigint[] {
  assertBalance(poolShares)
  assertBalances(balances)
  assertAmount(sharesOut)
  return balances.map((b) => ceilDiv(b * sharesOut, poolShares))
}

/**
 * Tokens paid out for a proportional exit of sharesIn: Bᵢ·s/supply, rounded down. Throws
 * ERR_INSUFFICIENT_LIQUIDITY when sharesIn is not below the supply.
 */
export function tokensForSharesOut(
  poolShares: bigint,
  balances: readonly bigint[],
  sharesIn: bigint,
): bigint[] {
  assertExitShares(poolShares, sharesIn)
  assertBalances(balances)
  return balances.map((b) => (b * sharesIn) / poolShares)
}

/**
 * Shares minted for a single-token join of amountIn:
 * supply·((1 + Aᵢ·(1 − (1 − wᵢ)·fee)/Bᵢ)^wᵢ − 1), rounded down. The part (1 − wᵢ) of the amount
 * is in effect swapped for the other tokens, so it pays the swap fee. Throws ERR_MAX_IN_RATIO when
 * amountIn > 30 % of balanceIn.
 */
export function sharesForSingleTokenIn(
  balanceIn: bigint,
  weightIn: bigint,
  poolShares: bigint,
  amountIn: bigint,
  fee: bigint,
): bigint {
  assertBalance(balanceIn)
  assertWeight(weightIn)
  assertBalance(poolShares)
  assertFee(fee)
  assertAmount(amountIn)
  assertMaxIn(amountIn, balanceIn)
  const afterFee = amountIn * (ONE_SQ - (ONE - weightIn) * fee)
  const lnGrowth = lnHp(balanceIn * ONE_SQ + afterFee, balanceIn * ONE_SQ)
  const exponent = floorDiv(lnGrowth * weightIn, ONE)
  return (poolShares * (expHpDown(exponent) - HP)) / HP
}

/**
 * Tokens paid out for a single-token exit of sharesIn:
 * Bₒ·(1 − (1 − s/supply)^(1/wₒ))·(1 − (1 − wₒ)·fee), rounded down; the fee is charged on the part
 * (1 − wₒ) that is in effect swapped out of the other tokens. Throws ERR_MAX_OUT_RATIO when the
 * result exceeds 30 % of balanceOut, ERR_INSUFFICIENT_LIQUIDITY when sharesIn is not below the
 * supply.
 */
export function tokenOutForSharesIn(
  balanceOut: bigint,
  weightOut: bigint,
  poolShares: bigint,
  sharesIn: bigint,
  fee: bigint,
): bigint {
  assertBalance(balanceOut)
  assertWeight(weightOut)
  assertFee(fee)
  assertExitShares(poolShares, sharesIn)
  const lnShrink = lnHp(poolShares, poolShares - sharesIn)
  const exponent = floorDiv(lnShrink * ONE, weightOut)
  const taken = HP - expHpUp(-exponent)
  const out = (balanceOut * taken * (ONE_SQ - (ONE - weightOut) * fee)) / (HP * ONE_SQ)
  assertMaxOut(out, balanceOut)
  return out
}

import { ONE } from './fixedPoint'
import { ceilDiv, floorDiv } from './int'
import {
  assertAmount,
  assertBalance,
  assertFee,
  assertMaxIn,
  assertMaxOut,
  assertPairWeights,
} from './limits'
import { expHpUp, HP, LN_ERR, lnHp } from './logExp'

/**
 * Swaps of a weighted pool (Balancer's formulas), on 36-digit internal precision.
 *
 * Amounts and balances are base units; weights and fees are 18-decimal fixed point. Every power is
 * computed as e^(w·ln ratio) with ln taken of the exact rational ratio, and every intermediate is
 * bounded on the side that favours the pool, so outGivenIn never exceeds the exact value and
 * inGivenOut is never below it. The internal error is below 10^-33 of a balance, so what remains
 * visible is the final rounding to a whole base unit:
 *   exact − 1 − 10^-33·Bₒ ≤ outGivenIn ≤ exact
 *   exact ≤ inGivenOut ≤ exact + 1 + 10^-33·(exact + Bᵢ)
 * For balances up to 10^30 base units (10^12 tokens) that is the exact value rounded to a base
 * unit, give or take 0.001 of a unit. Amounts of zero are refused (ERR_ZERO_AMOUNT); results may
 * be zero for trades too small to buy one base unit, and the ledger refuses those.
 */

function assertSwap(
  balanceIn: bigint,
  weightIn: bigint,
  balanceOut: bigint,
  weightOut: bigint,
  amount: bigint,
  fee: bigint,
): void {
  assertBalance(balanceIn)
  assertBalance(balanceOut)
  assertPairWeights(weightIn, weightOut)
  assertFee(fee)
  assertAmount(amount)
}

/**
 * Tokens out for exactly amountIn in: Aₒ = Bₒ·(1 − (Bᵢ/(Bᵢ + Aᵢ·(1 − fee)))^(wᵢ/wₒ)), rounded
 * down. Throws ERR_MAX_IN_RATIO when amountIn > 30 % of balanceIn, and the codes of limits.ts for
 * invalid balances, weights, fee or amount.
 */
export function outGivenIn(
  balanceIn: bigint,
  weightIn: bigint,
  balanceOut: bigint,
  weightOut: bigint,
  amountIn: bigint,
  fee: bigint,
): bigint {
  assertSwap(balanceIn, weightIn, balanceOut, weightOut, amountIn, fee)
  assertMaxIn(amountIn, balanceIn)
  const lnGrowth = lnHp(balanceIn * ONE + amountIn * (ONE - fee), balanceIn * ONE)
  const exponent = floorDiv(lnGrowth * weightIn, weightOut)
  const kept = expHpUp(-exponent)
  return (balanceOut * (HP - kept)) / HP
}

/**
 * Tokens in for exactly amountOut out: Aᵢ = Bᵢ·((Bₒ/(Bₒ − Aₒ))^(wₒ/wᵢ) − 1)/(1 − fee), rounded
 * up. Throws ERR_MAX_OUT_RATIO when amountOut > 30 % of balanceOut (the amount in is not limited:
 * it is what the pool asks for), and the codes of limits.ts for invalid inputs.
 */
export function inGivenOut(
  balanceIn: bigint,
  weightIn: bigint,
  balanceOut: bigint,
  weightOut: bigint,
  amountOut: bigint,
  fee: bigint,
): bigint {
  assertSwap(balanceIn, weightIn, balanceOut, weightOut, amountOut, fee)
  assertMaxOut(amountOut, balanceOut)
  const lnGrowth = lnHp(balanceOut, balanceOut - amountOut) + LN_ERR
  const exponent = ceilDiv(lnGrowth * weightOut, weightIn)
  const growth = expHpUp(exponent) - HP
  return ceilDiv(balanceIn * growth * ONE, HP * (ONE - fee))
}

/**
 * Spot price of one unit of the out token in units of the in token, fee included:
 * ((Bᵢ/wᵢ)/(Bₒ/wₒ)) · 1/(1 − fee), as 18-decimal fixed point rounded up (within one raw unit of
 * the exact value; a trader never gets a better marginal rate than this). It is the limit of
 * inGivenOut(…, a, fee)/a as a → 0.
 */
export function spotPrice(
  balanceIn: bigint,
  weightIn: bigint,
  balanceOut: bigint,
  weightOut: bigint,
  fee: bigint,
): bigint {
  assertBalance(balanceIn)
  assertBalance(balanceOut)
  assertPairWeights(weightIn, weightOut)
  assertFee(fee)
  return ceilDiv(balanceIn * weightOut * ONE * ONE, weightIn * balanceOut * (ONE - fee))
}

/**
 * ln of the fee-free spot price (Bᵢ/wᵢ)/(Bₒ/wₒ), signed 18-decimal fixed point rounded down,
 * computed from the exact ratio (no rounding of the price first, so tiny prices keep their
 * precision). It excludes the fee so that fee changes never feed back into the fee controller.
 */
export function logSpotPrice(
  balanceIn: bigint,
  weightIn: bigint,
  balanceOut: bigint,
  weightOut: bigint,
): bigint {
  assertBalance(balanceIn)
  assertBalance(balanceOut)
  assertPairWeights(weightIn, weightOut)
  return floorDiv(lnHp(balanceIn * weightOut, weightIn * balanceOut), HP / ONE)
}

import { CeeError } from './errors'
import { ONE } from './fixedPoint'
import { MAX_FEE } from './limits'

/**
 * The entropy-control fee: at the end of each block the swap fee moves with the variance of the
 * pool's recent log spot prices (see logSpotPrice), so calm markets pay less and volatile ones
 * more. The rule, all in exact integer arithmetic:
 *   variance = population variance of the n log prices (Σ(xᵢ − x̄)²/n)
 *   target   = feeMin + (feeMax − feeMin) · min(1, variance / varianceRef), rounded down
 *   next     = previousFee moved towards target by at most maxStep, then kept in [feeMin, feeMax]
 * With fewer than two prices there is no variance: the fee stays where it is (within the bounds).
 */

/** Parameters of {@link dynamicFee}; all 18-decimal fixed point. */
export interface DynamicFeeParams {
  /** Lowest fee, in [0, feeMax]. */
  readonly feeMin: bigint
  /** Highest fee, in [feeMin, MAX_FEE]. */
  readonly feeMax: bigint
  /** Variance of the log prices at which the target reaches feeMax; > 0. */
  readonly varianceRef: bigint
  /** Largest change of the fee in one block; ≥ 0. */
  readonly maxStep: bigint
}

/**
 * Defaults: fee between 0.1 % and 1 %; the maximum is reached when the log price moves by about
 * 1 % (standard deviation) over the window, i.e. a variance of 10^-4; the fee moves by at most
 * 0.01 % per block, so a full swing takes 90 blocks.
 */
export const DEFAULT_DYNAMIC_FEE_PARAMS: DynamicFeeParams = {
  feeMin: ONE / 1000n,
  feeMax: ONE / 100n,
  varianceRef: ONE / 10_000n,
  maxStep: ONE / 10_000n,
}

function assertParams(previousFee: bigint, p: DynamicFeeParams): void {
  const ok =
    p.feeMin >= 0n &&
    p.feeMin <= p.feeMax &&
    p.feeMax <= MAX_FEE &&
    p.varianceRef > 0n &&
    p.maxStep >= 0n &&
    previousFee >= 0n &&
    previousFee <= MAX_FEE
  if (!ok) throw new CeeError('ERR_BAD_FEE', 'invalid fee controller parameters or fee')
}

// n²·ONE² times the population variance of values in fixed point: exact, never negative.
function scaledVariance(values: readonly bigint[]): bigint {
  let sum = 0n
  let sumSq = 0n
  for (const x of values) {
    sum += x
    sumSq += x * x
  }
  return BigInt(values.length) * sumSq - sum * sum
}

/**
 * Population variance of 18-decimal values (for example log prices), as 18-decimal fixed point
 * rounded down; 0 for fewer than two values.
 */
export function populationVariance(values: readonly bigint[]): bigint {
  if (values.length < 2) return 0n
  const n = BigInt(values.length)
  return scaledVariance(values) / (n * n * ONE)
}

/**
 * The fee for the next block (18-decimal fixed point) from the current one and the recent log spot
 * prices, oldest first (their order does not matter). Deterministic. Throws ERR_BAD_FEE for
 * invalid parameters or a previous fee outside [0, MAX_FEE].
 */
export function dynamicFee(
  previousFee: bigint,
  logPrices: readonly bigint[],
  params: DynamicFeeParams,
): bigint {
  assertParams(previousFee, params)
  const { feeMin, feeMax, varianceRef, maxStep } = params
  let next = previousFee
  if (logPrices.length >= 2) {
    const n = BigInt(logPrices.length)
    // variance / varianceRef = scaledVariance / (n²·ONE·varianceRef), kept exact until the end.
    const ref = n * n * ONE * varianceRef
    const v = scaledVariance(logPrices)
    const target = feeMin + ((feeMax - feeMin) * (v < ref ? v : ref)) / ref
    if (target > previousFee) next = previousFee + maxStep < target ? previousFee + maxStep : target
    else next = previousFee - maxStep > target ? previousFee - maxStep : target
  }
  return next < feeMin ? feeMin : next > feeMax ? feeMax : next
}

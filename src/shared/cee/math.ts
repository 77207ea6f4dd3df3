/**
 * The pool math of the Coherence Economy Engine (DESIGN.md section 6): a weighted pool of CHR, PSY
 * and FLX. Pure and deterministic: bigint only, every rounding in the pool's favour. This module
 * is the public entry point; the pieces live in small modules beside it.
 */
export { CEE_ERROR_CODES, CeeError } from './errors'
export type { CeeErrorCode } from './errors'
export { inGivenOut, logSpotPrice, outGivenIn, spotPrice } from './swap'
export { invariant } from './invariant'
export {
  initialShares,
  sharesForAllTokensIn,
  sharesForSingleTokenIn,
  tokenOutForSharesIn,
  tokensForSharesIn,
  tokensForSharesOut,
} from './liquidity'
export { assertNormalisedWeights, normaliseWeights } from './weights'
export {
  MAX_AMOUNT,
  MAX_FEE,
  MAX_IN_RATIO,
  MAX_OUT_RATIO,
  MAX_TOKENS,
  MIN_TOKENS,
  MIN_WEIGHT,
} from './limits'
export { DEFAULT_DYNAMIC_FEE_PARAMS, dynamicFee, populationVariance } from './dynamicFee'
export type { DynamicFeeParams } from './dynamicFee'

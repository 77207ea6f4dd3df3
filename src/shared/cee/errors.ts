import { CodedError } from '../errors'

/**
 * Every code the pool math throws. They are stable: they travel to the UI and to peers.
 * - ERR_MATH_DOMAIN: an argument outside a function's documented domain (negative, too large,
 *   a result that would not fit the fixed-point range).
 * - ERR_ZERO_AMOUNT: a zero amount of tokens or shares where a positive one is required.
 * - ERR_MAX_IN_RATIO / ERR_MAX_OUT_RATIO: a trade larger than the share of a balance allowed.
 * - ERR_INSUFFICIENT_LIQUIDITY: an empty pool balance or share supply, or an exit of all shares.
 * - ERR_BAD_WEIGHTS: weights that are not a normalised vector with every weight ≥ MIN_WEIGHT.
 * - ERR_BAD_FEE: a fee, or a fee controller parameter, outside its range.
 */
export const CEE_ERROR_CODES = [
  'ERR_MATH_DOMAIN',
  'ERR_ZERO_AMOUNT',
  'ERR_MAX_IN_RATIO',
  'ERR_MAX_OUT_RATIO',
  'ERR_INSUFFICIENT_LIQUIDITY',
  'ERR_BAD_WEIGHTS',
  'ERR_BAD_FEE',
] as const

/** One of {@link CEE_ERROR_CODES}. */
export type CeeErrorCode = (typeof CEE_ERROR_CODES)[number]

/** The error thrown by everything under src/shared/cee. */
export class CeeError extends CodedError<CeeErrorCode> {}

import { CeeError } from './errors'
import { ceilDiv, floorDiv } from './int'
import { expHpDown, expHpUp, HP, LN_ERR, lnHp } from './logExp'

/**
 * 18-decimal fixed point on bigint: the raw value x stands for x / 10^18. Multiplication and
 * division round in the direction their name says; ln, exp and pow go through the 36-digit core
 * (logExp.ts) and round down, except powUp. Arguments outside a function's domain throw a CeeError
 * with code ERR_MATH_DOMAIN.
 */
export const ONE = 10n ** 18n
const TO_HP = HP / ONE

/** Exclusive upper bound of a raw argument of ln and of a pow base: 2^255 (≈ 5.8·10^58 as a value). */
export const MAX_POW_BASE = 1n << 255n

/** Exclusive upper bound of a raw pow exponent: 2^128 (≈ 3.4·10^20 as a value). */
export const MAX_POW_EXPONENT = 1n << 128n

/**
 * Range of natural exponents (the t of e^t, and y·ln x in pow), raw: [−41, 130]. It keeps results
 * between 1.6·10^-18 (one raw unit) and 2.9·10^56 (below MAX_POW_BASE).
 */
export const MIN_NATURAL_EXPONENT = -41n * ONE
/** See {@link MIN_NATURAL_EXPONENT}. */
export const MAX_NATURAL_EXPONENT = 130n * ONE

function domain(what: string): CeeError {
  return new CeeError('ERR_MATH_DOMAIN', `${what} is outside the domain of the fixed-point math`)
}

function assertNonNegative(x: bigint, what: string): void {
  if (x < 0n) throw domain(what)
}

function assertLnArgument(x: bigint): void {
  if (x <= 0n || x >= MAX_POW_BASE) throw domain('ln argument')
}

/** a · b rounded down, for a, b ≥ 0. */
export function mulDown(a: bigint, b: bigint): bigint {
  assertNonNegative(a, 'factor')
  assertNonNegative(b, 'factor')
  return (a * b) / ONE
}

/** a · b rounded up, for a, b ≥ 0. */
export function mulUp(a: bigint, b: bigint): bigint {
  assertNonNegative(a, 'factor')
  assertNonNegative(b, 'factor')
  return ceilDiv(a * b, ONE)
}

/** a / b rounded down, for a ≥ 0 and b > 0. */
export function divDown(a: bigint, b: bigint): bigint {
  assertNonNegative(a, 'dividend')
  if (b <= 0n) throw domain('divisor')
  return (a * ONE) / b
}

/** a / b rounded up, for a ≥ 0 and b > 0. */
export function divUp(a: bigint, b: bigint): bigint {
  assertNonNegative(a, 'dividend')
  if (b <= 0n) throw domain('divisor')
  return ceilDiv(a * ONE, b)
}

/** 1 − x, or 0 when x ≥ 1, for x ≥ 0. Exact. */
export function complement(x: bigint): bigint {
  assertNonNegative(x, 'complement argument')
  return x < ONE ? ONE - x : 0n
}

/**
 * ln x for 0 < x < MAX_POW_BASE (raw), signed 18-decimal fixed point, rounded down: never above
 * the true value and at most one raw unit below its floor. Monotonic (non-decreasing) in x.
 */
export function ln(x: bigint): bigint {
  assertLnArgument(x)
  return floorDiv(lnHp(x, ONE), TO_HP)
}

/**
 * ln(numerator / denominator) of two raw values in (0, MAX_POW_BASE), without rounding the
 * quotient first; same rounding as {@link ln}. Use it for ratios of amounts, such as prices.
 */
export function lnRatio(numerator: bigint, denominator: bigint): bigint {
  assertLnArgument(numerator)
  assertLnArgument(denominator)
  return floorDiv(lnHp(numerator, denominator), TO_HP)
}

/**
 * e^x for x in [MIN_NATURAL_EXPONENT, MAX_NATURAL_EXPONENT], rounded down: never above the true
 * value and within 10^-35 relative plus two raw units of it. Monotonic in x.
 */
export function exp(x: bigint): bigint {
  if (x < MIN_NATURAL_EXPONENT || x > MAX_NATURAL_EXPONENT) throw domain('exp argument')
  return floorDiv(expHpDown(x * TO_HP), TO_HP)
}

// Lower and upper bounds, in HP units, of y · ln x; both pow functions accept the same inputs.
function naturalExponentBounds(x: bigint, y: bigint): readonly [bigint, bigint] {
  if (x <= 0n || x >= MAX_POW_BASE) throw domain('pow base')
  if (y < 0n || y >= MAX_POW_EXPONENT) throw domain('pow exponent')
  const lnLow = lnHp(x, ONE)
  const low = floorDiv(lnLow * y, ONE)
  const high = ceilDiv((lnLow + LN_ERR) * y, ONE)
  if (low < MIN_NATURAL_EXPONENT * TO_HP || high > MAX_NATURAL_EXPONENT * TO_HP) {
    throw domain('pow result')
  }
  return [low, high]
}

/**
 * x^y rounded down, never above the true value, for a base 0 < x < MAX_POW_BASE and an exponent
 * 0 ≤ y < MAX_POW_EXPONENT (raw) with y · ln x in [MIN_NATURAL_EXPONENT, MAX_NATURAL_EXPONENT].
 * Max error: x^y − powDown(x, y) ≤ x^y · (8·y + 16)·10^-36 + 2·10^-18 (y as a value, the last term
 * two raw units), so below 10^-32 relative plus two units for any y ≤ 1000. Exact for y = 0 and
 * for x = 1. Monotonic in x.
 */
export function powDown(x: bigint, y: bigint): bigint {
  const [low] = naturalExponentBounds(x, y)
  if (y === 0n || x === ONE) return ONE
  return floorDiv(expHpDown(low), TO_HP)
}

/**
 * x^y rounded up, never below the true value; same domain and max error as {@link powDown}, with
 * the error above the true value.
 */
export function powUp(x: bigint, y: bigint): bigint {
  const [, high] = naturalExponentBounds(x, y)
  if (y === 0n || x === ONE) return ONE
  return ceilDiv(expHpUp(high), TO_HP)
}

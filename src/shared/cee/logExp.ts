import { CeeError } from './errors'
import { bitLength, ceilDiv, floorDiv } from './int'

/**
 * The 36-digit core of the CEE math: natural logarithm and exponential with results in bigint
 * fixed point of scale HP = 10^36 ("units" below are 10^-36). Everything else in src/shared/cee is
 * built on it. Inside, the series run in binary fixed point with 128 fraction bits (Q128, 38
 * digits): shifts instead of divisions, and a rounding far below one unit.
 *
 * ln(n/d), for any positive integers n and d:
 *   1. n/d = 2^k · m with m in [1, 2), found from bit lengths; m in Q128 is the one rounding.
 *   2. m is divided by e^(2^-j) for j = 1..6 whenever it is at least that constant, adding 2^-j to
 *      the result, which leaves m in [1, e^(1/64)).
 *   3. ln m = 2·atanh(z) = 2·(z + z³/3 + z⁵/5 + …) with z = (m − 1)/(m + 1) < 0.0078, so each term
 *      is at least 16 000 times smaller than the one before and ten terms reach 2^-128.
 *   4. k · ln 2 (ln 2 held with 60 digits) plus the 2^-j plus the series, in units.
 *   Every step rounds down and the constants e^(2^-j) are rounded up, so the result never exceeds
 *   the true value. Each step is non-decreasing in its input and every branch meets the next at its
 *   boundary, so lnHp is monotonic (non-decreasing).
 *
 * exp(t):
 *   1. t = K(k) + r with K(k) = ⌊k · ln 2 · HP⌋ and k the largest integer with K(k) ≤ t, so
 *      0 ≤ r < ln 2.
 *   2. e^r by its Taylor series in Q128 (at most 33 terms, every one rounded down), then scaled by
 *      2^k · HP with one final rounding down.
 *   e^r < 2 at the top of each range, so the branches meet without a step down: expHp is monotonic.
 */
export const HP = 10n ** 36n

/** ⌊ln 2 · 10^60⌋: 24 guard digits keep k · ln 2 exact to 10^-36 for any |k| < 10^20. */
export const LN2_60 = 693147180559945309417232121458176568075500134360255254120680n
const GUARD = 10n ** 24n

const Q = 128n
const Q_ONE = 1n << Q

/** Pairs [⌈e^(2^-j) · 2^128⌉, 2^-j · HP] for j = 1..6, the steps of the logarithm's range reduction. */
export const LN_TABLE: readonly (readonly [bigint, bigint])[] = [
  [561030776386736916030812855022080227762n, HP / 2n],
  [436931207977148949689182835287359640399n, HP / 4n],
  [385590437682379610444903081021111242051n, HP / 8n],
  [362228694054792897708330706853750745426n, HP / 16n],
  [351084088758868988134646531735058945959n, HP / 32n],
  [345641034472397076255934771466706250566n, HP / 64n],
]

/**
 * Bound on the error of {@link lnHp} in units: ln(n/d)·HP − LN_ERR ≤ lnHp(n, d) ≤ ln(n/d)·HP.
 * The roundings add up to less than 2.1 units (below 1 for k · ln 2, below 1 for the conversion
 * from Q128, below 0.1 for all the Q128 steps); the bound keeps a factor of two in hand.
 */
export const LN_ERR = 4n

/**
 * Bound on the relative error of {@link expHp} in units: with E = expHp(t) and V = e^(t/HP)·HP,
 * V·(1 − EXP_REL_ERR/HP) − 1 ≤ E ≤ V·(1 + EXP_REL_ERR/HP). The reduction costs at most 1.01
 * units relative, the Q128 series below 0.2, the final rounding one unit absolute.
 */
export const EXP_REL_ERR = 4n

/** Largest argument of {@link expHp}: 200 (e^200 ≈ 7·10^86). */
export const EXP_HP_MAX = 200n * HP
// Below −100, e^t · HP < 4·10^-8 and the result is 0 whichever way it is computed.
const EXP_HP_UNDERFLOW = -100n * HP

/**
 * A lower bound of ln(n/d) · HP within {@link LN_ERR} units, for integers n > 0 and d > 0.
 * Monotonic in n/d. Throws ERR_MATH_DOMAIN for n ≤ 0 or d ≤ 0.
 */
export function lnHp(n: bigint, d: bigint): bigint {
  if (n <= 0n || d <= 0n) throw new CeeError('ERR_MATH_DOMAIN', 'ln of a non-positive number')
  let k = bitLength(n) - bitLength(d)
  let num = k < 0 ? n << BigInt(-k) : n
  const den = k > 0 ? d << BigInt(k) : d
  if (num < den) {
    num <<= 1n
    k -= 1
  }
  let m = (num << Q) / den
  // A lower bound of k · ln 2 needs ln 2 rounded down when k ≥ 0 and rounded up when k < 0.
  let acc = floorDiv(BigInt(k) * (k < 0 ? LN2_60 + 1n : LN2_60), GUARD)
  for (const [c, h] of LN_TABLE) {
    if (m >= c) {
      m = (m << Q) / c
      acc += h
    }
  }
  const z = ((m - Q_ONE) << Q) / (m + Q_ONE)
  const z2 = (z * z) >> Q
  let term = 2n * z
  let series = term
  for (let i = 3n; term > 0n; i += 2n) {
    term = (term * z2) >> Q
    series += term / i
  }
  return acc + ((series * HP) >> Q)
}

// K(k) of the exp range reduction: one rounding of k · ln 2 · HP, used the same way for every k.
function kLn2(k: bigint): bigint {
  return floorDiv(k * LN2_60, GUARD)
}

/**
 * e^(t/HP) · HP to within {@link EXP_REL_ERR} (see there), for t ≤ {@link EXP_HP_MAX}.
 * Monotonic in t. Throws ERR_MATH_DOMAIN above the maximum; returns 0 below −100.
 */
export function expHp(t: bigint): bigint {
  if (t > EXP_HP_MAX) throw new CeeError('ERR_MATH_DOMAIN', 'exp argument too large')
  if (t < EXP_HP_UNDERFLOW) return 0n
  let k = floorDiv(t * GUARD, LN2_60)
  // The guard-digit estimate can be one below the largest k with K(k) ≤ t, never more.
  if (kLn2(k + 1n) <= t) k += 1n
  const r = ((t - kLn2(k)) << Q) / HP
  let term = Q_ONE
  let sum = Q_ONE
  for (let i = 1n; term > 0n; i++) {
    term = ((term * r) >> Q) / i
    sum += term
  }
  const shift = Q - k
  return shift >= 0n ? (sum * HP) >> shift : (sum * HP) << -shift
}

/**
 * A lower bound of e^(t/HP) · HP (never negative). Monotonic in t; exactly HP at t = 0, and at
 * least HP for t > 0 (the margin never takes it below 1 where e^t ≥ 1).
 */
export function expHpDown(t: bigint): bigint {
  const e = expHp(t)
  const low = e - ceilDiv(e * EXP_REL_ERR, HP)
  return t >= 0n && low < HP ? HP : low
}

/**
 * An upper bound of e^(t/HP) · HP. Monotonic in t; exactly HP at t = 0, and at most HP for t < 0.
 */
export function expHpUp(t: bigint): bigint {
  const e = expHp(t)
  const high = e + ceilDiv(e * EXP_REL_ERR, HP) + 2n
  return t <= 0n && high > HP ? HP : high
}

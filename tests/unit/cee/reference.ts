// An independent high-precision reference for the CEE math, for tests only. Values are bigint
// fixed point with scale R = 10^90 and the series run at 10^110. The methods differ on purpose
// from src/shared/cee/logExp.ts: exp halves its argument until it is tiny, sums the Taylor series
// and squares back; ln is the root of exp(y) = x found by Halley's iteration from a float guess.
// Neither uses ln 2, a table of constants or the atanh series.

export const R = 10n ** 90n
const W = 10n ** 110n
const W_PER_R = W / R
const ONE = 10n ** 18n

function expW(x: bigint): bigint {
  if (x < 0n) return (W * W) / expW(-x)
  let halvings = 0n
  while (x >> halvings > W / 1024n) halvings += 1n
  const divisor = W << halvings
  let term = W
  let sum = W
  for (let i = 1n; term > 0n; i++) {
    term = (term * x) / (i * divisor)
    sum += term
  }
  for (let i = 0n; i < halvings; i++) sum = (sum * sum) / W
  return sum
}

/** e^(x/R) · R. */
export function refExp(x: bigint): bigint {
  return expW(x * W_PER_R) / W_PER_R
}

/** ln(n/d) · R for integers n, d > 0. */
export function refLn(n: bigint, d: bigint): bigint {
  // Below 1 the quotient would lose digits: use ln(n/d) = −ln(d/n).
  if (n < d) return -refLn(d, n)
  const target = (n * W) / d
  const guess = Math.log(Number(n)) - Math.log(Number(d))
  let y = BigInt(Math.round(guess * 1e15)) * (W / 10n ** 15n)
  for (let i = 0; i < 8; i++) {
    const e = expW(y)
    const step = (2n * (target - e) * W) / (target + e)
    y += step
    if (step <= 1n && step >= -1n) break
  }
  return y / W_PER_R
}

/** (a/b)^(p/q) · R for positive integers. */
export function refPow(a: bigint, b: bigint, p: bigint, q: bigint): bigint {
  return refExp((refLn(a, b) * p) / q)
}

/** Exact outGivenIn · R. */
export function refOutGivenIn(
  bi: bigint,
  wi: bigint,
  bo: bigint,
  wo: bigint,
  ai: bigint,
  fee: bigint,
): bigint {
  const kept = refPow(bi * ONE, bi * ONE + ai * (ONE - fee), wi, wo)
  return bo * (R - kept)
}

/** Exact inGivenOut · R. */
export function refInGivenOut(
  bi: bigint,
  wi: bigint,
  bo: bigint,
  wo: bigint,
  ao: bigint,
  fee: bigint,
): bigint {
  const growth = refPow(bo, bo - ao, wo, wi) - R
  return (bi * growth * ONE) / (ONE - fee)
}

/** Exact spot price (18-decimal raw) · R. */
export function refSpotPrice(bi: bigint, wi: bigint, bo: bigint, wo: bigint, fee: bigint): bigint {
  return (bi * wo * ONE * ONE * R) / (wi * bo * (ONE - fee))
}

/** Exact invariant Π Bᵢ^wᵢ (base units) · R. */
export function refInvariant(balances: readonly bigint[], weights: readonly bigint[]): bigint {
  let exponent = 0n
  weights.forEach((w, i) => {
    exponent += (w * refLn(balances[i] ?? 1n, 1n)) / ONE
  })
  return refExp(exponent)
}

/** Exact shares for a single-token join · R. */
export function refSharesForSingleTokenIn(
  bi: bigint,
  wi: bigint,
  supply: bigint,
  ai: bigint,
  fee: bigint,
): bigint {
  const oneSq = ONE * ONE
  const afterFee = ai * (oneSq - (ONE - wi) * fee)
  return supply * (refPow(bi * oneSq + afterFee, bi * oneSq, wi, ONE) - R)
}

/** Exact tokens out for a single-token exit · R. */
export function refTokenOutForSharesIn(
  bo: bigint,
  wo: bigint,
  supply: bigint,
  sharesIn: bigint,
  fee: bigint,
): bigint {
  const oneSq = ONE * ONE
  const taken = R - refPow(supply - sharesIn, supply, ONE, wo)
  return (bo * taken * (oneSq - (ONE - wo) * fee)) / oneSq
}

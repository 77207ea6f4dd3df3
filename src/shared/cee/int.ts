/** Integer helpers on bigint: JavaScript's `/` truncates towards zero, these round as named. */

/** ⌊a / b⌋ for b > 0. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return q * b > a ? q - 1n : q
}

/** ⌈a / b⌉ for b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return q * b < a ? q + 1n : q
}

/** Number of bits of x > 0 (1n → 1, 255n → 8). */
export function bitLength(x: bigint): number {
  return x.toString(2).length
}

const ONE = 10n ** 18n

/** `part / whole` as an 18-decimal fixed-point fraction, for `displayPercent`; 0 when `whole` is 0. */
export function fraction(part: bigint, whole: bigint): string {
  return whole === 0n ? '0' : ((part * ONE) / whole).toString()
}

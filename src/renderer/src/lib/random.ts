/** A uniformly random integer in [0, n), from the platform's CSPRNG (rejection sampling). */
export function randomIndex(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new RangeError(`bad range ${n}`)
  const limit = Math.floor(0x1_0000_0000 / n) * n
  const buf = new Uint32Array(1)
  for (;;) {
    crypto.getRandomValues(buf)
    const v = buf[0]!
    if (v < limit) return v % n
  }
}

/** `count` distinct positions in [0, total), in increasing order. */
export function pickPositions(count: number, total: number): number[] {
  if (count > total) throw new RangeError(`cannot pick ${count} of ${total}`)
  const chosen = new Set<number>()
  while (chosen.size < count) chosen.add(randomIndex(total))
  return [...chosen].sort((a, b) => a - b)
}

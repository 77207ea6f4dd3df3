import { CeeError } from './errors'
import { ONE } from './fixedPoint'
import { MAX_TOKENS, MIN_TOKENS, MIN_WEIGHT } from './limits'

function assertTokenCount(count: number): void {
  if (count < MIN_TOKENS || count > MAX_TOKENS) {
    throw new CeeError('ERR_BAD_WEIGHTS', `a pool has 2 to 8 tokens, not ${count}`)
  }
}

/**
 * Checks the weight vector Ψ of a pool: 2 to 8 weights, each at least MIN_WEIGHT (0.01), adding up
 * to exactly 10^18. Throws ERR_BAD_WEIGHTS otherwise.
 */
export function assertNormalisedWeights(weights: readonly bigint[]): void {
  assertTokenCount(weights.length)
  let sum = 0n
  for (const w of weights) {
    if (w < MIN_WEIGHT) throw new CeeError('ERR_BAD_WEIGHTS', 'a weight is below 0.01')
    sum += w
  }
  if (sum !== ONE) throw new CeeError('ERR_BAD_WEIGHTS', 'weights do not add up to exactly 1')
}

/**
 * Scales positive relative weights (any unit) to 18-decimal weights that add up to exactly 10^18.
 * Each gets ⌊wᵢ · 10^18 / Σw⌋; the few units left over go one each to the largest remainders, ties
 * to the lower index, so the result is deterministic. Throws ERR_BAD_WEIGHTS for a weight ≤ 0, a
 * count outside 2..8, or a result with a weight below MIN_WEIGHT.
 */
export function normaliseWeights(weights: readonly bigint[]): bigint[] {
  assertTokenCount(weights.length)
  let total = 0n
  for (const w of weights) {
    if (w <= 0n) throw new CeeError('ERR_BAD_WEIGHTS', 'weights must be positive')
    total += w
  }
  const scaled = weights.map((w) => (w * ONE) / total)
  const remainders = weights.map((w) => (w * ONE) % total)
  const byRemainder = weights
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = remainders[a] ?? 0n
      const rb = remainders[b] ?? 0n
      return ra === rb ? a - b : ra > rb ? -1 : 1
    })
  let missing = ONE - scaled.reduce((s, w) => s + w, 0n)
  for (const i of byRemainder) {
    if (missing === 0n) break
    scaled[i] = (scaled[i] ?? 0n) + 1n
    missing -= 1n
  }
  assertNormalisedWeights(scaled)
  return scaled
}

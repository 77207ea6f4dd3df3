import { populationVariance } from '../../../shared/cee/dynamicFee'
import { mulDown, ONE } from '../../../shared/cee/fixedPoint'
import type { Balances } from '../../../shared/tokens'
import { coherenceScore, ENTROPY_WINDOW } from '../monitor/kpis'
import type { Connection } from './bridgeState'

/*
 * The bridge flow governor (DESIGN.md section 7): how much of each token this cluster accepts
 * from a connected cluster per rolling window. Its only inputs are the Ψ values of that cluster's
 * verified headers, so every validator computes the same allowance, in 18-decimal fixed point.
 */

const ADJ_LIMIT = ONE / 10n

/** Coherence Score of the remote cluster from its verified headers (1 before the first). */
export function remoteCoherence(psis: readonly bigint[]): bigint {
  return coherenceScore(psis).value ?? ONE
}

/**
 * The seed's adjustment, `adj = clamp(−10·σ²(Ψ), −0.1, 0.1)` over the last 10 Ψ values: 0 for a
 * steady cluster, down to −0.1 for an erratic one. Variance is never negative, so adj ≤ 0.
 */
export function flowAdjustment(psis: readonly bigint[]): bigint {
  const recent = psis.slice(-ENTROPY_WINDOW)
  if (recent.length < 2) return 0n
  const adj = -10n * populationVariance(recent)
  return adj < -ADJ_LIMIT ? -ADJ_LIMIT : adj > ADJ_LIMIT ? ADJ_LIMIT : adj
}

/**
 * The allowance per window: the connection's cap scaled by the remote Coherence Score and by
 * (1 + adj), rounded down. It tightens as the score falls or the Ψ values scatter.
 */
export function allowance(connection: Connection): Balances {
  const factor = mulDown(remoteCoherence(connection.psis), ONE + flowAdjustment(connection.psis))
  const [a, b, c] = connection.flowCap.map((cap) => mulDown(cap, factor))
  return [a!, b!, c!]
}

import { describe, expect, it } from 'vitest'
import { ONE } from '../../../src/shared/cee/fixedPoint'
import { ONE_TOKEN } from '../../../src/shared/tokens'
import type { Connection } from '../../../src/main/node/bridge/bridgeState'
import { allowance, flowAdjustment, remoteCoherence } from '../../../src/main/node/bridge/governor'
import { createLightClient } from '../../../src/main/node/bridge/lightClient'
import { equalStakes, membersOf } from './remoteCluster'

// Fixed-point values by hand: ONE = 10^18 is 1.0, so 9n * ONE / 10n is 0.9.
const tenths = (n: bigint) => (n * ONE) / 10n

/** A connection whose governor has seen `psis`, with a cap of `cap` per token. */
function connectionWith(psis: bigint[], flowCap: [bigint, bigint, bigint]): Connection {
  const client = createLightClient({
    clusterId: 'remote',
    genesisHash: new Uint8Array(32),
    validators: membersOf(equalStakes(1)),
  })
  return { client, flowCap, flowWindow: 10, psis, nextSendSeq: 1, nextRecvSeq: 1, flow: [] }
}

describe('flow adjustment: clamp(−10·σ²(Ψ), −0.1, 0.1)', () => {
  it('is 0 without two values and for a steady Ψ', () => {
    expect(flowAdjustment([])).toBe(0n)
    expect(flowAdjustment([tenths(5n)])).toBe(0n)
    expect(flowAdjustment([tenths(9n), tenths(9n), tenths(9n)])).toBe(0n)
  })

  it('is −10 times the population variance while that is within the clamp', () => {
    // Ψ = 1.0, 0.9: mean 0.95, σ² = 0.0025, adj = −0.025.
    expect(flowAdjustment([ONE, tenths(9n)])).toBe(-(25n * ONE) / 1000n)
    // Ψ = 1.0, 0.8: σ² = 0.01, adj = −0.1 exactly, the edge of the clamp.
    expect(flowAdjustment([ONE, tenths(8n)])).toBe(-ONE / 10n)
  })

  it('is clamped at −0.1 for an erratic cluster', () => {
    // Ψ = 1.0, 0.5: σ² = 0.0625, −10·σ² = −0.625.
    expect(flowAdjustment([ONE, tenths(5n)])).toBe(-ONE / 10n)
    expect(flowAdjustment([ONE, 0n, ONE, 0n])).toBe(-ONE / 10n)
  })

  it('looks at the last 10 values only', () => {
    const recovered = [tenths(2n), ...Array<bigint>(10).fill(ONE)]
    expect(flowAdjustment(recovered)).toBe(0n)
    expect(flowAdjustment(recovered.slice(0, 10))).toBe(-ONE / 10n)
  })
})

describe('allowance', () => {
  const cap: [bigint, bigint, bigint] = [1000n * ONE_TOKEN, 100n * ONE_TOKEN, 10n * ONE_TOKEN]

  it('is the cap for a cluster not yet heard from and for a fully signed one', () => {
    expect(remoteCoherence([])).toBe(ONE)
    expect(allowance(connectionWith([], cap))).toEqual(cap)
    expect(allowance(connectionWith([ONE, ONE, ONE], cap))).toEqual(cap)
  })

  it('tightens with the Coherence Score as Ψ falls, steadily', () => {
    // Score 0.8, adj 0: factor 0.8.
    const steady = connectionWith([tenths(8n), tenths(8n), tenths(8n)], cap)
    expect(allowance(steady)).toEqual([800n * ONE_TOKEN, 80n * ONE_TOKEN, 8n * ONE_TOKEN])
  })

  it('tightens further when Ψ scatters', () => {
    // Score 0.95, adj −0.025: factor 0.95 · 0.975 = 0.92625.
    const scattered = connectionWith([ONE, tenths(9n)], cap)
    expect(allowance(scattered)).toEqual([
      92_625n * (ONE_TOKEN / 100n),
      9_262_500n * (ONE_TOKEN / 100_000n),
      926_250n * (ONE_TOKEN / 100_000n),
    ])
    // Score 0.75, adj clamped at −0.1: factor 0.675.
    const erratic = connectionWith([ONE, tenths(5n)], cap)
    expect(allowance(erratic)).toEqual([
      675n * ONE_TOKEN,
      675n * (ONE_TOKEN / 10n),
      675n * (ONE_TOKEN / 100n),
    ])
  })

  it('rounds down to base units', () => {
    // factor 0.92625: 1 → 0.92625, 3 → 2.77875, 7 → 6.48375 base units.
    expect(allowance(connectionWith([ONE, tenths(9n)], [1n, 3n, 7n]))).toEqual([0n, 2n, 6n])
  })
})

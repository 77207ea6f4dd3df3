import type { KpiDto } from '../../../shared/ipc/contract'
import type { CoherenceNode } from '../node'
import { counters } from './counters'

/** One metric in the Prometheus text exposition format (version 0.0.4). */
interface Metric {
  readonly name: string
  readonly help: string
  readonly type: 'gauge' | 'counter'
  /** No value (a KPI without enough data): the metric is left out, never reported as 0. */
  readonly value: number | null
}

const gauge = (name: string, help: string, value: number | null): Metric => ({
  name,
  help,
  type: 'gauge',
  value,
})
const counter = (name: string, help: string, value: number): Metric => ({
  name,
  help,
  type: 'counter',
  value,
})

const kpi = (k: KpiDto): number | null => k.value

/**
 * The node's metrics as Prometheus text. Names carry their unit (`_ratio`, `_seconds`,
 * `_bytes_total`, `_total` for counts) as Prometheus' naming guide asks.
 */
export function renderMetrics(node: CoherenceNode): string {
  const status = node.status()
  const consensus = node.consensusInfo()
  const network = node.networkInfo()
  const kpis = node.monitor.report()
  const timing = node.blockTiming()
  const metrics: Metric[] = [
    gauge(
      'coherence_coherence_score_ratio',
      'Mean Ψ over the last 100 heights.',
      kpi(kpis.coherenceScore),
    ),
    gauge(
      'coherence_entropy_rate_ratio',
      'Mean variance of the last 10 Ψ per cluster.',
      kpi(kpis.entropyRate),
    ),
    gauge(
      'coherence_h_internal_ratio',
      "This validator's signing ratio over 100 heights.",
      kpi(kpis.hInternal),
    ),
    gauge('coherence_caf_ratio', 'Annualised growth of the pool value per share.', kpi(kpis.caf)),
    gauge('coherence_block_height', 'Height of the latest committed block.', status.height),
    gauge('coherence_consensus_height', 'Height consensus is deciding.', consensus.height),
    gauge('coherence_consensus_round', 'Round of the height being decided.', consensus.round),
    gauge('coherence_validators', 'Validators in the current set.', consensus.validators.length),
    gauge('coherence_peers', 'Connected peers.', network.peers.length),
    gauge('coherence_known_peer_addresses', 'Dialable addresses known.', network.knownAddresses),
    gauge(
      'coherence_mempool_transactions',
      'Transactions waiting for a block.',
      status.mempoolSize,
    ),
    gauge(
      'coherence_sync_target_height',
      'Highest height reported by a peer.',
      network.sync.target,
    ),
    gauge('coherence_syncing', '1 while block sync fetches blocks.', network.sync.syncing ? 1 : 0),
    gauge(
      'coherence_block_interval_seconds',
      'Time between the last two blocks.',
      timing.intervalSeconds,
    ),
    gauge(
      'coherence_commit_latency_seconds',
      'From the block time to its local commit.',
      timing.commitLatencySeconds,
    ),
    gauge('coherence_alerts_active', 'Alerts currently raised.', node.monitor.activeAlerts()),
    counter(
      'coherence_signatures_verified_total',
      'Ed25519 signatures verified.',
      counters.signaturesVerified,
    ),
    counter(
      'coherence_peer_received_bytes_total',
      'Bytes received from peers.',
      counters.peerBytesReceived,
    ),
    counter('coherence_peer_sent_bytes_total', 'Bytes sent to peers.', counters.peerBytesSent),
  ]
  const lines: string[] = []
  for (const m of metrics) {
    if (m.value === null) continue
    lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, `${m.name} ${m.value}`)
  }
  return lines.join('\n') + '\n'
}

import type { AlertDto, KpiDto } from '../../../shared/ipc/contract'

/** A condition that holds now; it becomes an alert with the time it started. */
export type Condition = Omit<AlertDto, 'since' | 'clearedAt'>

/** Consecutive blocks a validator may miss before the others are told. */
export const MISSED_BLOCKS_ALERT = 3
/** Blocks behind the best peer before the node counts as behind. */
export const BEHIND_BLOCKS_ALERT = 5

export interface AlertInputs {
  readonly coherenceScore: KpiDto
  readonly entropyRate: KpiDto
  readonly hInternal: KpiDto
  readonly caf: KpiDto
  /** Validators (address) by how many of the latest commits in a row lack their signature. */
  readonly missedInARow: readonly { address: string; missed: number; self: boolean }[]
  /** Connected peers and the fewest wanted; null for a node without a network. */
  readonly peers: { connected: number; minimum: number } | null
  readonly blocksBehind: number
  /** The height at which this node's state diverged from a committed block, if ever. */
  readonly divergedAt: number | null
  /** Connected clusters: whether their light client froze, and their Coherence Score. */
  readonly bridges: readonly { cluster: string; frozen: boolean; coherenceScore: KpiDto }[]
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`

function kpiCondition(id: string, name: string, kpi: KpiDto, show: (x: number) => string) {
  if (kpi.met !== false || kpi.value === null) return []
  return [{ name, value: show(kpi.value), target: show(kpi.target), id }]
}

/** Every alert condition that holds for these inputs. Pure: the caller tracks since when. */
export function conditions(i: AlertInputs): Condition[] {
  const out: Condition[] = []
  for (const k of [
    ...kpiCondition('kpi.coherenceScore', 'Coherence Score', i.coherenceScore, pct),
    ...kpiCondition('kpi.hInternal', 'H_internal of this validator', i.hInternal, pct),
  ]) {
    out.push({
      id: k.id,
      severity: 'warning',
      title: `${k.name} below target`,
      detail: `${k.name} is ${k.value}, below its target of ${k.target}.`,
      advice:
        k.id === 'kpi.hInternal'
          ? 'Check that this node is online, has peers and keeps up (Network page).'
          : 'Validators are missing blocks: see which ones on the Validators page.',
    })
  }
  for (const k of kpiCondition('kpi.entropyRate', 'Entropy Rate', i.entropyRate, (x) =>
    x.toFixed(5),
  )) {
    out.push({
      id: k.id,
      severity: 'warning',
      title: 'Entropy Rate above target',
      detail: `The Entropy Rate is ${k.value}, above its target of ${k.target}: participation swings from block to block.`,
      advice: 'Look for validators that come and go on the Validators page.',
    })
  }
  for (const k of kpiCondition('kpi.caf', 'CAF', i.caf, (x) => x.toFixed(4))) {
    out.push({
      id: k.id,
      severity: 'info',
      title: 'CAF below target',
      detail: `The pool's value per share grows at ${k.value}× a year, below the target of ${k.target}×.`,
      advice: 'Nothing to fix on this node: the pool earns from swap fees as it is used.',
    })
  }
  for (const v of i.missedInARow) {
    if (v.self && v.missed >= 2) {
      out.push({
        id: 'validator.self.missing',
        severity: 'warning',
        title: 'This validator misses signatures',
        detail: `The last ${v.missed} blocks were committed without this validator's signature.`,
        advice: 'Check its peers and sync state; a restart resumes signing safely.',
      })
    } else if (!v.self && v.missed >= MISSED_BLOCKS_ALERT) {
      out.push({
        id: `validator.missing:${v.address}`,
        severity: 'warning',
        title: 'A validator is missing blocks',
        detail: `Validator ${v.address} has not signed the last ${v.missed} blocks.`,
        advice: 'If it is yours, check that it runs and has peers; otherwise tell its operator.',
      })
    }
  }
  if (i.peers && i.peers.connected < i.peers.minimum) {
    out.push({
      id: 'peers.low',
      severity: 'warning',
      title: 'Few peers',
      detail: `Connected to ${i.peers.connected} peers; at least ${i.peers.minimum} are wanted.`,
      advice: 'Check the network connection and the seeds in the network file.',
    })
  }
  if (i.blocksBehind > BEHIND_BLOCKS_ALERT) {
    out.push({
      id: 'node.behind',
      severity: 'warning',
      title: 'Node is behind',
      detail: `The node is ${i.blocksBehind} blocks behind its peers.`,
      advice: 'It is syncing; if the gap does not shrink, check its peers and CPU.',
    })
  }
  for (const b of i.bridges) {
    if (b.frozen) {
      out.push({
        id: `bridge.frozen:${b.cluster}`,
        severity: 'critical',
        title: `Bridge to ${b.cluster} frozen`,
        detail: `Two conflicting headers of ${b.cluster}, both signed by more than 2/3 of its validators, were proven here: that cluster forked. Nothing more is accepted from it.`,
        advice: `Tell ${b.cluster}'s validators; the connection stays frozen until it is replaced.`,
      })
    }
    for (const k of kpiCondition(
      `bridge.coherence:${b.cluster}`,
      'Coherence Score',
      b.coherenceScore,
      pct,
    )) {
      out.push({
        id: k.id,
        severity: 'info',
        title: `Connected cluster ${b.cluster} below target`,
        detail: `${b.cluster}'s Coherence Score is ${k.value}, below ${k.target}: the bridge governor accepts less from it.`,
        advice: 'Nothing to fix here: transfers from it queue and arrive as it recovers.',
      })
    }
  }
  if (i.divergedAt !== null) {
    out.push({
      id: 'state.diverged',
      severity: 'critical',
      title: 'State diverged: signing stopped',
      detail: `At height ${i.divergedAt} the validators committed a block this node computes differently. The node has stopped signing.`,
      advice:
        'Stop the node, keep its data directory for diagnosis, and resync from a new data directory.',
    })
  }
  return out
}

/**
 * Blocks a condition must hold before its alert is raised, and must have stopped holding before
 * it clears: one late signature should not flash an alert on and off. Critical conditions (a
 * diverged state) are raised at once.
 */
export const ALERT_HOLD_BLOCKS = 3

/**
 * Active alerts: each starts when its condition has held for ALERT_HOLD_BLOCKS updates (its
 * `since` is when it first held) and ends (clearedAt) when it has not held for as many. Returns
 * what changed so the caller can store and announce it.
 */
export class AlertBook {
  private readonly active = new Map<string, AlertDto>()
  /** Conditions that hold but are not alerts yet: when they began and how many updates since. */
  private readonly pending = new Map<string, { since: number; updates: number }>()
  /** Active alerts whose condition stopped holding: for how many updates. */
  private readonly fading = new Map<string, number>()

  constructor(private readonly holdUpdates = ALERT_HOLD_BLOCKS) {}

  update(now: number, holding: readonly Condition[]): { raised: AlertDto[]; cleared: AlertDto[] } {
    const raised: AlertDto[] = []
    const cleared: AlertDto[] = []
    const ids = new Set(holding.map((c) => c.id))
    for (const id of this.pending.keys()) if (!ids.has(id)) this.pending.delete(id)
    for (const [id, alert] of this.active) {
      if (ids.has(id)) {
        this.fading.delete(id)
        continue
      }
      const updates = (this.fading.get(id) ?? 0) + 1
      if (updates < this.holdUpdates) {
        this.fading.set(id, updates)
        continue
      }
      this.fading.delete(id)
      this.active.delete(id)
      cleared.push({ ...alert, clearedAt: now })
    }
    for (const c of holding) {
      const current = this.active.get(c.id)
      if (current) {
        // The detail follows the figures; the start time stays.
        this.active.set(c.id, { ...c, since: current.since, clearedAt: null })
        continue
      }
      const waiting = this.pending.get(c.id) ?? { since: now, updates: 0 }
      waiting.updates++
      if (waiting.updates < this.holdUpdates && c.severity !== 'critical') {
        this.pending.set(c.id, waiting)
        continue
      }
      this.pending.delete(c.id)
      const alert = { ...c, since: waiting.since, clearedAt: null }
      this.active.set(c.id, alert)
      raised.push(alert)
    }
    return { raised, cleared }
  }

  list(): AlertDto[] {
    return [...this.active.values()].sort((a, b) => a.since - b.since)
  }
}

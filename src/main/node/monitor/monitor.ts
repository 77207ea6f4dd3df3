import { encodeAddress } from '../../../shared/address'
import { ONE, divDown } from '../../../shared/cee/fixedPoint'
import { toHex } from '../../../shared/encoding'
import type { Alerts, KpiDto, KpiPoint, KpiRange, KpiReport } from '../../../shared/ipc/contract'
import type { Block } from '../chain/block'
import type { Chain, CommittedBlock } from '../chain/chain'
import { committedBridge } from '../bridge/bridgeState'
import type { Clock } from '../clock'
import type { Logger } from '../logger'
import type { ChainStore } from '../storage/store'
import { AlertBook, conditions, type AlertInputs } from './alerts'
import type { HistoryStore } from './historyStore'
import {
  caf,
  CAF_WINDOW_MS,
  coherenceScore,
  entropyRate,
  hInternal,
  psi,
  SCORE_WINDOW,
  TARGETS,
  type CommitSample,
  type Kpi,
  type PoolValuePoint,
} from './kpis'

/** Ψ values shown per recent block. */
const RECENT_PSI = 20

export interface MonitorOptions {
  readonly chain: Chain
  readonly store: ChainStore
  readonly history: HistoryStore
  /** This node's validator address. */
  readonly self: Uint8Array
  readonly clock: Clock
  readonly logger: Logger
  /** Connected peers and the fewest wanted; null for a node without a network. */
  readonly peers: () => { connected: number; minimum: number } | null
  readonly sync: () => { height: number; target: number }
}

interface PoolPoint extends PoolValuePoint {
  readonly height: number
}

/**
 * The QID (DESIGN.md 8): samples every committed block, computes the KPIs of DESIGN.md 3 from the
 * canonical commits, keeps their history for the charts, and raises and clears alerts.
 */
export class Monitor {
  private samples: CommitSample[] = []
  private poolStart: PoolPoint | null = null
  private poolLatest: PoolPoint | null = null
  private readonly book = new AlertBook()
  private divergedAt: number | null = null
  private readonly alertListeners: ((alerts: Alerts) => void)[] = []
  private readonly selfHex: string
  private work: Promise<void> = Promise.resolve()

  private constructor(private readonly o: MonitorOptions) {
    this.selfHex = toHex(o.self)
  }

  /** Rebuilds the KPI window from the stored chain, then follows new blocks. */
  static async start(o: MonitorOptions): Promise<Monitor> {
    const m = new Monitor(o)
    const top = o.chain.height
    for (let h = Math.max(2, top - SCORE_WINDOW + 1); h <= top; h++) {
      const block = await o.chain.block(h)
      if (block) m.record(block)
    }
    await m.loadPool()
    o.chain.onCommitted((c) => {
      Monitor.queue(m, () => m.onCommitted(c))
    })
    return m
  }

  private static queue(m: Monitor, task: () => Promise<void>): void {
    m.work = m.work.then(task).catch((err: unknown) => {
      m.o.logger.error('monitor update failed', { err: String(err) })
    })
  }

  /** Waits for the blocks already handed over to be processed (for a clean stop). */
  async idle(): Promise<void> {
    await this.work
  }

  onAlerts(listener: (alerts: Alerts) => void): void {
    this.alertListeners.push(listener)
  }

  /** This node computed a committed block differently: alert (consensus stops signing). */
  diverged(height: number): void {
    this.divergedAt ??= height
    Monitor.queue(this, () => this.evaluate())
  }

  report(): KpiReport {
    const kpis = this.kpis()
    const latest = this.samples.at(-1)
    return {
      clusterId: this.o.chain.clusterId,
      height: latest?.height ?? 0,
      time: latest?.time ?? 0,
      ...kpis,
      recentPsi: this.samples
        .slice(-RECENT_PSI)
        .reverse()
        .map((s) => ({ height: s.height, psi: display(psi(s)) })),
      validators: (latest?.validators ?? []).map((v) => ({
        address: encodeAddress(Buffer.from(v.address, 'hex')),
        hInternal: nullableDisplay(hInternal(this.samples, v.address).value),
      })),
    }
  }

  activeAlerts(): number {
    return this.book.list().length
  }

  async history(range: KpiRange): Promise<KpiPoint[]> {
    return this.o.history.range(range, this.o.clock.now())
  }

  async alerts(): Promise<Alerts> {
    return { active: this.book.list(), history: await this.o.history.alerts(100) }
  }

  // ---- sampling ------------------------------------------------------------------------------

  private async onCommitted(c: CommittedBlock): Promise<void> {
    this.record(c.block)
    await this.updatePool(c.block.header.height)
    const report = this.kpis()
    await this.o.history.add({
      time: c.block.header.time,
      coherenceScore: report.coherenceScore.value,
      entropyRate: report.entropyRate.value,
      hInternal: report.hInternal.value,
      caf: report.caf.value,
    })
    await this.evaluate()
  }

  /** Block h carries the canonical commit of h − 1: one sample of Ψ. */
  private record(block: Block): void {
    const commit = block.lastCommit
    if (!commit) return
    const set = this.o.chain.validatorSet(commit.height)
    this.samples.push({
      height: commit.height,
      time: block.header.time,
      validators: set.validators.map((v) => ({ address: toHex(v.address), power: v.power })),
      signers: new Set(commit.signatures.map((s) => toHex(s.validator))),
    })
    if (this.samples.length > SCORE_WINDOW) this.samples.shift()
  }

  /** Finds the first pool point of the CAF window (binary search on block time). */
  private async loadPool(): Promise<void> {
    const top = this.o.chain.height
    if (top === 0) return
    this.poolLatest = await this.poolPoint(top)
    if (!this.poolLatest) return
    const from = this.poolLatest.time - CAF_WINDOW_MS
    let lo = 1
    let hi = top
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      const p = await this.poolPoint(mid)
      if (p && p.time >= from) hi = mid
      else lo = mid + 1
    }
    this.poolStart = await this.poolPoint(lo)
  }

  private async updatePool(height: number): Promise<void> {
    this.poolLatest = await this.poolPoint(height)
    if (!this.poolLatest) return
    this.poolStart ??= this.poolLatest
    // Move the window's start forward past points older than 24 h.
    while (this.poolStart.time < this.poolLatest.time - CAF_WINDOW_MS) {
      const next = await this.poolPoint(this.poolStart.height + 1)
      if (!next) break
      this.poolStart = next
    }
  }

  private async poolPoint(height: number): Promise<PoolPoint | null> {
    const [r] = await this.o.store.poolValues(height, 1)
    if (!r || r.height !== height || r.totalShares === 0n) return null
    return { height, time: r.time, valuePerShare: divDown(r.value, r.totalShares) }
  }

  // ---- KPIs and alerts -----------------------------------------------------------------------

  /** Each connected cluster's Ψ series, as this chain's light clients verified them. */
  private remotePsis(): bigint[][] {
    const table = committedBridge(this.o.chain.state)
    return table.connectedClusters().map((cluster) => table.connection(cluster)!.psis)
  }

  /** Each connected cluster's light client state and Coherence Score, for the alerts. */
  private bridges(): AlertInputs['bridges'] {
    const table = committedBridge(this.o.chain.state)
    return table.connectedClusters().map((cluster) => {
      const connection = table.connection(cluster)!
      return {
        cluster,
        frozen: connection.client.frozen !== null,
        coherenceScore: dto(coherenceScore(connection.psis), TARGETS.coherenceScore, 'atLeast'),
      }
    })
  }

  private kpis(): Pick<KpiReport, 'coherenceScore' | 'entropyRate' | 'hInternal' | 'caf'> {
    const psis = this.samples.map(psi)
    const pool =
      this.poolStart && this.poolLatest
        ? caf(this.poolStart, this.poolLatest, this.poolLatest.height - this.poolStart.height + 1)
        : caf(null, null, 0)
    return {
      coherenceScore: dto(coherenceScore(psis), TARGETS.coherenceScore, 'atLeast'),
      // Every system counts (DESIGN.md 3): this cluster, and each connected one from its headers.
      entropyRate: dto(entropyRate([psis, ...this.remotePsis()]), TARGETS.entropyRate, 'atMost'),
      hInternal: dto(hInternal(this.samples, this.selfHex), TARGETS.hInternal, 'atLeast'),
      caf: dto(pool, TARGETS.caf, 'atLeast'),
    }
  }

  private async evaluate(): Promise<void> {
    const sync = this.o.sync()
    const inputs: AlertInputs = {
      ...this.kpis(),
      missedInARow: this.missedInARow(),
      peers: this.o.peers(),
      blocksBehind: Math.max(0, sync.target - sync.height),
      divergedAt: this.divergedAt,
      bridges: this.bridges(),
    }
    const { raised, cleared } = this.book.update(this.o.clock.now(), conditions(inputs))
    for (const a of [...raised, ...cleared]) await this.o.history.addAlert(a)
    for (const a of raised) this.o.logger.warn('alert', { id: a.id, detail: a.detail })
    for (const a of cleared) this.o.logger.info('alert cleared', { id: a.id })
    if (raised.length + cleared.length === 0) return
    const alerts = await this.alerts()
    for (const l of this.alertListeners) l(alerts)
  }

  /** For each validator of the latest sample: how many of the latest commits lack it, in a row. */
  private missedInARow(): AlertInputs['missedInARow'] {
    const latest = this.samples.at(-1)
    if (!latest) return []
    return latest.validators.map((v) => {
      let missed = 0
      for (let i = this.samples.length - 1; i >= 0; i--) {
        const s = this.samples[i]!
        if (s.signers.has(v.address) || !s.validators.some((x) => x.address === v.address)) break
        missed++
      }
      return {
        address: encodeAddress(Buffer.from(v.address, 'hex')),
        missed,
        self: v.address === this.selfHex,
      }
    })
  }
}

/** A fixed-point KPI for the screen, with its target and whether it is met. */
function dto(kpi: Kpi, target: bigint, sense: 'atLeast' | 'atMost'): KpiDto {
  const met =
    kpi.value === null ? null : sense === 'atLeast' ? kpi.value >= target : kpi.value <= target
  return {
    value: nullableDisplay(kpi.value),
    target: display(target),
    met,
    samples: kpi.samples,
    window: kpi.window,
    reason: kpi.value === null ? kpi.reason : null,
  }
}

function display(x: bigint): number {
  return Number(x) / Number(ONE)
}

function nullableDisplay(x: bigint | null): number | null {
  return x === null ? null : display(x)
}

import type { IpcClient } from '../../../shared/ipc/client'
import type { KpiPoint, KpiRange, KpiReport } from '../../../shared/ipc/contract'
import { toUiError, type UiError } from './errors'
import { RANGE_MS } from './kpis'
import { NodeReadout } from './nodeReadout.svelte'

/** Block times kept to date the KPI points (the monitor may lag a block or two behind). */
const BLOCK_TIMES_KEPT = 16

/**
 * The node's KPIs for the Status page: the latest report (`monitor.kpis`, reloaded on every block
 * while watched) and the charts' points. The points are the history of the chosen range
 * (`monitor.history`, read again only when the range changes) followed by one point per block
 * taken from each new report, so a chart grows block by block without being rebuilt.
 */
export class KpiMonitor {
  readonly report: NodeReadout<KpiReport>
  range = $state<KpiRange>('hour')
  /** Oldest first; replaced whole on every change. */
  points = $state.raw<KpiPoint[]>([])
  historyError = $state<UiError | null>(null)
  historyLoading = $state(false)

  /** The latest blocks' heights and times, from the `BlockCommitted` events. */
  #blocks: { height: number; time: number }[] = []

  constructor(private readonly client: IpcClient) {
    this.report = new NodeReadout(client, async () => {
      const report = await client.call('monitor.kpis', {})
      this.#append(report)
      // A history that failed (the node was starting, the connection dropped) is tried again.
      if (this.historyError) void this.#loadHistory()
      return report
    })
  }

  /** Loads the report and the history, then follows new blocks until the returned function. */
  watch(): () => void {
    const stopTimes = this.client.on('BlockCommitted', (block) => {
      this.#blocks = [...this.#blocks, { height: block.height, time: block.time }].slice(
        -BLOCK_TIMES_KEPT,
      )
    })
    const stopReport = this.report.watch()
    void this.#loadHistory()
    return () => {
      stopReport()
      stopTimes()
    }
  }

  setRange(range: KpiRange): void {
    if (range === this.range) return
    this.range = range
    void this.#loadHistory()
  }

  async #loadHistory(): Promise<void> {
    const range = this.range
    this.historyLoading = true
    try {
      const { points } = await this.client.call('monitor.history', { range })
      // A newer choice of range answers for itself.
      if (range !== this.range) return
      // Points appended while the history was on its way are newer than all of it: keep them.
      const last = points.at(-1)?.time ?? -Infinity
      this.points = this.#window([...points, ...this.points.filter((p) => p.time > last)])
      this.historyError = null
    } catch (err) {
      if (range === this.range) this.historyError = toUiError(err)
    } finally {
      if (range === this.range) this.historyLoading = false
    }
  }

  /**
   * A report's KPIs as a chart point. The monitor samples height h from the commit that block
   * h + 1 carries and dates the sample with that block's time, as its history does; a report
   * whose block time is not known (the first, before any event) is left to the history.
   */
  #append(report: KpiReport): void {
    const time = this.#blocks.find((b) => b.height === report.height + 1)?.time
    const last = this.points.at(-1)
    if (time === undefined || (last && time <= last.time)) return
    this.points = this.#window([
      ...this.points,
      {
        time,
        coherenceScore: report.coherenceScore.value,
        entropyRate: report.entropyRate.value,
        hInternal: report.hInternal.value,
        caf: report.caf.value,
      },
    ])
  }

  /** Drops the points that slid out of the range. */
  #window(points: KpiPoint[]): KpiPoint[] {
    const newest = points.at(-1)?.time
    if (newest === undefined) return points
    const from = newest - RANGE_MS[this.range]
    const first = points.findIndex((p) => p.time >= from)
    return first <= 0 ? points : points.slice(first)
  }
}

import type { IpcClient } from '../../../shared/ipc/client'
import type { KpiPoint, KpiRange, KpiReport } from '../../../shared/ipc/contract'
import { toUiError, type UiError } from './errors'
import { RANGE_MS, RANGE_STEP_MS } from '../../../shared/kpiRanges'
import { NodeReadout } from './nodeReadout.svelte'

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
    const stopReport = this.report.watch()
    void this.#loadHistory()
    return stopReport
  }

  setRange(range: KpiRange): void {
    if (range === this.range) return
    this.range = range
    void this.#loadHistory()
  }

  async #loadHistory(): Promise<void> {
    const range = this.range
    const asked = this.points.at(-1)?.time ?? -Infinity
    this.historyLoading = true
    try {
      const { points } = await this.client.call('monitor.history', { range })
      // A newer choice of range answers for itself.
      if (range !== this.range) return
      // Points appended while the history was on its way may be newer than all of it: keep those.
      const last = points.at(-1)?.time ?? -Infinity
      const since = Math.max(asked, last)
      this.points = this.#window([...points, ...this.points.filter((p) => p.time > since)])
      this.historyError = null
    } catch (err) {
      if (range === this.range) this.historyError = toUiError(err)
    } finally {
      if (range === this.range) this.historyLoading = false
    }
  }

  /**
   * A report's KPIs as a chart point, dated as the monitor's history dates it. Over a day or a
   * week the point stands for its minute (ten minutes) until the next one starts.
   */
  #append(report: KpiReport): void {
    const { time } = report
    const last = this.points.at(-1)
    if (time === 0 || (last && time <= last.time)) return
    const step = RANGE_STEP_MS[this.range]
    const sameStep = last && step > 0 && Math.floor(time / step) === Math.floor(last.time / step)
    const point = {
      time,
      coherenceScore: report.coherenceScore.value,
      entropyRate: report.entropyRate.value,
      hInternal: report.hInternal.value,
      caf: report.caf.value,
    }
    this.points = this.#window([...(sameStep ? this.points.slice(0, -1) : this.points), point])
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

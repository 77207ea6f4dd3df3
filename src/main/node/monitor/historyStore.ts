import { ClassicLevel } from 'classic-level'
import type { AlertDto, EvidenceDto, KpiPoint, KpiRange } from '../../../shared/ipc/contract'
import { RANGE_MS, RANGE_STEP_MS } from '../../../shared/kpiRanges'

/** Per-block points are kept for the hour chart; older history as one point per minute. */
const RAW_KEEP_MS = RANGE_MS.hour
/** Minute points are kept for the longest chart. */
const MINUTE_KEEP_MS = RANGE_MS.week
const MINUTE_MS = RANGE_STEP_MS.day
/** Alerts kept in the history (the newest). */
const MAX_ALERT_HISTORY = 500

// Keys sort by time: a fixed-width decimal after the kind's prefix.
const key = (prefix: string, time: number): string => `${prefix}${String(time).padStart(16, '0')}`

/**
 * The monitor's bounded history, in its own LevelDB next to the chain's (it is not chain data):
 * KPI points per block for the last hour, one point per minute (the mean) for the last week, the
 * alert history, and the equivocations consensus saw (evidence). Charts read it back downsampled to the range asked for.
 */
export class HistoryStore {
  private minute: { start: number; points: KpiPoint[] } | null = null

  private constructor(private readonly db: ClassicLevel<string, unknown>) {}

  static async open(path: string): Promise<HistoryStore> {
    const db = new ClassicLevel<string, unknown>(path, { valueEncoding: 'json' })
    await db.open()
    return new HistoryStore(db)
  }

  async close(): Promise<void> {
    await this.db.close()
  }

  /** Records one block's KPIs; closes the previous minute when a new one starts; prunes. */
  async add(point: KpiPoint): Promise<void> {
    const start = point.time - (point.time % MINUTE_MS)
    const batch = this.db.batch().put(key('p/', point.time), point)
    if (this.minute && this.minute.start !== start) {
      batch.put(key('m/', this.minute.start), meanPoint(this.minute.start, this.minute.points))
      this.minute = null
    }
    this.minute ??= { start, points: [] }
    this.minute.points.push(point)
    await batch.write()
    await this.db.clear({ gte: 'p/', lt: key('p/', point.time - RAW_KEEP_MS) })
    await this.db.clear({ gte: 'm/', lt: key('m/', point.time - MINUTE_KEEP_MS) })
  }

  /** The history of one range, oldest first: per block for an hour, per minute or ten beyond. */
  async range(range: KpiRange, now: number): Promise<KpiPoint[]> {
    const from = now - RANGE_MS[range]
    if (range === 'hour') return this.read('p/', from)
    const minutes = await this.read('m/', from)
    if (range === 'day') return minutes
    const buckets = new Map<number, KpiPoint[]>()
    const size = RANGE_STEP_MS.week
    for (const p of minutes) {
      const start = p.time - (p.time % size)
      buckets.set(start, [...(buckets.get(start) ?? []), p])
    }
    return [...buckets].map(([start, points]) => meanPoint(start, points))
  }

  async addAlert(alert: AlertDto): Promise<void> {
    await this.db.put(key('a/', alert.since) + alert.id, alert)
    const keys = await this.db.keys({ gte: 'a/', lt: 'a0', reverse: true }).all()
    for (const old of keys.slice(MAX_ALERT_HISTORY)) await this.db.del(old)
  }

  /** Alerts, newest first. */
  async alerts(limit = MAX_ALERT_HISTORY): Promise<AlertDto[]> {
    return (await this.db.values({ gte: 'a/', lt: 'a0', reverse: true, limit }).all()) as AlertDto[]
  }

  /** Keeps an equivocation seen by consensus (one record per validator, height, round, type). */
  async addEvidence(e: EvidenceDto): Promise<void> {
    await this.db.put(`${key('e/', e.height)}/${e.round}/${e.type}/${e.validator}`, e)
  }

  /** Equivocations kept, newest height first. */
  async evidence(limit: number): Promise<EvidenceDto[]> {
    return (await this.db
      .values({ gte: 'e/', lt: 'e0', reverse: true, limit })
      .all()) as EvidenceDto[]
  }

  private async read(prefix: string, from: number): Promise<KpiPoint[]> {
    const end = prefix.slice(0, -1) + '0' // the character after '/'
    return (await this.db.values({ gte: key(prefix, from), lt: end }).all()) as KpiPoint[]
  }
}

/** The mean of each KPI over some points, ignoring points where it had no value. */
function meanPoint(time: number, points: readonly KpiPoint[]): KpiPoint {
  const mean = (pick: (p: KpiPoint) => number | null): number | null => {
    const values = points.map(pick).filter((v): v is number => v !== null)
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length
  }
  return {
    time,
    coherenceScore: mean((p) => p.coherenceScore),
    entropyRate: mean((p) => p.entropyRate),
    hInternal: mean((p) => p.hInternal),
    caf: mean((p) => p.caf),
  }
}

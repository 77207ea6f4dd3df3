import type { KpiRange } from './ipc/contract'

/** How far back each KPI chart range looks. */
export const RANGE_MS: Record<KpiRange, number> = {
  hour: 3_600_000,
  day: 24 * 3_600_000,
  week: 7 * 24 * 3_600_000,
}

/**
 * The history's resolution per range: per block for the hour, per minute for the day, per ten
 * minutes for the week. The monitor stores it so; a chart left open replaces the newest point of
 * its step with each live one.
 */
export const RANGE_STEP_MS: Record<KpiRange, number> = {
  hour: 0,
  day: 60_000,
  week: 10 * 60_000,
}

// The four KPIs of DESIGN.md section 3 as the Status page shows them: names, how their figures
// read, and which way their target points. Every figure itself comes from the node's monitor.
import type { KpiDto, KpiRange } from '../../../shared/ipc/contract'

export type KpiKey = 'coherenceScore' | 'entropyRate' | 'hInternal' | 'caf'

export interface KpiDefinition {
  readonly key: KpiKey
  readonly name: string
  /** What the figure means, in one line. */
  readonly about: string
  /** Met when the value is at least the target, or (Entropy Rate) at most. */
  readonly sense: 'atLeast' | 'atMost'
  /** Whether `window` counts heights or (CAF) milliseconds. */
  readonly windowUnit: 'heights' | 'ms'
  /** The value as it reads on the page. */
  readonly format: (x: number) => string
  /** Shorter, for a chart's axis. */
  readonly tick: (x: number) => string
}

/** 0.98754 → "98.75 %". */
export function percent(x: number, decimals = 2): string {
  return `${(x * 100).toFixed(decimals)} %`
}

/** A CAF of 1.0523 → "×1.0523/year": the yearly growth of the pool's value per share. */
function perYear(x: number, decimals = 4): string {
  return `×${x.toFixed(decimals)}/year`
}

export const KPIS: readonly KpiDefinition[] = [
  {
    key: 'coherenceScore',
    name: 'Coherence Score',
    about: 'Mean Ψ (share of voting power that signed) over the latest blocks.',
    sense: 'atLeast',
    windowUnit: 'heights',
    format: (x) => percent(x),
    tick: (x) => percent(x, 1),
  },
  {
    key: 'entropyRate',
    name: 'Entropy Rate',
    about: 'Variance of the latest Ψ values: how much participation swings.',
    sense: 'atMost',
    windowUnit: 'heights',
    format: (x) => x.toFixed(5),
    tick: (x) => x.toFixed(4),
  },
  {
    key: 'hInternal',
    name: 'H_internal',
    about: "This validator's signing ratio over the latest blocks.",
    sense: 'atLeast',
    windowUnit: 'heights',
    format: (x) => percent(x),
    tick: (x) => percent(x, 1),
  },
  {
    key: 'caf',
    name: 'CAF',
    about: "Yearly growth of the pool's value per share, from fees.",
    sense: 'atLeast',
    windowUnit: 'ms',
    format: (x) => perYear(x),
    tick: (x) => `×${x.toFixed(3)}`,
  },
]

/** "≥ 97.00 %", "≤ 0.00200". */
export function targetText(def: KpiDefinition, target: number): string {
  return `${def.sense === 'atLeast' ? '≥' : '≤'} ${def.format(target)}`
}

/** 86 400 000 → "24 h"; 90 000 → "1.5 min" (the unit never wraps away from its number). */
export function duration(ms: number): string {
  const hours = ms / 3_600_000
  return hours >= 1
    ? `${Number(hours.toFixed(1))}\u00a0h`
    : `${Number((ms / 60_000).toFixed(1))}\u00a0min`
}

/** "37 of 100 samples", or for CAF (a window in time) "1200 samples over 24 h". */
export function samplesText(def: KpiDefinition, kpi: KpiDto): string {
  const noun = kpi.samples === 1 ? 'sample' : 'samples'
  return def.windowUnit === 'heights'
    ? `${kpi.samples} of ${kpi.window} ${noun}`
    : `${kpi.samples} ${noun} over ${duration(kpi.window)}`
}

/** Why a KPI has no value: the node's reason, else how far its window has filled. */
export function noValueText(def: KpiDefinition, kpi: KpiDto): string {
  return kpi.reason ?? `not enough data (${samplesText(def, kpi)})`
}

export const RANGES: readonly { readonly id: KpiRange; readonly label: string }[] = [
  { id: 'hour', label: 'Last hour' },
  { id: 'day', label: 'Last day' },
  { id: 'week', label: 'Last week' },
]

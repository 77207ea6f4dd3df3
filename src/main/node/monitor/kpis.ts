import { populationVariance } from '../../../shared/cee/dynamicFee'
import { divDown, ONE, powDown } from '../../../shared/cee/fixedPoint'

/**
 * The KPIs of DESIGN.md section 3, computed exactly as written there from verified consensus data.
 * Values are 18-decimal fixed point (`ONE` = 1) so every node computes the same figures; floats
 * appear only on screen.
 */

/** Heights the Coherence Score and H_internal look back over (DESIGN.md 3). */
export const SCORE_WINDOW = 100
/** Ψ values the Entropy Rate's variance is taken over (DESIGN.md 3). */
export const ENTROPY_WINDOW = 10
/** CAF's trailing window: 24 h (DESIGN.md 3). */
export const CAF_WINDOW_MS = 24 * 60 * 60 * 1000
/** CAF is "n/a" before one hour of history (DESIGN.md 3). */
export const CAF_MIN_HISTORY_MS = 60 * 60 * 1000
const YEAR_MS = 365n * 24n * 60n * 60n * 1000n

export const TARGETS = {
  coherenceScore: (97n * ONE) / 100n, // ≥ 0.97
  entropyRate: (2n * ONE) / 1000n, // ≤ 0.002
  hInternal: (98n * ONE) / 100n, // ≥ 0.98
  caf: (105n * ONE) / 100n, // ≥ 1.05
} as const

/** One committed height as its canonical commit certificate shows it. */
export interface CommitSample {
  readonly height: number
  readonly time: number
  /** Every validator of the height with its power (addresses in hex). */
  readonly validators: readonly { readonly address: string; readonly power: bigint }[]
  /** The validators whose precommit is in the canonical commit (the one carried in h+1). */
  readonly signers: ReadonlySet<string>
}

/**
 * Ψₕ = voting power of the validators whose precommit for block h is in its canonical commit
 * ÷ total voting power at h (DESIGN.md 3). Rounded down.
 */
export function psi(sample: CommitSample): bigint {
  let total = 0n
  let signed = 0n
  for (const v of sample.validators) {
    total += v.power
    if (sample.signers.has(v.address)) signed += v.power
  }
  return total === 0n ? 0n : (signed * ONE) / total
}

/** A KPI with the inputs it came from, or the reason there is none yet. */
export type Kpi =
  | { readonly value: bigint; readonly samples: number; readonly window: number }
  | {
      readonly value: null
      readonly samples: number
      readonly window: number
      readonly reason: string
    }

/** Coherence Score = mean of Ψₕ over the last 100 committed heights (fewer while younger). */
export function coherenceScore(psis: readonly bigint[]): Kpi {
  const last = psis.slice(-SCORE_WINDOW)
  if (last.length === 0) {
    return { value: null, samples: 0, window: SCORE_WINDOW, reason: 'no committed heights yet' }
  }
  const sum = last.reduce((a, b) => a + b, 0n)
  return { value: sum / BigInt(last.length), samples: last.length, window: SCORE_WINDOW }
}

/**
 * Entropy Rate = mean, over the systems with at least 2 samples, of the population variance of
 * their last 10 Ψₕ values. `systems` holds each system's Ψ history, oldest first.
 */
export function entropyRate(systems: readonly (readonly bigint[])[]): Kpi {
  const variances = systems
    .filter((psis) => psis.length >= 2)
    .map((psis) => populationVariance(psis.slice(-ENTROPY_WINDOW)))
  const samples = Math.max(0, ...systems.map((p) => Math.min(p.length, ENTROPY_WINDOW)))
  if (variances.length === 0) {
    return { value: null, samples, window: ENTROPY_WINDOW, reason: 'needs 2 committed heights' }
  }
  const sum = variances.reduce((a, b) => a + b, 0n)
  return { value: sum / BigInt(variances.length), samples, window: ENTROPY_WINDOW }
}

/**
 * H_internal of a validator = the fraction of the last 100 heights at which it was in the set
 * whose commit certificate contains its precommit. Null (not a number) for a node that was never
 * in the set over the window.
 */
export function hInternal(samples: readonly CommitSample[], address: string): Kpi {
  let member = 0
  let signed = 0
  for (const s of samples.slice(-SCORE_WINDOW)) {
    if (!s.validators.some((v) => v.address === address)) continue
    member++
    if (s.signers.has(address)) signed++
  }
  if (member === 0) {
    return { value: null, samples: 0, window: SCORE_WINDOW, reason: 'not a validator' }
  }
  return {
    value: (BigInt(signed) * ONE) / BigInt(member),
    samples: member,
    window: SCORE_WINDOW,
  }
}

/** The pool's value per share at a committed height: V / S, 18 decimals. */
export interface PoolValuePoint {
  readonly time: number
  readonly valuePerShare: bigint
}

/**
 * CAF = ((V_t/S_t) / (V_t0/S_t0)) ^ (1 year / (t − t0)), from the first point of the trailing
 * 24 h window (or since genesis if younger) to the latest; "n/a" before one hour of history.
 * `samples` is the number of heights between them.
 */
export function caf(
  first: PoolValuePoint | null,
  last: PoolValuePoint | null,
  samples: number,
): Kpi {
  if (!first || !last) {
    return { value: null, samples: 0, window: CAF_WINDOW_MS, reason: 'no pool history yet' }
  }
  const span = last.time - first.time
  if (span < CAF_MIN_HISTORY_MS) {
    const minutes = Math.floor(span / 60_000)
    return {
      value: null,
      samples,
      window: CAF_WINDOW_MS,
      reason: `n/a before one hour of history (${minutes} min so far)`,
    }
  }
  const growth = divDown(last.valuePerShare, first.valuePerShare)
  const exponent = (YEAR_MS * ONE) / BigInt(span)
  try {
    return { value: powDown(growth, exponent), samples, window: CAF_WINDOW_MS }
  } catch {
    // Growth so fast over so short a span that its yearly rate leaves fixed point (e^130).
    return { value: null, samples, window: CAF_WINDOW_MS, reason: 'growth too fast to annualise' }
  }
}

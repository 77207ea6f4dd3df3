import { seededRandom } from '../helpers/simChain'
import { simulate, type SimOptions } from './harness'

/** The network, faults and Byzantine validators of one seeded run. */
export function scenario(seed: number): SimOptions {
  const random = seededRandom(seed * 7919)
  const validators = 4 + Math.floor(random() * 4) // 4..7
  const maxByzantine = Math.floor((validators - 1) / 3) // f < n/3 with equal power
  const kinds = ['equivocator', 'silent', 'garbage'] as const
  const byzantine = Array.from({ length: Math.floor(random() * (maxByzantine + 1)) }, (_, i) => ({
    index: validators - 1 - i,
    behaviour: kinds[Math.floor(random() * kinds.length)]!,
  }))
  return {
    seed,
    validators,
    byzantine,
    dropRate: random() * 0.3,
    maxDelayMs: 5 + Math.floor(random() * 200),
    faultyForMs: 500 + Math.floor(random() * 4000),
    crashes: Math.floor(random() * 3),
    partition: random() < 0.3,
  }
}

/** Heights every honest validator must commit, after the network heals. */
const TARGET_HEIGHT = 6
/** Virtual time after which a run that has not reached the target counts as not live. */
const MAX_VIRTUAL_MS = 120_000

/** What went wrong in one seeded run, or null when it kept safety and liveness. */
export async function seedFailure(seed: number): Promise<string | null> {
  const result = await simulate(scenario(seed), TARGET_HEIGHT, MAX_VIRTUAL_MS)
  if (result.conflicts.length > 0) {
    return `seed ${seed}: SAFETY violated at heights ${result.conflicts.join(',')}`
  }
  if (result.minHeight < TARGET_HEIGHT) {
    return `seed ${seed}: not live after healing (lowest height ${result.minHeight})`
  }
  return null
}

/**
 * Runs `count` seeds from `first` (or only SIM_SEED, to replay one) and returns a line for every
 * seed that broke safety or liveness, printed so it can be replayed.
 */
export async function runSeeds(first: number, count: number): Promise<string[]> {
  const only = process.env['SIM_SEED']
  const seeds = only ? [Number(only)] : Array.from({ length: count }, (_, i) => first + i)
  const failures: string[] = []
  for (const seed of seeds) {
    const failure = await seedFailure(seed)
    if (failure) failures.push(failure)
  }
  if (failures.length > 0) {
    console.log(`replay one with SIM_SEED=<seed>:\n${failures.join('\n')}`)
  }
  return failures
}

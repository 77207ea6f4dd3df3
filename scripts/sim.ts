/**
 * The consensus simulation over many seeds: `npm run sim -- --seeds N [--from K]`. Splits the
 * seeds over one worker process per core, prints progress every 1,000 seeds and then a summary
 * (runs, seconds, violations and the failing seeds, each replayable with SIM_SEED=<seed>
 * `npx vitest run --project simulation`); exits non-zero on any violation.
 */
import { fork } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { seedFailure } from '../tests/simulation/scenarios'

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '500' },
    from: { type: 'string', default: '1' },
    worker: { type: 'string' },
  },
})

interface Progress {
  readonly done: number
  readonly failures: string[]
}

if (values.worker !== undefined) {
  // A worker runs every `step`-th seed from its own first one and reports after each.
  const [first, count, step] = values.worker.split(',').map(Number) as [number, number, number]
  for (let seed = first; seed < first + count; seed += step) {
    const failure = await seedFailure(seed)
    process.send!({ done: 1, failures: failure ? [failure] : [] } satisfies Progress)
  }
  process.exit(0)
}

const seeds = Number(values.seeds)
const from = Number(values.from)
const workers = Math.max(1, Math.min(availableParallelism(), seeds))
const started = Date.now()
let done = 0
const failures: string[] = []
await Promise.all(
  Array.from(
    { length: workers },
    (_, w) =>
      new Promise<void>((resolve, reject) => {
        const child = fork(process.argv[1]!, ['--worker', `${from + w},${seeds - w},${workers}`], {
          execArgv: ['--import', 'tsx'],
        })
        child.on('message', (p: Progress) => {
          done += p.done
          failures.push(...p.failures)
          if (done % 1000 === 0) {
            const seconds = Math.round((Date.now() - started) / 1000)
            console.log(`${done} of ${seeds} seeds, ${failures.length} violations, ${seconds} s`)
          }
        })
        child.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`worker ${w} exited ${code}`)),
        )
      }),
  ),
)
const seconds = Math.round((Date.now() - started) / 1000)
console.log(
  JSON.stringify({ sim: 'consensus', seeds, from, seconds, violations: failures.length, failures }),
)
process.exit(failures.length === 0 ? 0 : 1)

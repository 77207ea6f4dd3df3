// `npm run bench:idle` (after `npm run build`): how fully an idle, healthy cluster signs. Four
// validators on loopback (`coherence localnet`, 1 s blocks, no load). After the start-up window
// (blocks decided while the processes were still connecting), it follows --heights more heights
// and prints one JSON line: how many of them had a canonical commit (the one carried in the next
// block) without every validator's signature (Ψ < 1), then each node's Coherence Score, Entropy
// Rate and every validator's H_internal over the last 100 heights. Options: --heights 300
// --startup 12 --block-time-ms 1000.
import { parseArgs } from 'node:util'
import { startLocalnet } from '../tests/helpers/localnet'
import { waitFor } from '../tests/helpers/tempDir'

const VALIDATORS = 4
/** recentPsi holds the last 20 heights: polling well within that misses none. */
const POLL_MS = 3_000

const { values } = parseArgs({
  options: {
    heights: { type: 'string', default: '300' },
    startup: { type: 'string', default: '12' },
    'block-time-ms': { type: 'string', default: '1000' },
  },
})
const HEIGHTS = Number(values.heights)
const STARTUP = Number(values.startup)
const BLOCK_TIME_MS = Number(values['block-time-ms'])

const net = await startLocalnet({ validators: VALIDATORS, blockTimeMs: BLOCK_TIME_MS })
try {
  const last = STARTUP + HEIGHTS
  const psiByHeight = new Map<number, number>()
  const started = Date.now()
  await waitFor(
    async () => {
      const kpis = await net.call(0, 'monitor.kpis', {})
      for (const { height, psi } of kpis.recentPsi) psiByHeight.set(height, psi)
      // Ψ of height h needs block h + 1 (it carries h's canonical commit).
      return kpis.height > last + 1 || undefined
    },
    (HEIGHTS + STARTUP) * BLOCK_TIME_MS * 4 + 120_000,
    `height ${last + 1}`,
    POLL_MS,
  )
  const followed = Array.from({ length: HEIGHTS }, (_, i) => STARTUP + 1 + i)
  const missing = followed.filter((h) => !psiByHeight.has(h))
  const below = followed.filter((h) => (psiByHeight.get(h) ?? 1) < 1)
  const nodes = []
  for (let i = 0; i < VALIDATORS; i++) {
    const kpis = await net.call(i, 'monitor.kpis', {})
    nodes.push({
      node: i,
      coherenceScore: kpis.coherenceScore.value,
      entropyRate: kpis.entropyRate.value,
      hInternal: kpis.validators.map((v) => v.hInternal),
    })
  }
  console.log(
    JSON.stringify({
      bench: 'idle-localnet',
      validators: VALIDATORS,
      blockTimeMs: BLOCK_TIME_MS,
      heights: `${followed[0]}-${followed.at(-1)}`,
      seconds: Math.round((Date.now() - started) / 1000),
      heightsWithPsiBelowOne: below.length,
      psiBelowOne: below.map((h) => ({ height: h, psi: psiByHeight.get(h) })),
      heightsNotSampled: missing.length,
      nodes,
    }),
  )
} finally {
  await net.stop()
}

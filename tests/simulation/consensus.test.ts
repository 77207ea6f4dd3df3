import { describe, expect, it } from 'vitest'
import { simulate } from './harness'
import { runSeeds } from './scenarios'

// 500 seeded runs in all, split over two files so the two cores share them.
describe('Tendermint under a seeded adversarial network (seeds 1-250)', () => {
  it('keeps safety and regains liveness', async () => {
    expect(await runSeeds(1, 250)).toEqual([])
  })

  it('records equivocation as evidence', async () => {
    const result = await simulate(
      {
        seed: 42,
        validators: 4,
        byzantine: [{ index: 3, behaviour: 'equivocator' }],
        dropRate: 0,
        maxDelayMs: 10,
        faultyForMs: 0,
        crashes: 0,
        partition: false,
      },
      3,
      60_000,
    )
    expect(result.conflicts).toEqual([])
    expect(result.evidence).toBeGreaterThan(0)
  })
})

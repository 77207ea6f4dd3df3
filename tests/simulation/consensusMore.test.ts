import { describe, expect, it } from 'vitest'
import { runSeeds } from './scenarios'

describe('Tendermint under a seeded adversarial network (seeds 251-500)', () => {
  it('keeps safety and regains liveness', async () => {
    expect(await runSeeds(251, 250)).toEqual([])
  })
})

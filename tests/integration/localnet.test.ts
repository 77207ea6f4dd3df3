import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalnet, type Localnet } from '../helpers/localnet'
import { waitFor } from '../helpers/tempDir'

const VALIDATORS = 4
const BLOCK_TIME_MS = 300

/** The lowest height among the validators that answer, once at least `live` of them do. */
async function minLiveHeight(net: Localnet, live: number): Promise<number | undefined> {
  const heights = (await net.heights()).filter((h): h is number => h !== null)
  return heights.length >= live ? Math.min(...heights) : undefined
}

async function waitForHeight(net: Localnet, live: number, height: number, what: string) {
  await waitFor(
    async () => ((await minLiveHeight(net, live)) ?? 0) >= height || undefined,
    90_000,
    what,
  )
}

/** Every answering validator has the same block hash at every height up to `upTo`. */
async function expectSameHashes(net: Localnet, members: number[], upTo: number): Promise<void> {
  for (let height = 1; height <= upTo; height++) {
    const hashes = new Set<string>()
    for (const i of members) hashes.add((await net.call(i, 'block.get', { height })).hash)
    expect(hashes.size, `height ${height}`).toBe(1)
  }
}

describe('coherence localnet: four validator processes over real sockets', () => {
  let net: Localnet

  beforeAll(async () => {
    net = await startLocalnet({ validators: VALIDATORS, blockTimeMs: BLOCK_TIME_MS })
  }, 120_000)

  afterAll(async () => {
    await net?.stop()
  }, 60_000)

  it('reaches the same hashes on all four', async () => {
    await waitForHeight(net, VALIDATORS, 5, 'height 5 on all')
    await expectSameHashes(net, [0, 1, 2, 3], 5)
    const consensus = await net.call(0, 'node.consensus', {})
    expect(consensus.validators).toHaveLength(VALIDATORS)
    const network = await net.call(0, 'node.network', {})
    expect(network.peers).toHaveLength(VALIDATORS - 1)
  })

  it('goes on without one; the restarted one catches up to identical hashes', async () => {
    await net.kill(3)
    const at = (await minLiveHeight(net, 3))!
    await waitForHeight(net, 3, at + 3, 'three validators to go on')
    await net.restart(3)
    const target = (await minLiveHeight(net, 3))! + 2
    await waitForHeight(net, VALIDATORS, target, 'the restarted validator to catch up')
    await expectSameHashes(net, [0, 1, 2, 3], target)
  })

  it('commits nothing with two of four down, and resumes when one comes back', async () => {
    await net.kill(2)
    await net.kill(3)
    // A block already decided may still land on a slow node: settle, then watch.
    await new Promise((r) => setTimeout(r, 3_000))
    const halted = (await net.heights()).filter((h): h is number => h !== null)
    await new Promise((r) => setTimeout(r, 3_000))
    const later = (await net.heights()).filter((h): h is number => h !== null)
    expect(later).toEqual(halted)

    await net.restart(2)
    await waitForHeight(net, 3, Math.max(...halted) + 3, 'the chain to resume')
    await expectSameHashes(net, [0, 1, 2], Math.max(...halted) + 3)
  })

  it('never sees a validator sign twice, through crashes at arbitrary instants', async () => {
    await net.restart(3)
    for (const delayMs of [137, 410, 90]) {
      await new Promise((r) => setTimeout(r, delayMs))
      await net.kill(1)
      await net.restart(1)
    }
    const h = (await minLiveHeight(net, VALIDATORS)) ?? 0
    await waitForHeight(net, VALIDATORS, h + 3, 'progress after the crashes')
    for (let i = 0; i < VALIDATORS; i++) {
      expect((await net.call(i, 'node.consensus', {})).evidence, `validator ${i}`).toEqual([])
    }
  })
})

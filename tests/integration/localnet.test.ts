import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalnet, type Localnet } from '../helpers/localnet'
import { waitFor } from '../helpers/tempDir'

const VALIDATORS = 4
const BLOCK_TIME_MS = 500
/** Each poll opens an RPC connection to every node: not so often that it loads them. */
const POLL_MS = 500

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
    POLL_MS,
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

  it('reaches the same hashes on all four, with every KPI on target after 100 blocks', async () => {
    await waitForHeight(net, VALIDATORS, 5, 'height 5 on all')
    await expectSameHashes(net, [0, 1, 2, 3], 5)
    // Past the first 100-height window: blocks decided while the four processes were still
    // connecting (a validator joining late misses their commits) no longer count.
    await waitForHeight(net, VALIDATORS, 112, 'height 112 on all')
    for (let i = 0; i < VALIDATORS; i++) {
      const kpis = await net.call(i, 'monitor.kpis', {})
      expect(kpis.coherenceScore.value, `validator ${i}`).toBeGreaterThanOrEqual(0.97)
      expect(kpis.entropyRate.value, `validator ${i}`).toBeLessThanOrEqual(0.002)
      expect(kpis.hInternal.value, `validator ${i}`).toBeGreaterThanOrEqual(0.98)
      expect(kpis.validators).toHaveLength(VALIDATORS)
      for (const v of kpis.validators) expect(v.hInternal).toBeGreaterThanOrEqual(0.98)
      expect((await net.call(i, 'monitor.alerts', {})).active).toEqual([])
    }
    const consensus = await net.call(0, 'node.consensus', {})
    expect(consensus.validators).toHaveLength(VALIDATORS)
    const network = await net.call(0, 'node.network', {})
    expect(network.peers).toHaveLength(VALIDATORS - 1)
  })

  it('goes on without one, which the monitor reports; the restarted one catches up', async () => {
    const stopped = (await net.call(3, 'node.status', {})).validatorAddress
    const alertId = `validator.missing:${stopped}`
    const hOf = async (): Promise<number | null> =>
      (await net.call(0, 'monitor.kpis', {})).validators.find((v) => v.address === stopped)!
        .hInternal
    const scoreBefore = (await net.call(0, 'monitor.kpis', {})).coherenceScore.value!
    const hBefore = (await hOf())!
    await net.kill(3)
    const at = (await minLiveHeight(net, 3))!
    // The others see the missing signatures within a few blocks.
    await waitFor(
      async () =>
        (await net.call(0, 'monitor.alerts', {})).active.some((a) => a.id === alertId) || undefined,
      30_000,
      'the missing-validator alert',
      POLL_MS,
    )
    expect((await minLiveHeight(net, 3))!).toBeLessThanOrEqual(at + 10)
    await waitForHeight(net, 3, at + 12, 'three validators to go on')
    const kpis = await net.call(0, 'monitor.kpis', {})
    expect(kpis.coherenceScore.value!).toBeLessThan(scoreBefore)
    // Each block without it moves the score a quarter of the way to 0.75 over the window.
    expect(kpis.recentPsi[0]!.psi).toBe(0.75)
    expect((await hOf())!).toBeLessThan(hBefore)

    await net.restart(3)
    const target = (await minLiveHeight(net, 3))! + 2
    await waitForHeight(net, VALIDATORS, target, 'the restarted validator to catch up')
    await expectSameHashes(net, [0, 1, 2, 3], target)
    await waitFor(
      async () =>
        (await net.call(0, 'monitor.alerts', {})).active.some((a) => a.id === alertId)
          ? undefined
          : true,
      30_000,
      'the alert to clear',
      POLL_MS,
    )
    const history = (await net.call(0, 'monitor.alerts', {})).history
    expect(history.find((a) => a.id === alertId)?.clearedAt).not.toBeNull()
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

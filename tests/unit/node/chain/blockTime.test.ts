import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ONE_TOKEN } from '../../../../src/shared/tokens'
import { Chain } from '../../../../src/main/node/chain/chain'
import { DEFAULT_SYNCHRONY, type Genesis } from '../../../../src/main/node/chain/genesis'
import type { Clock } from '../../../../src/main/node/clock'
import { DEVNET_POOL_WEIGHTS } from '../../../../src/main/node/devnet'
import { silentLogger } from '../../../../src/main/node/logger'
import { Mempool } from '../../../../src/main/node/mempool/mempool'
import { ChainStore } from '../../../../src/main/node/storage/store'
import { tempDir } from '../../../helpers/tempDir'
import { testSigner } from '../../../helpers/txs'

const CLUSTER = 'block-time'
const validator = testSigner()
const owner = testSigner()
const genesis: Genesis = {
  clusterId: CLUSTER,
  genesisTime: 1_000,
  minFee: ONE_TOKEN / 1000n,
  unbondingBlocks: 3,
  minValidatorStake: ONE_TOKEN,
  synchrony: DEFAULT_SYNCHRONY,
  validators: [{ publicKey: validator.publicKey(), power: 10n * ONE_TOKEN, owner: owner.address }],
  accounts: [{ address: owner.address, balances: [ONE_TOKEN, ONE_TOKEN, ONE_TOKEN] }],
  pool: {
    reserves: [1000n * ONE_TOKEN, 1000n * ONE_TOKEN, 1000n * ONE_TOKEN],
    weights: [...DEVNET_POOL_WEIGHTS],
    swapFee: ONE_TOKEN / 1000n,
  },
}

const fixedClock = (now: number): Clock => ({
  now: () => now,
  setTimeout: () => 0,
  clearTimeout: () => {},
})

describe("a block's validity never depends on this node's clock", () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  async function chainAt(now: number): Promise<Chain> {
    const dir = await tempDir()
    const store = await ChainStore.open(join(dir.path, 'db'))
    cleanups.push(async () => {
      await store.close()
      await dir.remove()
    })
    return Chain.open({
      genesis,
      store,
      mempool: new Mempool(CLUSTER, 10),
      clock: fixedClock(now),
      logger: silentLogger,
    })
  }

  it('a node whose clock is a minute slow accepts a block stamped by a node a minute ahead', async () => {
    const ahead = await chainAt(1_000_000 + 60_000)
    const slow = await chainAt(1_000_000)
    const block = ahead.createBlock(1, validator.address, null)
    expect(block.header.time).toBe(1_060_000)
    // Asked twice: a verdict that depended on the clock must not stick either.
    expect(slow.isValidBlock(block)).toBe(true)
    expect(slow.isValidBlock(block)).toBe(true)
  })

  it('a block whose time does not advance past its parent is invalid everywhere', async () => {
    const chain = await chainAt(1_000_000)
    const block = chain.createBlock(1, validator.address, null)
    const stuck = { ...block, header: { ...block.header, time: genesis.genesisTime } }
    expect(chain.isValidBlock(stuck)).toBe(false)
  })
})

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ONE } from '../../../src/shared/cee/fixedPoint'
import { toHex } from '../../../src/shared/encoding'
import { ONE_TOKEN } from '../../../src/shared/tokens'
import type { Commit } from '../../../src/main/node/chain/block'
import { Chain } from '../../../src/main/node/chain/chain'
import type { ValidatorSet } from '../../../src/main/node/chain/validators'
import type { Clock } from '../../../src/main/node/clock'
import { createLightClient, updateLightClient } from '../../../src/main/node/bridge/lightClient'
import { encodeTx } from '../../../src/main/node/ledger/tx'
import { silentLogger } from '../../../src/main/node/logger'
import { Mempool } from '../../../src/main/node/mempool/mempool'
import { ChainStore } from '../../../src/main/node/storage/store'
import { tempDir } from '../../helpers/tempDir'
import { signedAction, testSigner } from '../../helpers/txs'
import { remoteGenesis, signCommit } from './remoteCluster'

// The light client against the chain module itself: the headers, sets and commits a real chain
// makes, including a validator set change driven by a stake.
const v0 = testSigner()
const v1 = testSigner()
const staker = testSigner()
const genesis = remoteGenesis('real-remote', [{ signer: v0, power: 10n * ONE_TOKEN }])
const funded = {
  ...genesis,
  minValidatorStake: ONE_TOKEN,
  accounts: [
    ...genesis.accounts,
    {
      address: staker.address,
      balances: [100n * ONE_TOKEN, 100n * ONE_TOKEN, 100n * ONE_TOKEN] as const,
    },
  ],
}

/** Time moves one second per reading, so every block's time advances. */
function steppingClock(): Clock {
  let now = 10_000
  return { now: () => (now += 1_000), setTimeout: () => 0, clearTimeout: () => {} }
}

const members = (set: ValidatorSet) =>
  set.validators.map((v) => ({ publicKey: v.publicKey, power: v.power }))
const signersOf = (set: ValidatorSet) =>
  set.validators.map((v) => [v0, v1].find((s) => toHex(s.address) === toHex(v.address))!)

describe('a light client following a real chain', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let store: ChainStore

  beforeAll(async () => {
    dir = await tempDir()
    store = await ChainStore.open(join(dir.path, 'db'))
  })
  afterAll(async () => {
    await store.close()
    await dir.remove()
  })

  it('accepts every block, across the set change a stake makes two heights later', async () => {
    const mempool = new Mempool(funded.clusterId, 100)
    const chain = await Chain.open({
      genesis: funded,
      store,
      mempool,
      clock: steppingClock(),
      logger: silentLogger,
    })
    let client = createLightClient(funded)
    let lastCommit: Commit | null = null
    for (let height = 1; height <= 7; height++) {
      if (height === 3) {
        const stake = signedAction(funded.clusterId, staker, {
          action: { kind: 'stake', validator: v1.publicKey(), amount: 20n * ONE_TOKEN },
          nonce: 0,
          fee: funded.minFee,
        })
        mempool.add(encodeTx(stake), chain.state, chain.txContext(v0.address))
      }
      const set = chain.validatorSet(height)
      const block = chain.createBlock(height, set.proposer(0).address, lastCommit)
      lastCommit = signCommit(funded.clusterId, block.header, signersOf(set))
      await chain.commitBlock(block, lastCommit)
      const next = chain.validatorSet(height + 1)
      const result = updateLightClient(client, {
        header: block.header,
        commit: lastCommit,
        lastCommit: block.lastCommit,
        nextValidators: next.sameMembers(set) ? null : members(next),
      })
      // Ψ of the height before, from the commit the block carries: every validator signed it.
      expect(result).toMatchObject({ kind: 'updated', psi: height === 1 ? null : ONE })
      client = result.state
      expect(client.validators).toHaveLength(height < 4 ? 1 : 2)
    }
    expect(client.trustedHeight).toBe(7)
    expect(toHex(client.trustedHeaderHash)).toBe(toHex(chain.latest.hash))
  })
})

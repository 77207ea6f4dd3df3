import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeAddress } from '../../../../src/shared/address'
import { toHex } from '../../../../src/shared/encoding'
import { ONE_TOKEN, TOKEN_ID } from '../../../../src/shared/tokens'
import {
  blockHash,
  VOTE_TYPE,
  voteSignBytes,
  type Block,
  type Commit,
} from '../../../../src/main/node/chain/block'
import { Chain } from '../../../../src/main/node/chain/chain'
import { DEFAULT_SYNCHRONY, type Genesis } from '../../../../src/main/node/chain/genesis'
import type { ValidatorSet } from '../../../../src/main/node/chain/validators'
import type { Clock } from '../../../../src/main/node/clock'
import { DEVNET_POOL_WEIGHTS } from '../../../../src/main/node/devnet'
import { stakingInfo } from '../../../../src/main/node/ledger/stakingQueries'
import { encodeTx, type Action } from '../../../../src/main/node/ledger/tx'
import { silentLogger } from '../../../../src/main/node/logger'
import { Mempool } from '../../../../src/main/node/mempool/mempool'
import { ChainStore } from '../../../../src/main/node/storage/store'
import { tempDir } from '../../../helpers/tempDir'
import { signedAction, testSigner } from '../../../helpers/txs'

const CLUSTER = 'staking-chain'
const FEE = ONE_TOKEN / 1000n
const UNBONDING = 3
const v0 = testSigner()
const v1 = testSigner()
const owner = testSigner()
const staker = testSigner()
const START = 100n * ONE_TOKEN
const genesis: Genesis = {
  clusterId: CLUSTER,
  genesisTime: 1_000,
  minFee: FEE,
  unbondingBlocks: UNBONDING,
  minValidatorStake: ONE_TOKEN,
  synchrony: DEFAULT_SYNCHRONY,
  validators: [{ publicKey: v0.publicKey(), power: 10n * ONE_TOKEN, owner: owner.address }],
  accounts: [owner, staker].map((s) => ({ address: s.address, balances: [START, START, START] })),
  pool: {
    reserves: [1000n * ONE_TOKEN, 1000n * ONE_TOKEN, 1000n * ONE_TOKEN],
    weights: [...DEVNET_POOL_WEIGHTS],
    swapFee: ONE_TOKEN / 1000n,
  },
}

/** Time moves one second per reading, so every block's time advances. */
function steppingClock(): Clock {
  let now = 10_000
  return { now: () => (now += 1_000), setTimeout: () => 0, clearTimeout: () => {} }
}

const signerOf = (address: Uint8Array) => [v0, v1].find((s) => toHex(s.address) === toHex(address))!

/** A commit of `block` signed by every validator of its height, as consensus would make it. */
function commitFor(block: Block, set: ValidatorSet): Commit {
  const { height } = block.header
  const hash = blockHash(block.header)
  const bytes = voteSignBytes(CLUSTER, {
    type: VOTE_TYPE.precommit,
    height,
    round: 0,
    blockHash: hash,
  })
  return {
    height,
    round: 0,
    blockHash: hash,
    signatures: set.validators.map((v) => ({
      validator: v.address,
      signature: signerOf(v.address).sign(bytes),
    })),
  }
}

describe('a chain whose validator set changes with stakes', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let store: ChainStore
  let mempool: Mempool
  let chain: Chain
  let lastCommit: Commit | null = null
  let nonce = 0
  const blocks: Block[] = []

  async function open(): Promise<void> {
    store = await ChainStore.open(join(dir.path, 'db'))
    mempool = new Mempool(CLUSTER, 100)
    chain = await Chain.open({
      genesis,
      store,
      mempool,
      clock: steppingClock(),
      logger: silentLogger,
    })
  }

  /** Decides the next block (proposed by round 0's proposer) and commits it. */
  async function produce(): Promise<Block> {
    const height = chain.height + 1
    const set = chain.validatorSet(height)
    const block = chain.createBlock(height, set.proposer(0).address, lastCommit)
    lastCommit = commitFor(block, set)
    await chain.commitBlock(block, lastCommit)
    blocks.push(block)
    return block
  }

  function submit(action: Action): void {
    const tx = signedAction(CLUSTER, staker, { action, nonce: nonce++, fee: FEE })
    mempool.add(encodeTx(tx), chain.state, chain.txContext(v0.address))
  }

  beforeAll(async () => {
    dir = await tempDir()
    await open()
  })
  afterAll(async () => {
    await store.close()
    await dir.remove()
  })

  const only0 = (): string => toHex(chain.validatorSet(1).hash())

  it('a stake committed in block H changes the set at H + 2, as the headers say', async () => {
    await produce()
    await produce()
    submit({ kind: 'stake', validator: v1.publicKey(), amount: 20n * ONE_TOKEN })
    const three = await produce()
    expect(three.txs).toHaveLength(1)
    expect(chain.validatorSet(4).size).toBe(1)
    expect(chain.validatorSet(5).size).toBe(2)
    expect(chain.validatorSet(5).totalPower).toBe(30n * ONE_TOKEN)
    expect(toHex(three.header.validatorsHash)).toBe(only0())
    expect(toHex(three.header.nextValidatorsHash)).toBe(only0())

    const four = await produce()
    expect(toHex(four.header.validatorsHash)).toBe(only0())
    expect(toHex(four.header.nextValidatorsHash)).toBe(toHex(chain.validatorSet(5).hash()))
    const five = await produce()
    expect(toHex(five.header.validatorsHash)).toBe(toHex(chain.validatorSet(5).hash()))
    // Block 5's commit needs v1: v0's 10 of 30 is not more than two thirds.
    expect(lastCommit!.signatures).toHaveLength(2)

    const info = stakingInfo(chain, v1.publicKey())
    expect(info.validators.map((v) => [v.publicKey, v.amount, v.active])).toEqual([
      [toHex(v1.publicKey()), (20n * ONE_TOKEN).toString(), true],
      [toHex(v0.publicKey()), (10n * ONE_TOKEN).toString(), true],
    ])
    expect(info.self.publicKey).toBe(toHex(v1.publicKey()))
  })

  it('refuses a block whose header names the wrong next set', () => {
    const height = chain.height + 1
    const set = chain.validatorSet(height)
    const block = chain.createBlock(height, set.proposer(0).address, lastCommit)
    // The set stays {v0, v1} at height + 1; a header claiming {v0} alone is refused.
    const wrong = chain.validatorSet(1).hash()
    const forged = { ...block, header: { ...block.header, nextValidatorsHash: wrong } }
    expect(chain.isValidBlock(forged)).toBe(false)
    expect(chain.isValidBlock(block)).toBe(true)
  })

  it('an unstake leaves the set at H + 2 and returns its CHR at the end of H + unbondingBlocks', async () => {
    submit({ kind: 'unstake', validator: v1.publicKey(), amount: 20n * ONE_TOKEN })
    const unstaked = await produce()
    const h = unstaked.header.height
    expect(unstaked.txs).toHaveLength(1)
    expect(chain.validatorSet(h + 1).size).toBe(2)
    expect(toHex(chain.validatorSet(h + 2).hash())).toBe(only0())
    const held = chain.state.account(staker.address).balances[TOKEN_ID.CHR]
    while (chain.height < h + UNBONDING - 1) await produce()
    expect(chain.state.account(staker.address).balances[TOKEN_ID.CHR]).toBe(held)
    expect(stakingInfo(chain, v0.publicKey()).unbonding).toEqual([
      {
        owner: encodeAddress(staker.address),
        amount: (20n * ONE_TOKEN).toString(),
        releaseHeight: h + 3,
      },
    ])
    await produce()
    expect(chain.state.account(staker.address).balances[TOKEN_ID.CHR]).toBe(held + 20n * ONE_TOKEN)
    expect(stakingInfo(chain, v0.publicKey()).unbonding).toEqual([])
  })

  it('answers the set of every height from 1 to height + 2, the same after a restart', async () => {
    const height = chain.height
    const before = Array.from({ length: height + 2 }, (_, i) => chain.validatorSet(i + 1))
    const stateHash = toHex(chain.state.hash())
    // Each committed header names the set of its height and the next.
    for (const block of blocks) {
      const h = block.header.height
      expect(toHex(block.header.validatorsHash)).toBe(toHex(before[h - 1]!.hash()))
      expect(toHex(block.header.nextValidatorsHash)).toBe(toHex(before[h]!.hash()))
    }
    await store.close()
    await open()
    expect(chain.height).toBe(height)
    expect(toHex(chain.state.hash())).toBe(stateHash)
    // Newest first, then oldest: both the stored priorities and the rebuilt history agree.
    for (const h of [height + 2, height + 1, height, 1, 2, 5, 6, height - 1]) {
      const set = chain.validatorSet(h)
      expect(toHex(set.hash()), `members at ${h}`).toBe(toHex(before[h - 1]!.hash()))
      expect(set.priorities, `priorities at ${h}`).toEqual(before[h - 1]!.priorities)
    }
    expect(() => chain.validatorSet(height + 3)).toThrow(RangeError)
    expect(() => chain.validatorSet(0)).toThrow(RangeError)
    // And it goes on from there.
    await produce()
  })
})

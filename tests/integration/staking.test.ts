import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toHex } from '../../src/shared/encoding'
import { ONE_TOKEN, TOKEN_ID } from '../../src/shared/tokens'
import { DEFAULT_SYNCHRONY, type Genesis } from '../../src/main/node/chain/genesis'
import { DEVNET_POOL_WEIGHTS } from '../../src/main/node/devnet'
import type { Action } from '../../src/main/node/ledger/tx'
import { silentLogger } from '../../src/main/node/logger'
import { CoherenceNode } from '../../src/main/node/node'
import { ChainStore } from '../../src/main/node/storage/store'
import { MessageBus } from '../helpers/messageBus'
import { tempDir, waitFor } from '../helpers/tempDir'
import { signedAction, testSigner, txHex } from '../helpers/txs'

const GENESIS_VALIDATORS = 4
const UNBONDING_BLOCKS = 4
const STAKE = 10n * ONE_TOKEN
const FEE = ONE_TOKEN / 1000n
const signers = Array.from({ length: GENESIS_VALIDATORS + 1 }, () => testSigner())
/** The fifth node: not in genesis, it stakes its way into the set and out again. */
const joiner = signers[GENESIS_VALIDATORS]!
const operator = testSigner()
/** The account that stakes on the joiner's consensus key. */
const staker = testSigner()
const START = 1_000n * ONE_TOKEN
const genesis: Genesis = {
  clusterId: 'staking-test',
  genesisTime: Date.now(),
  minFee: FEE,
  unbondingBlocks: UNBONDING_BLOCKS,
  minValidatorStake: ONE_TOKEN,
  synchrony: DEFAULT_SYNCHRONY,
  validators: signers.slice(0, GENESIS_VALIDATORS).map((s) => ({
    publicKey: s.publicKey(),
    power: STAKE,
    owner: operator.address,
  })),
  accounts: [operator, staker].map((s) => ({
    address: s.address,
    balances: [START, START, START],
  })),
  pool: {
    reserves: [1000n * ONE_TOKEN, 1000n * ONE_TOKEN, 1000n * ONE_TOKEN],
    weights: [...DEVNET_POOL_WEIGHTS],
    swapFee: ONE_TOKEN / 1000n,
  },
}

describe('a fifth node stakes into the validator set and out again (real nodes, one process)', () => {
  const bus = new MessageBus()
  const running: {
    index: number
    node: CoherenceNode
    store: ChainStore
    remove: () => Promise<void>
  }[] = []
  /** The staker's CHR balance after each height, as node 0 committed it. */
  const stakerChr = new Map<number, bigint>()
  let nonce = 0

  async function start(i: number): Promise<CoherenceNode> {
    const dir = await tempDir('coherence-staking-')
    const store = await ChainStore.open(join(dir.path, 'db'))
    const node = await CoherenceNode.start({
      dataDir: dir.path,
      store,
      consensusSigner: signers[i]!,
      accountPublicKey: operator.publicKey(),
      genesis,
      peers: bus.join(i),
      blockTimeMs: 50,
      logger: silentLogger,
      timeouts: { proposeMs: 400, prevoteMs: 200, precommitMs: 200, gossipMs: 200 },
    })
    running.push({ index: i, node, store, remove: dir.remove })
    return node
  }

  const nodes = (): CoherenceNode[] => running.map((r) => r.node)
  const nodeOf = (i: number): CoherenceNode => running.find((r) => r.index === i)!.node
  const minHeight = (): number => Math.min(...nodes().map((n) => n.chain.height))
  const joinerAddress = toHex(joiner.address)

  /** Submits a staking action of the staker to every node (the bus carries no transactions). */
  async function submitAndWait(action: Action): Promise<number> {
    const tx = signedAction(genesis.clusterId, staker, { action, nonce: nonce++, fee: FEE })
    let hash = ''
    for (const node of nodes()) hash = node.submitTx(txHex(tx)).hash
    const included = await waitFor(
      async () => (await nodeOf(0).chain.transaction(Buffer.from(hash, 'hex'))) ?? undefined,
      30_000,
      `${action.kind} to be committed`,
    )
    expect(included.receipt.failure).toBeNull()
    return included.receipt.height
  }

  /** Heights in [from, to] whose stored commit (on any node) carries the joiner's signature. */
  async function signedByJoiner(from: number, to: number): Promise<number[]> {
    const heights: number[] = []
    for (let h = from; h <= to; h++) {
      for (const node of nodes()) {
        const commit = await node.chain.commitOf(h)
        if (commit?.signatures.some((s) => toHex(s.validator) === joinerAddress)) {
          heights.push(h)
          break
        }
      }
    }
    return heights
  }

  const inSet = (node: CoherenceNode, height: number): boolean =>
    node.chain.validatorSet(height).indexOf(joiner.address) >= 0

  afterAll(async () => {
    for (const r of running) {
      bus.leave(r.index)
      await r.node.stop()
      await r.store.close()
      await r.remove()
    }
  })

  it('votes from two blocks after its stake, stops two blocks after its unstake, and gets its CHR back', async () => {
    // The joiner starts first: until it votes nobody knows it is behind, and the bus carries no
    // block sync, so it follows the chain from block 1 by watching proposals and votes.
    await start(GENESIS_VALIDATORS)
    for (let i = 0; i < GENESIS_VALIDATORS; i++) await start(i)
    nodeOf(0).onBlock(({ block }) => {
      const chr = nodeOf(0).chain.state.account(staker.address).balances[TOKEN_ID.CHR]
      stakerChr.set(block.header.height, chr)
    })
    await waitFor(() => (minHeight() >= 2 ? true : undefined), 30_000, 'height 2 on all')

    const staked = await submitAndWait({
      kind: 'stake',
      validator: joiner.publicKey(),
      amount: STAKE,
    })
    const joins = staked + 2
    await waitFor(() => (minHeight() >= joins + 4 ? true : undefined), 30_000, 'blocks after')
    for (const node of nodes()) {
      expect(inSet(node, joins - 1)).toBe(false)
      expect(inSet(node, joins)).toBe(true)
    }
    // The headers announce the change one block ahead.
    const before = (await nodeOf(0).chain.block(joins - 1))!.header
    const at = (await nodeOf(0).chain.block(joins))!.header
    expect(toHex(before.validatorsHash)).not.toBe(toHex(before.nextValidatorsHash))
    expect(toHex(at.validatorsHash)).toBe(toHex(before.nextValidatorsHash))
    expect(await signedByJoiner(1, joins - 1)).toEqual([])
    expect((await signedByJoiner(joins, joins + 4)).length).toBeGreaterThan(0)
    const info = nodeOf(GENESIS_VALIDATORS).stakingInfo()
    expect(info.self.publicKey).toBe(toHex(joiner.publicKey()))
    expect(info.validators.find((v) => v.publicKey === info.self.publicKey)).toMatchObject({
      amount: STAKE.toString(),
      active: true,
    })

    const unstaked = await submitAndWait({
      kind: 'unstake',
      validator: joiner.publicKey(),
      amount: STAKE,
    })
    const leaves = unstaked + 2
    const released = unstaked + UNBONDING_BLOCKS
    // Out of the set the joiner only watches again, so what follows is read from the others.
    const others = nodes().filter((n) => n !== nodeOf(GENESIS_VALIDATORS))
    const othersHeight = (): number => Math.min(...others.map((n) => n.chain.height))
    await waitFor(
      () => (othersHeight() >= Math.max(leaves, released) + 3 ? true : undefined),
      30_000,
      'blocks after the unstake',
    )
    for (const node of others) {
      expect(inSet(node, leaves - 1)).toBe(true)
      expect(inSet(node, leaves)).toBe(false)
    }
    expect(await signedByJoiner(leaves, othersHeight())).toEqual([])
    // The CHR comes back at the end of block unstake height + unbondingBlocks, not before.
    expect(stakerChr.get(released - 1)).toBe(START - STAKE)
    expect(stakerChr.get(released)).toBe(START)
    expect(nodeOf(0).stakingInfo().unbonding).toEqual([])
  })
})

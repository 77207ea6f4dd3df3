import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toHex } from '../../src/shared/encoding'
import { ONE_TOKEN } from '../../src/shared/tokens'
import { DEFAULT_SYNCHRONY, type Genesis } from '../../src/main/node/chain/genesis'
import { blockHash } from '../../src/main/node/chain/block'
import { addressOf } from '../../src/main/node/crypto'
import { DEVNET_POOL_WEIGHTS } from '../../src/main/node/devnet'
import { DEFAULT_STAKING_PARAMS } from '../../src/main/node/ledger/staking'
import { silentLogger } from '../../src/main/node/logger'
import { CoherenceNode } from '../../src/main/node/node'
import { ChainStore } from '../../src/main/node/storage/store'
import { MessageBus } from '../helpers/messageBus'
import { tempDir, waitFor } from '../helpers/tempDir'
import { testSigner } from '../helpers/txs'

const VALIDATORS = 4
const signers = Array.from({ length: VALIDATORS }, () => testSigner())
const account = testSigner()
const genesis: Genesis = {
  clusterId: 'cluster-test',
  genesisTime: Date.now(),
  minFee: ONE_TOKEN / 1000n,
  ...DEFAULT_STAKING_PARAMS,
  synchrony: DEFAULT_SYNCHRONY,
  validators: signers.map((s) => ({
    publicKey: s.publicKey(),
    power: 10n * ONE_TOKEN,
    owner: addressOf(account.publicKey()),
  })),
  accounts: [
    { address: addressOf(account.publicKey()), balances: [ONE_TOKEN, ONE_TOKEN, ONE_TOKEN] },
  ],
  pool: {
    reserves: [1000n * ONE_TOKEN, 1000n * ONE_TOKEN, 1000n * ONE_TOKEN],
    weights: [...DEVNET_POOL_WEIGHTS],
    swapFee: ONE_TOKEN / 1000n,
  },
}

describe('four validators of one cluster in one process (real chains and stores)', () => {
  const bus = new MessageBus()
  const dirs: { path: string; remove: () => Promise<void> }[] = []
  const running: ({ node: CoherenceNode; store: ChainStore } | null)[] = []

  async function start(i: number): Promise<void> {
    const store = await ChainStore.open(join(dirs[i]!.path, 'db'))
    const node = await CoherenceNode.start({
      dataDir: dirs[i]!.path,
      store,
      consensusSigner: signers[i]!,
      accountPublicKey: account.publicKey(),
      genesis,
      peers: bus.join(i),
      blockTimeMs: 50,
      logger: silentLogger,
      timeouts: { proposeMs: 400, prevoteMs: 200, precommitMs: 200, gossipMs: 200 },
    })
    running[i] = { node, store }
  }

  async function stop(i: number): Promise<void> {
    bus.leave(i)
    const r = running[i]
    running[i] = null
    await r?.node.stop()
    await r?.store.close()
  }

  const heights = (): number[] => running.flatMap((r) => (r ? [r.node.chain.height] : []))
  const live = (): CoherenceNode[] => running.flatMap((r) => (r ? [r.node] : []))

  async function sameHashes(upTo: number): Promise<void> {
    for (let h = 1; h <= upTo; h++) {
      const hashes = new Set<string>()
      for (const node of live()) {
        const block = await node.chain.block(h)
        hashes.add(toHex(blockHash(block!.header)))
      }
      expect(hashes.size, `height ${h}`).toBe(1)
    }
  }

  afterAll(async () => {
    for (let i = 0; i < VALIDATORS; i++) await stop(i)
    for (const d of dirs) await d.remove()
  })

  it('commits the same blocks on every validator, goes on with 3 of 4, halts with 2, resumes', async () => {
    for (let i = 0; i < VALIDATORS; i++) dirs.push(await tempDir('coherence-cluster-'))
    for (let i = 0; i < VALIDATORS; i++) await start(i)
    await waitFor(() => (Math.min(...heights()) >= 5 ? true : undefined), 30_000, 'height 5 on all')
    await sameHashes(5)
    // Every block's commit certificate carries more than 2/3 of the power.
    const commit = await live()[0]!.chain.commitOf(3)
    expect(commit!.signatures.length).toBeGreaterThanOrEqual(3)

    await stop(3)
    const at = Math.max(...heights())
    await waitFor(
      () => (Math.min(...heights()) >= at + 3 ? true : undefined),
      30_000,
      '3 of 4 go on',
    )

    await stop(2)
    await new Promise((r) => setTimeout(r, 300))
    const halted = Math.max(...heights())
    await new Promise((r) => setTimeout(r, 2_000))
    expect(Math.max(...heights())).toBeLessThanOrEqual(halted + 1)

    // Back to 3 of 4: the restarted validator catches up (decisions from its peers) and the
    // chain resumes.
    await start(2)
    await waitFor(
      () => (Math.min(...heights()) >= halted + 3 ? true : undefined),
      60_000,
      'the chain to resume',
    )
    await sameHashes(Math.min(...heights()))
  })
})

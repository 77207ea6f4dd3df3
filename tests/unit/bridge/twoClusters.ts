import { join } from 'node:path'
import { decode, toHex } from '../../../src/shared/encoding'
import { ONE_TOKEN, type Balances } from '../../../src/shared/tokens'
import type { Block, Commit } from '../../../src/main/node/chain/block'
import { Chain } from '../../../src/main/node/chain/chain'
import { DEFAULT_SYNCHRONY, type Genesis } from '../../../src/main/node/chain/genesis'
import type { ValidatorSet } from '../../../src/main/node/chain/validators'
import type { Clock } from '../../../src/main/node/clock'
import { DEVNET_POOL_WEIGHTS } from '../../../src/main/node/devnet'
import {
  committedBridge,
  type BridgeTable,
  type ConnectTerms,
  type Connection,
} from '../../../src/main/node/bridge/bridgeState'
import { readBundles } from '../../../src/main/node/bridge/bundles'
import { trustRootOf } from '../../../src/main/node/bridge/lightClient'
import { MAX_BUNDLES } from '../../../src/main/node/bridge/relayProtocol'
import {
  BridgeMessageCodec,
  messageProof,
  type BridgeMessage,
} from '../../../src/main/node/bridge/packet'
import type { Account } from '../../../src/main/node/ledger/account'
import type { LedgerState } from '../../../src/main/node/ledger/state'
import { txHash, type Action, type SignedTx } from '../../../src/main/node/ledger/tx'
import { silentLogger } from '../../../src/main/node/logger'
import { Mempool } from '../../../src/main/node/mempool/mempool'
import { ChainStore } from '../../../src/main/node/storage/store'
import { signedAction, testSigner } from '../../helpers/txs'
import { signCommit, type TestSigner } from './remoteCluster'

/*
 * Two clusters in one process, each a real Chain on its own store, driven block by block with
 * real signatures: the relayer is the test itself, so it can relay faithfully or lie.
 */

export const FEE = ONE_TOKEN / 1000n
/** What every funded account holds of each token at genesis. */
export const START = 1000n * ONE_TOKEN
const VALIDATOR_POWER = 10n * ONE_TOKEN

export type BridgeDeliver = Extract<Action, { kind: 'bridgeDeliver' }>
export type BridgeUpdate = Extract<Action, { kind: 'bridgeUpdate' }>

/** Time moves one second per reading, so every block's time advances. */
function steppingClock(): Clock {
  let now = 10_000
  return { now: () => (now += 1_000), setTimeout: () => 0, clearTimeout: () => {} }
}

/**
 * A mempool that puts every submitted transaction in the next block without checking its action
 * first, as a proposer does with a relayer's transaction that fails only in the block: the
 * refusal then shows in the committed receipt, with the fee charged.
 */
class BlockQueue extends Mempool {
  private queued: SignedTx[] = []

  push(tx: SignedTx): void {
    this.queued.push(tx)
  }

  override pending(): SignedTx[] {
    return [...this.queued]
  }

  override evict(hashHex: string): void {
    this.queued = this.queued.filter((tx) => toHex(txHash(tx)) !== hashHex)
  }

  override afterCommit(_included: readonly string[], _state: LedgerState, _height: number): void {
    this.queued = []
  }
}

/** One cluster: its chain, its validators' keys and the owners of their stakes. */
export class TestCluster {
  private lastCommit: Commit | null = null

  private constructor(
    readonly chain: Chain,
    /** Validator keys: they sign every block's commit. */
    readonly validators: readonly TestSigner[],
    /** Owners of the validators' stakes, one each: they approve connections. */
    readonly owners: readonly TestSigner[],
    private readonly queue: BlockQueue,
    private readonly store: ChainStore,
  ) {}

  /** A cluster of `validators` equal validators, funding `accounts` with START of each token. */
  static async open(
    clusterId: string,
    dir: string,
    opts: { accounts: readonly TestSigner[]; validators?: number },
  ): Promise<TestCluster> {
    const validators = Array.from({ length: opts.validators ?? 3 }, () => testSigner())
    const owners = validators.map(() => testSigner())
    const genesis: Genesis = {
      clusterId,
      genesisTime: 1_000,
      minFee: FEE,
      unbondingBlocks: 100,
      minValidatorStake: ONE_TOKEN,
      synchrony: DEFAULT_SYNCHRONY,
      validators: validators.map((v, i) => ({
        publicKey: v.publicKey(),
        power: VALIDATOR_POWER,
        owner: owners[i]!.address,
      })),
      accounts: [...owners, ...opts.accounts].map((s) => ({
        address: s.address,
        balances: [START, START, START],
      })),
      pool: {
        reserves: [START, START, START],
        weights: [...DEVNET_POOL_WEIGHTS],
        swapFee: ONE_TOKEN / 1000n,
      },
    }
    const store = await ChainStore.open(join(dir, clusterId))
    const queue = new BlockQueue(clusterId, 1_000)
    const chain = await Chain.open({
      genesis,
      store,
      mempool: queue,
      clock: steppingClock(),
      logger: silentLogger,
    })
    return new TestCluster(chain, validators, owners, queue, store)
  }

  get clusterId(): string {
    return this.chain.clusterId
  }

  get genesis(): Genesis {
    return this.chain.genesis
  }

  get height(): number {
    return this.chain.height
  }

  get supply(): Balances {
    return this.chain.state.supply
  }

  account(address: Uint8Array): Account {
    return this.chain.state.account(address)
  }

  balance(address: Uint8Array, token: number): bigint {
    return this.account(address).balances[token]!
  }

  /** The committed connection to `cluster`, if open. */
  connection(cluster: string): Connection | undefined {
    return this.table().connection(cluster)
  }

  /** The committed bridge rows of this cluster. */
  table(): BridgeTable {
    return committedBridge(this.chain.state)
  }

  /** Queues `action` from `signer` for the next block, with the next free nonce. */
  submit(signer: TestSigner, action: Action): SignedTx {
    const nonce = this.account(signer.address).nonce + this.pendingOf(signer)
    const tx = signedAction(this.clusterId, signer, { action, nonce, fee: FEE })
    this.queue.push(tx)
    return tx
  }

  /** How many of `signer`'s transactions wait for the next block. */
  pendingOf(signer: TestSigner): number {
    const key = toHex(signer.publicKey())
    return this.queue.pending().filter((tx) => toHex(tx.body.sender) === key).length
  }

  /** Drops every queued transaction, as a crash of the node holding them would. */
  dropQueued(): void {
    this.queue.afterCommit([], this.chain.state, this.height)
  }

  /** Decides the next block with the queued transactions, every validator precommitting. */
  async produce(): Promise<Block> {
    const height = this.height + 1
    const set = this.chain.validatorSet(height)
    const block = this.chain.createBlock(height, set.proposer(0).address, this.lastCommit)
    const commit = signCommit(this.clusterId, block.header, this.signersOf(set))
    await this.chain.commitBlock(block, commit)
    this.lastCommit = commit
    return block
  }

  /** The error code of a committed transaction's failed action, or null if it succeeded. */
  async failureOf(tx: SignedTx): Promise<string | null> {
    const found = await this.chain.transaction(txHash(tx))
    if (!found) throw new Error('transaction was not included')
    return found.receipt.failure?.code ?? null
  }

  /** Includes `action` in a block of its own; returns its failure code, or null. */
  async run(signer: TestSigner, action: Action): Promise<string | null> {
    const tx = this.submit(signer, action)
    await this.produce()
    return this.failureOf(tx)
  }

  /** The bridge messages block `height` emitted, decoded. */
  async messages(height: number): Promise<BridgeMessage[]> {
    const encoded = await this.chain.bridgeMessages(height)
    return encoded.map((bytes) => decode(BridgeMessageCodec, bytes))
  }

  async close(): Promise<void> {
    await this.store.close()
  }

  private signersOf(set: ValidatorSet): TestSigner[] {
    return set.validators.map((v) =>
      this.validators.find((s) => toHex(s.address) === toHex(v.address))!,
    )
  }
}

/** Terms for connecting to `remote`: its trust root from its genesis, and the governor's cap. */
export function termsFor(remote: TestCluster, flowCap: Balances, flowWindow: number): ConnectTerms {
  const root = trustRootOf(remote.genesis)
  return { ...root, validators: [...root.validators], flowCap: [...flowCap], flowWindow }
}

/** Every owner of `local` approves `terms` in one block; the connection must then be open. */
export async function connect(local: TestCluster, terms: ConnectTerms): Promise<void> {
  const txs = local.owners.map((owner) => local.submit(owner, { kind: 'bridgeConnect', ...terms }))
  await local.produce()
  for (const tx of txs) await expectOk(local, tx)
  if (!local.connection(terms.clusterId)) throw new Error(`${local.clusterId} did not connect`)
}

/**
 * The updates that bring `to`'s light client of `from` up to `from`'s latest block, in order, as
 * the node's relay serves them (bridge/bundles.ts).
 */
export async function headerUpdates(from: TestCluster, to: TestCluster): Promise<BridgeUpdate[]> {
  const connection = to.connection(from.clusterId)
  if (!connection) throw new Error(`${to.clusterId} is not connected to ${from.clusterId}`)
  const updates: BridgeUpdate[] = []
  for (
    let h = connection.client.trustedHeight + 1;
    h <= from.height;
    h = updates.length + connection.client.trustedHeight + 1
  ) {
    const bundles = await readBundles(from.chain, to.clusterId, h, MAX_BUNDLES)
    for (const { header, commit, lastCommit, nextValidators } of bundles) {
      updates.push({ kind: 'bridgeUpdate', header, commit, lastCommit, nextValidators })
    }
  }
  return updates
}

/** Relays every header of `from` that `to` does not trust yet, in one block of `to`. */
export async function relayHeaders(
  from: TestCluster,
  to: TestCluster,
  relayer: TestSigner,
): Promise<void> {
  const txs = (await headerUpdates(from, to)).map((update) => to.submit(relayer, update))
  await to.produce()
  for (const tx of txs) await expectOk(to, tx)
}

/** The delivery of the `index`th message `from` emitted at `height`, with its proof. */
export async function deliveryOf(
  from: TestCluster,
  height: number,
  index: number,
): Promise<BridgeDeliver> {
  const encoded = await from.chain.bridgeMessages(height)
  if (index >= encoded.length) throw new Error(`block ${height} emitted ${encoded.length} messages`)
  const proof = messageProof(encoded, index)
  return {
    kind: 'bridgeDeliver',
    height,
    message: decode(BridgeMessageCodec, encoded[index]!),
    proof: { ...proof, siblings: [...proof.siblings] },
  }
}

async function expectOk(cluster: TestCluster, tx: SignedTx): Promise<void> {
  const failure = await cluster.failureOf(tx)
  if (failure !== null)
    throw new Error(`${tx.body.action.kind} failed on ${cluster.clusterId}: ${failure}`)
}

/** Two connected clusters, each trusting the other's genesis; `relayer` is funded on both. */
export async function connectedPair(
  dir: string,
  opts: { accounts: readonly TestSigner[]; flowCap: Balances; flowWindow: number },
): Promise<{ a: TestCluster; b: TestCluster }> {
  const a = await TestCluster.open('cluster-a', dir, opts)
  const b = await TestCluster.open('cluster-b', dir, opts)
  await connect(a, termsFor(b, opts.flowCap, opts.flowWindow))
  await connect(b, termsFor(a, opts.flowCap, opts.flowWindow))
  return { a, b }
}

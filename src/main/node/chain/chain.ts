import { bytesEqual, fromHex, toHex } from '../../../shared/encoding'
import type { Clock } from '../clock'
import { addressOf } from '../crypto'
import { ConsensusError } from '../consensus/errors'
import type { ConsensusApp } from '../consensus/engine'
import { verifyCommit } from '../consensus/commitVerify'
import type { Logger } from '../logger'
import { LedgerState, type StateView } from '../ledger/state'
import { applyTx, endOfBlock, executeTx, type Receipt, type TxContext } from '../ledger/rules'
import type { StakeRecord } from '../ledger/stakes'
import { decodeTx, encodeTx, txHash, type SignedTx } from '../ledger/tx'
import type { Mempool } from '../mempool/mempool'
import { StoreError, type ChainStore, type TxReceiptRecord } from '../storage/store'
import { poolValue } from '../cee/poolRules'
import {
  blockHash,
  commitHash,
  MAX_BLOCK_TX_BYTES,
  MAX_TXS_PER_BLOCK,
  type Block,
  type Commit,
  type Header,
} from './block'
import {
  genesisAccounts,
  genesisHash,
  genesisPool,
  genesisStakes,
  genesisSupply,
  type Genesis,
} from './genesis'
import { packetRoot } from '../bridge/packet'
import { transferUpdates, type TransferRecord } from '../bridge/transferLog'
import { merkleRoot } from './merkle'
import { ValidatorHistory } from './validatorHistory'
import { selectValidators, ValidatorSet, type Member } from './validators'

/** A block that was executed: its changes, its transactions' hashes and their outcomes. */
interface Execution {
  readonly view: StateView
  readonly txHashes: readonly string[]
  readonly receipts: readonly Receipt[]
}

/** Emitted after each block is durably committed. */
export interface CommittedBlock {
  readonly block: Block
  readonly hash: Uint8Array
  readonly commit: Commit
}

/** The validator sets of the latest height and the two after it, the ones consensus needs. */
interface RecentSets {
  /** The set of the latest block (null before block 1). */
  readonly previous: ValidatorSet | null
  /** The set that votes on the next block. */
  readonly current: ValidatorSet
  /** The set of the height after that, already decided by the latest state. */
  readonly upcoming: ValidatorSet
}

/**
 * The replicated state machine: committed blocks, the ledger, and the validator set. It builds
 * and checks blocks for consensus and writes each decided block in one atomic batch.
 *
 * Validator set changes (as in CometBFT): the stakes after block H make the set that votes at
 * H + 2, so at every height the sets of the next two heights are known and committed in headers
 * (validatorsHash, nextValidatorsHash).
 */
export class Chain implements ConsensusApp {
  private latestHeader: Header | null = null
  private latestHash: Uint8Array
  private readonly history: ValidatorHistory
  private sets: RecentSets
  private readonly executions = new Map<string, Execution | null>()
  private readonly listeners: ((c: CommittedBlock) => void)[] = []

  private constructor(
    readonly genesis: Genesis,
    readonly state: LedgerState,
    private readonly store: ChainStore,
    private readonly mempool: Mempool,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.latestHash = genesisHash(genesis)
    const first = new ValidatorSet(selectValidators(genesis.validators, genesis.minValidatorStake))
    this.history = new ValidatorHistory(first)
    // Genesis is the state "after block 0": it makes the sets of heights 1 and 2.
    this.sets = { previous: null, current: first, upcoming: first.next() }
  }

  /** Opens the chain stored in `store`, initialising it from `genesis` when it is empty. */
  static async open(opts: {
    genesis: Genesis
    store: ChainStore
    mempool: Mempool
    clock: Clock
    logger: Logger
  }): Promise<Chain> {
    const { genesis, store } = opts
    const state = new LedgerState(genesisSupply(genesis), genesisPool(genesis))
    const chain = new Chain(genesis, state, store, opts.mempool, opts.clock, opts.logger)
    const storedGenesis = await store.genesisHash()
    const expectedGenesis = genesisHash(genesis)
    if (storedGenesis === undefined) {
      await store.initGenesis(
        expectedGenesis,
        genesisAccounts(genesis).map(([address, account]) => [toHex(address), account]),
        genesisStakes(genesis),
        state.pool,
      )
    } else if (!bytesEqual(storedGenesis, expectedGenesis)) {
      throw new StoreError('ERR_STORE_CORRUPT', 'the database belongs to another genesis')
    }
    await store.loadAccounts(state)
    await store.loadStaking(state)
    await store.loadBridge(state)
    state.pool = (await store.pool()) ?? state.pool
    for (const stored of await store.validatorSets()) {
      chain.history.add(stored.start, new ValidatorSet(stored.validators, stored.priorities))
    }
    const latest = await store.latest()
    if (latest === null) return chain
    const block = await store.block(latest.height)
    if (!block) {
      throw new StoreError('ERR_STORE_CORRUPT', `block ${latest.height} is missing from the store`)
    }
    chain.latestHeader = block.header
    chain.latestHash = latest.hash
    state.supply = [block.header.supply[0]!, block.header.supply[1]!, block.header.supply[2]!]
    if (!bytesEqual(state.hash(), block.header.stateHash)) {
      throw new StoreError(
        'ERR_STORE_CORRUPT',
        `stored state does not match the state hash of block ${latest.height}`,
      )
    }
    chain.sets = {
      previous: await chain.restoreSet(latest.height),
      current: await chain.restoreSet(latest.height + 1),
      upcoming: await chain.restoreSet(latest.height + 2),
    }
    return chain
  }

  /** The set of a height at startup: its members, with the priorities stored for it if any. */
  private async restoreSet(height: number): Promise<ValidatorSet> {
    const priorities = await this.store.priorities(height)
    if (priorities === null) return this.history.at(height)
    return new ValidatorSet(this.history.membersAt(height).validators, priorities)
  }

  get clusterId(): string {
    return this.genesis.clusterId
  }

  /** Height of the latest committed block (0 before the first). */
  get height(): number {
    return this.latestHeader?.height ?? 0
  }

  get latest(): { header: Header | null; hash: Uint8Array } {
    return { header: this.latestHeader, hash: this.latestHash }
  }

  onCommitted(listener: (c: CommittedBlock) => void): void {
    this.listeners.push(listener)
  }

  /** Replaces the stored commit of the latest block with a fuller one consensus gathered. */
  async keepCommit(commit: Commit): Promise<void> {
    if (commit.height !== this.height || !bytesEqual(commit.blockHash, this.latestHash)) return
    await this.store.putCommit(commit)
  }

  /** The commit certificate stored for a block. */
  async commitOf(height: number): Promise<Commit | null> {
    return this.store.commit(height)
  }

  async block(height: number): Promise<Block | null> {
    return this.store.block(height)
  }

  async decided(height: number): Promise<{ block: Block; commit: Commit } | null> {
    const [block, commit] = await Promise.all([this.store.block(height), this.store.commit(height)])
    return block && commit ? { block, commit } : null
  }

  /** The bridge messages block `height` emitted (the leaves of its packet root), encoded. */
  async bridgeMessages(height: number): Promise<Uint8Array[]> {
    return this.store.bridgeMessages(height)
  }

  /** The cross-cluster transfers this chain sent or received, by direction, cluster, sequence. */
  async transfers(): Promise<TransferRecord[]> {
    return this.store.transfers()
  }

  /** Hashes of an account's committed transactions, newest first. */
  async historyOf(address: Uint8Array, limit: number): Promise<Uint8Array[]> {
    return this.store.history(address, limit)
  }

  /** A committed transaction with its receipt and its block's time. */
  async transaction(
    hash: Uint8Array,
  ): Promise<{ tx: SignedTx; receipt: TxReceiptRecord; time: number } | null> {
    const receipt = await this.store.receipt(hash)
    if (!receipt) return null
    const block = await this.store.block(receipt.height)
    const bytes = block?.txs[receipt.index]
    if (!block || !bytes) return null
    return { tx: decodeTx(bytes), receipt, time: block.header.time }
  }

  /**
   * The validators that vote at `height`, with that height's proposer priorities: any height from
   * 1 to two past the latest block (older ones verify old commits during block sync).
   */
  validatorSet(height: number): ValidatorSet {
    const { previous, current, upcoming } = this.sets
    if (height === this.height + 1) return current
    if (height === this.height + 2) return upcoming
    if (height === this.height && previous) return previous
    if (height >= 1 && height < this.height) return this.history.at(height)
    throw new RangeError(`no validator set is known for height ${height}`)
  }

  /** Context for executing transactions in block `height` proposed by `feeRecipient`. */
  txContext(feeRecipient: Uint8Array, height = this.height + 1): TxContext {
    const { minFee, unbondingBlocks, minValidatorStake } = this.genesis
    return {
      params: { minFee, unbondingBlocks, minValidatorStake },
      feeRecipient,
      height,
      clusterId: this.clusterId,
    }
  }

  createBlock(height: number, proposer: Uint8Array, lastCommit: Commit | null): Block {
    const view = this.state.view()
    const ctx = this.txContext(proposer, height)
    const txs: Uint8Array[] = []
    const txHashes: string[] = []
    const receipts: Receipt[] = []
    let size = 0
    // Passes let a sender's later nonces follow its earlier ones whatever order they arrived in.
    let pending = this.mempool.pending()
    for (let pass = 0; pass < 4 && pending.length > 0 && txs.length < MAX_TXS_PER_BLOCK; pass++) {
      const retry: SignedTx[] = []
      for (const tx of pending) {
        if (txs.length >= MAX_TXS_PER_BLOCK) break
        const encoded = encodeTx(tx)
        // One that does not fit waits for the next block.
        if (size + encoded.length > MAX_BLOCK_TX_BYTES) continue
        const hashHex = toHex(txHash(tx))
        const attempt = view.fork()
        let receipt: Receipt
        try {
          receipt = applyTx(attempt, tx, ctx)
        } catch {
          if (tx.body.nonce > view.account(addressOf(tx.body.sender)).nonce) retry.push(tx)
          else this.mempool.evict(hashHex)
          continue
        }
        view.merge(attempt)
        size += encoded.length
        txs.push(encoded)
        txHashes.push(hashHex)
        receipts.push(receipt)
      }
      pending = retry
    }
    endOfBlock(view, height)
    const prevTime = this.latestHeader?.time ?? this.genesis.genesisTime
    const header: Header = {
      clusterId: this.clusterId,
      height,
      time: Math.max(this.clock.now(), prevTime + 1),
      prevHash: this.latestHash,
      txRoot: merkleRoot(txs),
      stateHash: this.state.hash(view),
      validatorsHash: this.validatorSet(height).hash(),
      nextValidatorsHash: this.validatorSet(height + 1).hash(),
      proposer,
      lastCommitHash: commitHash(lastCommit),
      packetRoot: packetRoot(view.messages()),
      ...omegaFields(view),
    }
    const block: Block = { header, txs, lastCommit }
    this.executions.set(toHex(blockHash(header)), { view, txHashes, receipts })
    return block
  }

  isValidBlock(block: Block): boolean {
    const hashHex = toHex(blockHash(block.header))
    const cached = this.executions.get(hashHex)
    if (cached !== undefined) return cached !== null
    let execution: Execution | null = null
    try {
      execution = this.check(block)
    } catch (err) {
      this.logger.warn('invalid block', {
        height: block.header.height,
        reason: (err as Error).message,
      })
    }
    this.executions.set(hashHex, execution)
    return execution !== null
  }

  /** Every validity rule of a block; throws with the first one broken. */
  private check(block: Block): Execution {
    const h = block.header
    const height = this.height + 1
    if (h.clusterId !== this.clusterId) throw invalid('wrong cluster id')
    if (h.height !== height) throw invalid(`height ${h.height}, expected ${height}`)
    if (!bytesEqual(h.prevHash, this.latestHash)) throw invalid('wrong previous block hash')
    // Only rules every node judges alike belong here: the verdict is cached, and a block decided
    // by the others must pass it whatever this node's clock says. How a fresh proposal's time
    // compares with the clock is consensus's question (its timeliness check before prevoting).
    const prevTime = this.latestHeader?.time ?? this.genesis.genesisTime
    if (h.time <= prevTime) throw invalid('block time does not advance')
    const set = this.validatorSet(height)
    if (set.indexOf(h.proposer) < 0) throw invalid('proposer is not a validator')
    if (!bytesEqual(h.validatorsHash, set.hash())) throw invalid('wrong validator set hash')
    if (!bytesEqual(h.nextValidatorsHash, this.validatorSet(height + 1).hash())) {
      throw invalid('wrong next validator set hash')
    }
    if (!bytesEqual(h.lastCommitHash, commitHash(block.lastCommit)))
      throw invalid('wrong last commit hash')
    if (height === 1) {
      if (block.lastCommit !== null) throw invalid('the first block carries no last commit')
    } else {
      if (block.lastCommit === null) throw invalid('missing last commit')
      verifyCommit(
        this.clusterId,
        this.validatorSet(height - 1),
        block.lastCommit,
        height - 1,
        this.latestHash,
      )
    }
    if (!bytesEqual(h.txRoot, merkleRoot(block.txs))) throw invalid('wrong transaction root')
    if (block.txs.reduce((sum, tx) => sum + tx.length, 0) > MAX_BLOCK_TX_BYTES) {
      throw invalid(`transactions over ${MAX_BLOCK_TX_BYTES} bytes`)
    }
    const view = this.state.view()
    const ctx = this.txContext(h.proposer, height)
    const txHashes: string[] = []
    const receipts: Receipt[] = []
    for (const bytes of block.txs) {
      const tx = decodeTx(bytes)
      const hashHex = toHex(txHash(tx))
      receipts.push(executeTx(view, tx, ctx, this.mempool.isVerified(hashHex)))
      txHashes.push(hashHex)
    }
    endOfBlock(view, height)
    if (!bytesEqual(h.stateHash, this.state.hash(view))) throw invalid('wrong state hash')
    if (!bytesEqual(h.packetRoot, packetRoot(view.messages()))) throw invalid('wrong packet root')
    const expected = omegaFields(view)
    if (
      !sameAmounts(h.supply, expected.supply) ||
      !sameAmounts(h.poolReserves, expected.poolReserves) ||
      !sameAmounts(h.poolWeights, expected.poolWeights) ||
      h.swapFee !== expected.swapFee
    ) {
      throw invalid('wrong supply or pool in the header')
    }
    return { view, txHashes, receipts }
  }

  async commitBlock(block: Block, commit: Commit): Promise<void> {
    const hash = blockHash(block.header)
    const hashHex = toHex(hash)
    if (!this.isValidBlock(block)) throw new Error(`refusing to commit invalid block ${hashHex}`)
    const execution = this.executions.get(hashHex)!
    const { current, upcoming } = this.sets
    // Only a block that changed a stake can change the set its state makes.
    const stakes = execution.view.stakes
    const next = upcoming.next(
      stakes.changed
        ? selectValidators(stakeMembers(stakes.entries()), this.genesis.minValidatorStake)
        : undefined,
    )
    const changed = !next.sameMembers(upcoming)
    const messages = execution.view.messages()
    const transfers = await transferUpdates(
      block,
      execution.receipts.map((r) => r.status === 'ok'),
      messages,
      (key) => this.store.transfer(key),
    )
    await this.store.commitBlock({
      block,
      blockHash: hash,
      commit,
      accounts: execution.view.changedEntries(),
      pool: execution.view.pool,
      poolValue: poolValue(execution.view.pool),
      stakes: stakes.changedEntries(),
      unbonding: execution.view.unbonding.changedEntries(),
      bridge: execution.view.bridge.changedEntries(),
      bridgeMessages: messages,
      transfers,
      txs: block.txs.map((bytes, index) => {
        const receipt = execution.receipts[index]!
        return {
          hash: fromHex(execution.txHashes[index]!),
          parties: partiesOf(decodeTx(bytes)),
          failure: receipt.status === 'ok' ? null : receipt.error.toPayload(),
        }
      }),
      upcomingValidators: {
        priorities: next.priorities,
        members: changed ? next.validators : null,
      },
    })
    this.state.apply(execution.view)
    this.latestHeader = block.header
    this.latestHash = hash
    if (changed) this.history.add(block.header.height + 2, next)
    this.sets = { previous: current, current: upcoming, upcoming: next }
    this.executions.clear()
    this.mempool.afterCommit(execution.txHashes, this.state, block.header.height)
    const committed: CommittedBlock = { block, hash, commit }
    for (const l of this.listeners) {
      try {
        l(committed)
      } catch (err) {
        this.logger.error('block listener failed', { err: String(err) })
      }
    }
  }
}

/** Stake records as would-be validator set members: power is the amount staked. */
function* stakeMembers(stakes: Iterable<[string, StakeRecord]>): Iterable<Member> {
  for (const [key, record] of stakes) yield { publicKey: fromHex(key), power: record.amount }
}

/** The Ω-vector fields a block header commits to, from the state after the block. */
function omegaFields(
  view: StateView,
): Pick<Header, 'supply' | 'poolReserves' | 'poolWeights' | 'swapFee'> {
  return {
    supply: [...view.supply],
    poolReserves: [...view.pool.reserves],
    poolWeights: [...view.pool.weights],
    swapFee: view.pool.swapFee,
  }
}

function sameAmounts(a: readonly bigint[], b: readonly bigint[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** The accounts whose history shows a transaction: its sender and, for a transfer, recipient. */
function partiesOf(tx: SignedTx): Uint8Array[] {
  const sender = addressOf(tx.body.sender)
  const action = tx.body.action
  return action.kind === 'transfer' && !bytesEqual(action.to, sender)
    ? [sender, action.to]
    : [sender]
}

function invalid(reason: string): ConsensusError {
  return new ConsensusError('ERR_INVALID_BLOCK', reason)
}

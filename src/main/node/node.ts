import { readFile } from 'node:fs/promises'
import { decodeAddress, encodeAddress } from '../../shared/address'
import { CodedError } from '../../shared/errors'
import { bytesEqual, fromHex, toHex } from '../../shared/encoding'
import type {
  AccountDto,
  BlockSummary,
  ChannelRequest,
  ConsensusInfo,
  EvidenceDto,
  NetworkInfo,
  HistoryItem,
  NodeStatus,
  PoolInfo,
  PoolPosition,
  Quote,
  StakingInfo,
} from '../../shared/ipc/contract'
import { poolInfo, poolPosition, quoteSwap } from './cee/poolQueries'
import { stakingInfo } from './ledger/stakingQueries'
import { txHash, type SignedTx } from './ledger/tx'
import { reviewTx } from './ledger/txFile'
import type { Balances } from '../../shared/tokens'
import type { Signer } from '../keys/signer'
import { blockHash, type Block } from './chain/block'
import { Chain, type CommittedBlock } from './chain/chain'
import { genesisHash, genesisToFile, parseGenesis, type Genesis } from './chain/genesis'
import { systemClock, type Clock } from './clock'
import { DEFAULT_TIMEOUTS, TendermintEngine, type ConsensusTimeouts } from './consensus/engine'
import { RecentCommits, RECENT_COMMITS } from './consensus/recentCommits'
import type { Equivocation } from './consensus/voteSet'
import { VOTE_TYPE } from './chain/block'
import type { PeerLink } from './p2p/peerLink'
import { HistoryStore } from './monitor/historyStore'
import { Monitor } from './monitor/monitor'
import { PeerProtocol, type TxIntake } from './p2p/peerProtocol'
import { PrivValidator } from './consensus/privValidator'
import { addressOf } from './crypto'
import { dataDirLayout, type DataDirLayout } from './dataDir'
import { createDevnetGenesis } from './devnet'
import { writeFileAtomic } from '../files/atomicFile'
import type { Logger } from './logger'
import { LedgerError } from './ledger/errors'
import { Mempool } from './mempool/mempool'
import type { ChainStore } from './storage/store'

export type NodeErrorCode = 'ERR_NOT_FOUND' | 'ERR_NODE_STOPPED' | 'ERR_WRONG_NETWORK'
export class NodeError extends CodedError<NodeErrorCode> {}

export interface NodeOptions {
  readonly dataDir: string
  /** The opened database; its lock is the data directory's lock, held by the caller. */
  readonly store: ChainStore
  /** The validator's consensus key (from the wallet). */
  readonly consensusSigner: Signer
  /** The account the node reports balances of; a new devnet funds it. */
  readonly accountPublicKey: Uint8Array
  /** Time between blocks (the consensus commit timeout). */
  readonly blockTimeMs: number
  readonly logger: Logger
  readonly clock?: Clock
  readonly timeouts?: Partial<ConsensusTimeouts>
  readonly mempoolSize?: number
  /**
   * The cluster's genesis, for a node that joins an existing cluster; without it a new
   * one-validator devnet is created on first start.
   */
  readonly genesis?: Genesis
  /**
   * The node's peers: consensus, mempool gossip and block sync all go through them. The caller
   * owns the link (and closes it after stopping the node).
   */
  readonly peers?: PeerLink
}

/** Peers a node of a network should keep, at most (fewer when the network is smaller). */
const MIN_PEERS = 2

/** Equivocations kept for the UI (the newest). */
const MAX_EVIDENCE = 100

type Listener<T> = (value: T) => void

function balancesDto(b: Balances): { CHR: string; PSY: string; FLX: string } {
  return { CHR: b[0].toString(), PSY: b[1].toString(), FLX: b[2].toString() }
}

/**
 * A Coherence node without Electron: storage, ledger, mempool and consensus, assembled from its
 * options. The desktop app and headless mode both run exactly this.
 */
export class CoherenceNode {
  private readonly blockListeners: Listener<CommittedBlock>[] = []
  private readonly recentCommits = new RecentCommits()
  private readonly evidence: EvidenceDto[] = []
  private stopped = false
  private startTimer: unknown = null
  private timing = {
    intervalSeconds: null as number | null,
    commitLatencySeconds: null as number | null,
  }

  private constructor(
    readonly layout: DataDirLayout,
    readonly options: NodeOptions,
    readonly chain: Chain,
    private readonly mempool: Mempool,
    private readonly engine: TendermintEngine,
    readonly validatorAddress: Uint8Array,
    readonly accountAddress: Uint8Array,
    private readonly protocol: PeerProtocol | null,
    readonly monitor: Monitor,
    private readonly kpiHistory: HistoryStore,
  ) {
    let previousTime: number | null = null
    chain.onCommitted((c) => {
      const time = c.block.header.time
      this.timing = {
        intervalSeconds: previousTime === null ? null : (time - previousTime) / 1000,
        commitLatencySeconds: Math.max(0, (options.clock ?? systemClock).now() - time) / 1000,
      }
      previousTime = time
      this.recentCommits.record(c.block.lastCommit)
      this.recentCommits.record(c.commit)
      protocol?.committed()
      for (const l of this.blockListeners) l(c)
    })
  }

  /**
   * Starts the node in `options.dataDir` (on first start creating a devnet genesis whose only
   * validator is this node) and starts consensus.
   */
  static async start(options: NodeOptions): Promise<CoherenceNode> {
    const clock = options.clock ?? systemClock
    const layout = dataDirLayout(options.dataDir)
    const { store, consensusSigner } = options
    const genesis = await loadOrCreateGenesis(layout, options.genesis, () =>
      createDevnetGenesis({
        consensusPublicKey: consensusSigner.publicKey(),
        accountPublicKey: options.accountPublicKey,
        time: clock.now(),
      }),
    )
    const mempool = new Mempool(genesis.clusterId, options.mempoolSize ?? 50_000)
    const logger = options.logger
    const chain = await Chain.open({ genesis, store, mempool, clock, logger })
    const privValidator = await PrivValidator.load(consensusSigner, store, genesis.clusterId)
    const lastCommit = chain.height > 0 ? await chain.commitOf(chain.height) : null
    const protocol = options.peers
      ? new PeerProtocol(options.peers, {
          clock,
          logger: logger.child({ module: 'p2p' }),
          blockTimeMs: options.blockTimeMs,
          gossipMs: options.timeouts?.gossipMs,
        })
      : null
    let node: CoherenceNode | null = null
    const history = await HistoryStore.open(layout.monitor)
    const peers = options.peers
    const monitor = await Monitor.start({
      chain,
      store,
      history,
      self: addressOf(consensusSigner.publicKey()),
      clock,
      logger: logger.child({ module: 'monitor' }),
      peers: () =>
        peers
          ? {
              connected: peers.peers().length,
              // Enough to reach a quorum's worth of the others in a small network.
              minimum: Math.min(MIN_PEERS, chain.validatorSet(chain.height + 1).size - 1),
            }
          : null,
      sync: () => protocol?.syncProgress() ?? { height: chain.height, target: chain.height },
    })
    const engine = new TendermintEngine(
      {
        clusterId: genesis.clusterId,
        app: chain,
        // Alone (a devnet) without peers.
        network: protocol?.consensusNetwork ?? { broadcast: () => {} },
        privValidator,
        clock,
        logger: logger.child({ module: 'consensus' }),
        timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts, commitMs: options.blockTimeMs },
        synchrony: genesis.synchrony,
        events: {
          onEvidence: (e) => node?.recordEvidence(e),
          onDivergence: (height) => monitor.diverged(height),
        },
      },
      chain.height + 1,
      lastCommit,
    )
    node = new CoherenceNode(
      layout,
      options,
      chain,
      mempool,
      engine,
      addressOf(consensusSigner.publicKey()),
      addressOf(options.accountPublicKey),
      protocol,
      monitor,
      history,
    )
    await node.loadRecords()
    const started = node
    protocol?.attach({
      height: () => chain.height,
      decided: (h) => chain.decided(h),
      catchUp: (block, commit) => engine.catchUp(block, commit),
      receiveConsensus: (message, forged, fromPeer) => engine.receive(message, forged, fromPeer),
      gossipSnapshot: () => engine.gossipSnapshot(),
      addTx: (bytes) => started.acceptPeerTx(bytes),
    })
    // A new cluster starts at its genesis time, so that validators started together are all
    // connected before the first block is proposed.
    const wait = chain.height === 0 ? genesis.genesisTime - clock.now() : 0
    if (wait > 0) {
      logger.info('waiting for the genesis time', { ms: wait })
      node.startTimer = clock.setTimeout(() => engine.start(), wait)
    } else {
      engine.start()
    }
    logger.info('node started', { clusterId: genesis.clusterId, height: chain.height })
    return node
  }

  /** The node's records kept across restarts: recent commits and the evidence seen. */
  private async loadRecords(): Promise<void> {
    this.evidence.push(...(await this.kpiHistory.evidence(MAX_EVIDENCE)))
    await this.loadRecentCommits()
  }

  private async loadRecentCommits(): Promise<void> {
    for (let h = Math.max(1, this.chain.height - RECENT_COMMITS); h <= this.chain.height; h++) {
      this.recentCommits.record((await this.chain.block(h))?.lastCommit ?? null)
    }
    if (this.chain.height > 0)
      this.recentCommits.record(await this.chain.commitOf(this.chain.height))
  }

  private recordEvidence(e: Equivocation): void {
    const hashOf = (h: Uint8Array | null): string | null => (h === null ? null : toHex(h))
    this.evidence.unshift({
      height: e.first.body.height,
      round: e.first.body.round,
      type: e.first.body.type === VOTE_TYPE.prevote ? 'prevote' : 'precommit',
      validator: encodeAddress(e.first.validator),
      first: hashOf(e.first.body.blockHash),
      second: hashOf(e.second.body.blockHash),
    })
    this.evidence.length = Math.min(this.evidence.length, MAX_EVIDENCE)
    const evidence = this.evidence[0]!
    this.options.logger.warn('equivocation seen', { ...evidence })
    this.kpiHistory.addEvidence(evidence).catch((err: unknown) => {
      this.options.logger.error('could not keep evidence', { err: String(err) })
    })
  }

  /** Stops consensus; committed blocks are already durable. The caller closes the store. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.startTimer !== null) (this.options.clock ?? systemClock).clearTimeout(this.startTimer)
    this.protocol?.stop()
    await this.engine.stop()
    await this.monitor.idle()
    await this.kpiHistory.close()
    this.options.logger.info('node stopped', { height: this.chain.height })
  }

  onBlock(listener: Listener<CommittedBlock>): () => void {
    this.blockListeners.push(listener)
    return () => {
      const i = this.blockListeners.indexOf(listener)
      if (i >= 0) this.blockListeners.splice(i, 1)
    }
  }

  status(): NodeStatus {
    const { header, hash } = this.chain.latest
    return {
      clusterId: this.chain.clusterId,
      height: this.chain.height,
      latestBlockHash: toHex(hash),
      latestBlockTime: header?.time ?? this.chain.genesis.genesisTime,
      validatorAddress: encodeAddress(this.validatorAddress),
      accountAddress: encodeAddress(this.accountAddress),
      balances: balancesDto(this.chain.state.account(this.accountAddress).balances),
      blockTimeMs: this.options.blockTimeMs,
      mempoolSize: this.mempool.size,
    }
  }

  /** How long the last block took after the one before, and from its time to its commit here. */
  blockTiming(): { intervalSeconds: number | null; commitLatencySeconds: number | null } {
    return this.timing
  }

  consensusInfo(): ConsensusInfo {
    const s = this.engine.status()
    return {
      height: s.height,
      round: s.round,
      step: s.step,
      proposer: encodeAddress(s.proposer),
      self: encodeAddress(this.validatorAddress),
      isValidator: s.validators.indexOf(this.validatorAddress) >= 0,
      validators: s.validators.validators.map((v) => ({
        address: encodeAddress(v.address),
        power: v.power.toString(),
      })),
      recentCommits: this.recentCommits.list(),
      evidence: [...this.evidence],
    }
  }

  networkInfo(): NetworkInfo {
    const peers = this.options.peers
    const height = this.chain.height
    return {
      id: peers?.selfId ?? toHex(this.options.consensusSigner.publicKey()),
      listenUrl: peers?.listenUrl ?? null,
      peers: peers?.peers() ?? [],
      knownAddresses: peers?.knownAddresses() ?? 0,
      sync: this.protocol?.syncProgress() ?? { syncing: false, height, target: height },
    }
  }

  account(address: string): AccountDto {
    const account = this.chain.state.account(decodeAddress(address))
    return { address, nonce: account.nonce, balances: balancesDto(account.balances) }
  }

  async blockSummary(height: number): Promise<BlockSummary> {
    const block = await this.chain.block(height)
    if (!block) throw new NodeError('ERR_NOT_FOUND', `no block at height ${height}`)
    return summarize(block)
  }

  poolInfo(): PoolInfo {
    return poolInfo(this.chain.state.pool, this.chain.height)
  }

  stakingInfo(): StakingInfo {
    return stakingInfo(this.chain, this.options.consensusSigner.publicKey())
  }

  poolPosition(address: Uint8Array): PoolPosition {
    return poolPosition(this.chain.state.pool, this.chain.state.account(address).shares)
  }

  quote(request: ChannelRequest<'pool.quote'>): Quote {
    return quoteSwap(
      this.chain.state.pool,
      { ...request, amount: BigInt(request.amount) },
      this.chain.height,
    )
  }

  /** The nonce the next transaction of `address` should carry, counting pending ones. */
  nextNonce(address: Uint8Array): number {
    return this.mempool.nextNonce(address, this.chain.state.account(address).nonce)
  }

  /** An account's transactions, newest first: pending ones, then those in blocks. */
  async history(address: Uint8Array, limit: number): Promise<HistoryItem[]> {
    const pending: HistoryItem[] = this.mempool
      .pending()
      .filter((tx) => bytesEqual(addressOf(tx.body.sender), address))
      .reverse()
      .map((tx) => ({
        ...describeTx(this.chain.clusterId, tx),
        status: 'pending',
        height: null,
        time: null,
        error: null,
      }))
    const items = [...pending]
    for (const hash of await this.chain.historyOf(address, limit)) {
      const found = await this.chain.transaction(hash)
      if (!found) continue
      items.push({
        ...describeTx(this.chain.clusterId, found.tx),
        status: found.receipt.failure ? 'failed' : 'committed',
        height: found.receipt.height,
        time: found.time,
        error: found.receipt.failure,
      })
    }
    return items.slice(0, limit)
  }

  /** Validates a signed transaction (hex) and queues it for the next block. */
  submitTx(hex: string): { hash: string } {
    if (this.stopped) throw new NodeError('ERR_NODE_STOPPED', 'the node is stopping')
    const bytes = fromHex(hex)
    const ctx = this.chain.txContext(this.validatorAddress)
    const hash = this.mempool.add(bytes, this.chain.state, ctx)
    this.protocol?.relay(bytes)
    return { hash }
  }

  /** A transaction relayed by a peer: into the mempool if it is valid now. */
  private acceptPeerTx(bytes: Uint8Array): TxIntake {
    if (this.stopped) return 'rejected'
    try {
      this.mempool.add(bytes, this.chain.state, this.chain.txContext(this.validatorAddress))
      return 'added'
    } catch (err) {
      const code = (err as { code?: string }).code
      // Only what no honest relayer passes on counts against the peer; a nonce or balance can
      // differ between nodes for a moment.
      return code === 'ERR_MALFORMED_TX' || code === 'ERR_BAD_SIGNATURE' ? 'invalid' : 'rejected'
    }
  }
}

function describeTx(clusterId: string, tx: SignedTx) {
  const review = reviewTx(clusterId, tx.body)
  return {
    hash: toHex(txHash(tx)),
    from: review.from,
    nonce: review.nonce,
    fee: review.fee,
    action: review.action,
  }
}

/** A block as the UI sees it. */
export function summarize(block: Block): BlockSummary {
  return {
    height: block.header.height,
    hash: toHex(blockHash(block.header)),
    time: block.header.time,
    proposer: encodeAddress(block.header.proposer),
    txCount: block.txs.length,
    stateHash: toHex(block.header.stateHash),
    supply: {
      CHR: block.header.supply[0]!.toString(),
      PSY: block.header.supply[1]!.toString(),
      FLX: block.header.supply[2]!.toString(),
    },
  }
}

/**
 * The genesis of the data directory, written on first start (`given`, else a new devnet). A data
 * directory belongs to one cluster for good: a different `given` genesis is refused.
 */
async function loadOrCreateGenesis(
  layout: DataDirLayout,
  given: Genesis | undefined,
  createDevnet: () => Genesis,
): Promise<Genesis> {
  let text: string
  try {
    text = await readFile(layout.genesis, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    const genesis = given ?? createDevnet()
    await writeFileAtomic(
      layout.genesis,
      new TextEncoder().encode(JSON.stringify(genesisToFile(genesis), null, 2) + '\n'),
    )
    return genesis
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new LedgerError('ERR_BAD_GENESIS', `${layout.genesis} is not valid JSON`)
  }
  const stored = parseGenesis(json)
  if (given && !bytesEqual(genesisHash(given), genesisHash(stored))) {
    throw new NodeError(
      'ERR_WRONG_NETWORK',
      `${layout.root} belongs to cluster ${stored.clusterId}; use another data directory`,
    )
  }
  return stored
}

import { readFile } from 'node:fs/promises'
import { encodeAddress } from '../../shared/address'
import { CodedError } from '../../shared/errors'
import { toHex } from '../../shared/encoding'
import type {
  ActionReviewDto,
  BridgeInfo,
  EventName,
  EventPayload,
  HistoryItem,
  NetworkSummary,
  PoolPosition,
  TxReviewDto,
  WalletAccount,
  WalletStatus,
} from '../../shared/ipc/contract'
import { ensurePrivateDir, writeFileAtomic } from '../files/atomicFile'
import { generateMnemonic } from '../keys/mnemonic'
import { Wallet, type AccountInfo, type WalletOptions } from '../keys/wallet'
import { dataDirLayout, type DataDirLayout } from '../node/dataDir'
import { addressOf } from '../node/crypto'
import type { Logger } from '../node/logger'
import { CoherenceNode, summarize } from '../node/node'
import { txHash, txSignBytes } from '../node/ledger/tx'
import {
  actionFromReview,
  reviewAction,
  type ActionReview,
  parseSignedTx,
  parseUnsignedTx,
  reviewTx,
  serializeSignedTx,
} from '../node/ledger/txFile'
import { encodeTx } from '../node/ledger/tx'
import { ChainStore } from '../node/storage/store'
import { systemClock, type Clock } from '../node/clock'
import { genesisHash } from '../node/chain/genesis'
import {
  buildJoinRequest,
  parseNetworkFile,
  PeerUrlSchema,
  type Network,
} from '../node/p2p/networkFile'
import { PeerManager } from '../node/p2p/peerManager'
import { BridgeService } from '../node/bridge/bridgeService'
import type { NoiseIdentity } from '../node/transport/noise/identity'
import { bridgeInfo } from '../node/bridge/bridgeInfo'
import { connectTerms } from '../node/bridge/connectTerms'
import { loadBridgeConfig, setBridgeRemote } from './bridgeSetup'
import { importNetwork, listenConfig, loadNetwork, type ListenConfig } from './networkSetup'

export type HostErrorCode =
  | 'ERR_NODE_NOT_RUNNING'
  | 'ERR_NO_WALLET'
  | 'ERR_WALLET_EXISTS'
  | 'ERR_MNEMONIC_MISMATCH'
  | 'ERR_NO_PENDING_MNEMONIC'
  | 'ERR_SPEND_REJECTED'
  | 'ERR_WRONG_CLUSTER'
  | 'ERR_UNKNOWN_ACCOUNT'
  | 'ERR_BAD_JSON'
  | 'ERR_BRIDGE_SELF'
  | 'ERR_BAD_URL'
export class HostError extends CodedError<HostErrorCode> {}

/**
 * Asks the person to confirm a spend in a way the renderer cannot fake. Headless mode relies on
 * the password that came with the request; the desktop app also shows a native dialog.
 */
export interface SpendConfirmer {
  confirm(review: TxReviewDto): Promise<boolean>
}

export const PASSWORD_IS_CONFIRMATION: SpendConfirmer = { confirm: () => Promise.resolve(true) }

export interface NodeHostOptions {
  readonly dataDir: string
  readonly blockTimeMs: number
  readonly logger: Logger
  readonly spendConfirmer: SpendConfirmer
  readonly clock?: Clock
  /** KDF cost and idle clock of the wallet; the idle time itself comes from the settings file. */
  readonly wallet?: Pick<WalletOptions, 'kdf' | 'clock'>
  /** A network file's content to join (kept in the data directory for later starts). */
  readonly network?: unknown
  /** Changes to where the node listens for peers (kept for later starts). */
  readonly listen?: Partial<ListenConfig>
}

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

interface HostSettings {
  autoLockMinutes: number
}
const DEFAULT_SETTINGS: HostSettings = { autoLockMinutes: 5 }

function idleMs(minutes: number): number {
  return minutes === 0 ? Infinity : minutes * 60_000
}

/**
 * Everything a running app holds: the data directory's lock, the wallet and, once the wallet has
 * given it the consensus key, the node. The desktop app and headless mode both run one of these;
 * neither the renderer nor the RPC ever reaches a key, only the answers below.
 */
export class NodeHost {
  private node: CoherenceNode | null = null
  private peers: PeerManager | null = null
  private bridge: BridgeService | null = null
  private pendingMnemonic: string | null = null
  private readonly listeners = new Set<Emit>()
  private unsubscribeNode: (() => void) | null = null

  private constructor(
    private readonly options: NodeHostOptions,
    readonly layout: DataDirLayout,
    private readonly store: ChainStore,
    private wallet: Wallet | null,
    private settings: HostSettings,
  ) {}

  /** Takes the data directory's lock (before anything is written) and opens the wallet. */
  static async open(options: NodeHostOptions): Promise<NodeHost> {
    const layout = dataDirLayout(options.dataDir)
    await ensurePrivateDir(layout.root)
    const store = await ChainStore.open(layout.db)
    try {
      if (options.network !== undefined) await importNetwork(layout, options.network)
      const settings = await readSettings(layout.settings)
      const host = new NodeHost(options, layout, store, null, settings)
      if (await Wallet.exists(layout.wallet)) {
        host.wallet = await Wallet.open(layout.wallet, host.walletOptions())
      }
      return host
    } catch (err) {
      await store.close()
      throw err
    }
  }

  private walletOptions(): WalletOptions {
    return {
      ...this.options.wallet,
      idleLockMs: idleMs(this.settings.autoLockMinutes),
      onLock: () => this.emitStatus(),
    }
  }

  /** Receives every push event (node blocks and status, wallet status). */
  subscribe(emit: Emit): () => void {
    this.listeners.add(emit)
    return () => this.listeners.delete(emit)
  }

  private emit: Emit = (event, payload) => {
    for (const l of this.listeners) l(event, payload)
  }

  private emitStatus(): void {
    this.emit('WalletStatus', this.status())
  }

  status(): WalletStatus {
    return {
      wallet: this.wallet === null ? 'none' : this.wallet.isLocked ? 'locked' : 'unlocked',
      node: this.node ? 'running' : 'waiting-for-wallet',
      autoLockMinutes: this.settings.autoLockMinutes,
    }
  }

  /** The running node; null while it waits for the wallet. */
  runningNode(): CoherenceNode | null {
    return this.node
  }

  /** The running node, or ERR_NODE_NOT_RUNNING while it waits for the wallet. */
  requireNode(): CoherenceNode {
    if (!this.node) {
      throw new HostError('ERR_NODE_NOT_RUNNING', 'the node starts once the wallet is unlocked')
    }
    return this.node
  }

  private requireWallet(): Wallet {
    if (!this.wallet) throw new HostError('ERR_NO_WALLET', 'no wallet yet: create or import one')
    return this.wallet
  }

  private refuseIfWalletExists(): void {
    if (this.wallet) throw new HostError('ERR_WALLET_EXISTS', 'a wallet already exists')
  }

  /** A new 24-word mnemonic, remembered here until `createWallet` confirms it. */
  generateMnemonic(): string[] {
    this.refuseIfWalletExists()
    this.pendingMnemonic = generateMnemonic()
    return this.pendingMnemonic.split(' ')
  }

  /** Creates the wallet from the pending mnemonic once the asked words match, then starts the node. */
  async createWallet(
    password: string,
    confirmations: readonly { index: number; word: string }[],
  ): Promise<WalletStatus> {
    this.refuseIfWalletExists()
    if (this.pendingMnemonic === null) {
      throw new HostError('ERR_NO_PENDING_MNEMONIC', 'generate a recovery phrase first')
    }
    const words = this.pendingMnemonic.split(' ')
    const indices = new Set(confirmations.map((c) => c.index))
    const allMatch = confirmations.every((c) => words[c.index] === c.word.trim().toLowerCase())
    if (indices.size !== confirmations.length || !allMatch) {
      throw new HostError('ERR_MNEMONIC_MISMATCH', 'the words typed do not match the phrase shown')
    }
    return this.initWallet({ password, mnemonic: this.pendingMnemonic })
  }

  async importMnemonic(
    mnemonic: string,
    passphrase: string,
    password: string,
  ): Promise<WalletStatus> {
    this.refuseIfWalletExists()
    return this.initWallet({ password, mnemonic, passphrase })
  }

  /**
   * A new wallet (its own recovery phrase, which can be revealed later, holds the node's keys)
   * with the keystore's key imported as an account.
   */
  async importKeystore(
    keystore: string,
    keystorePassword: string,
    password: string,
  ): Promise<WalletStatus> {
    this.refuseIfWalletExists()
    const wallet = await Wallet.create(this.layout.wallet, { password }, this.walletOptions())
    this.wallet = wallet
    await wallet.importKeystore(keystore, keystorePassword, 'Imported')
    await this.startNode()
    return this.status()
  }

  private async initWallet(params: {
    password: string
    mnemonic: string
    passphrase?: string
  }): Promise<WalletStatus> {
    this.wallet = await Wallet.create(this.layout.wallet, params, this.walletOptions())
    this.pendingMnemonic = null
    await this.startNode()
    return this.status()
  }

  /** Unlocks the wallet; the first unlock also starts the node with the consensus key. */
  async unlock(password: string): Promise<WalletStatus> {
    const wallet = this.requireWallet()
    await wallet.unlock(password)
    if (!this.node) await this.startNode()
    this.emitStatus()
    return this.status()
  }

  lock(): WalletStatus {
    this.requireWallet().lock()
    return this.status()
  }

  async setAutoLock(minutes: number): Promise<WalletStatus> {
    this.settings = { ...this.settings, autoLockMinutes: minutes }
    await writeFileAtomic(
      this.layout.settings,
      new TextEncoder().encode(JSON.stringify(this.settings)),
    )
    this.wallet?.setIdleLockMs(idleMs(minutes))
    this.emitStatus()
    return this.status()
  }

  accounts(): WalletAccount[] {
    return this.requireWallet().listAccounts().map(toWalletAccount)
  }

  async addAccount(label: string): Promise<WalletAccount> {
    return toWalletAccount(await this.requireWallet().addAccount(label || undefined))
  }

  /** Exports one account as a keystore; the wallet password is asked again as confirmation. */
  async exportKeystore(
    index: number,
    password: string,
    exportPassword: string,
  ): Promise<{ fileName: string; keystore: string }> {
    const wallet = this.requireWallet()
    await wallet.verifyPassword(password)
    const keystore = await wallet.exportKeystore(index, exportPassword)
    const address = encodeAddress(addressOf(wallet.publicKey('account', index)))
    return { fileName: `keystore-${address}.json`, keystore }
  }

  async revealMnemonic(password: string): Promise<string[]> {
    return (await this.requireWallet().revealMnemonic(password)).split(' ')
  }

  reviewTx(file: string): TxReviewDto {
    const unsigned = parseUnsignedTx(file)
    return {
      ...reviewTx(unsigned.clusterId, unsigned.body),
      signerAccount: this.accountOf(unsigned.body.sender),
    }
  }

  /** Signs an unsigned transaction file after the person confirmed the spend. */
  async signOffline(file: string, password: string): Promise<{ file: string; hash: string }> {
    const wallet = this.requireWallet()
    const review = this.reviewTx(file)
    if (review.signerAccount === null) {
      throw new HostError('ERR_UNKNOWN_ACCOUNT', 'this wallet does not hold the sender’s key')
    }
    await wallet.verifyPassword(password)
    if (!(await this.options.spendConfirmer.confirm(review))) {
      throw new HostError('ERR_SPEND_REJECTED', 'the transaction was not confirmed')
    }
    const { clusterId, body } = parseUnsignedTx(file)
    const signature = wallet.sign('account', review.signerAccount, txSignBytes(clusterId, body))
    const tx = { body, signature }
    return { file: serializeSignedTx({ clusterId, tx }), hash: toHex(txHash(tx)) }
  }

  /** An account's address, from the wallet's public key (works while locked). */
  private accountAddress(index: number): Uint8Array {
    return addressOf(this.requireWallet().publicKey('account', index))
  }

  async history(index: number, limit: number): Promise<HistoryItem[]> {
    return this.requireNode().history(this.accountAddress(index), limit)
  }

  position(index: number): PoolPosition {
    return this.requireNode().poolPosition(this.accountAddress(index))
  }

  /**
   * Signs a spend from a wallet account and submits it: the password, then the spend confirmer
   * (a native dialog in the desktop app), then the signature, made here and never seen outside.
   */
  async submit(
    index: number,
    action: ActionReviewDto,
    fee: bigint,
    password: string,
  ): Promise<{ hash: string }> {
    const node = this.requireNode()
    const wallet = this.requireWallet()
    const sender = wallet.publicKey('account', index)
    const clusterId = node.chain.clusterId
    const body = {
      sender,
      nonce: node.nextNonce(addressOf(sender)),
      fee,
      action: actionFromReview(action),
    }
    const review = { ...reviewTx(clusterId, body), signerAccount: index }
    await wallet.verifyPassword(password)
    if (!(await this.options.spendConfirmer.confirm(review))) {
      throw new HostError('ERR_SPEND_REJECTED', 'the transaction was not confirmed')
    }
    const signature = wallet.sign('account', index, txSignBytes(clusterId, body))
    return node.submitTx(toHex(encodeTx({ body, signature })))
  }

  broadcastFile(file: string): { hash: string } {
    const node = this.requireNode()
    const signed = parseSignedTx(file)
    if (signed.clusterId !== node.chain.clusterId) {
      throw new HostError('ERR_WRONG_CLUSTER', `the transaction is for cluster ${signed.clusterId}`)
    }
    return node.submitTx(toHex(encodeTx(signed.tx)))
  }

  private accountOf(publicKey: Uint8Array): number | null {
    const hex = toHex(publicKey)
    return this.wallet?.listAccounts().find((a) => a.publicKey === hex)?.index ?? null
  }

  private async startNode(): Promise<void> {
    const wallet = this.requireWallet()
    const network = await loadNetwork(this.layout)
    const peers = network ? await this.startPeers(network, wallet) : null
    try {
      this.node = await CoherenceNode.start({
        dataDir: this.layout.root,
        store: this.store,
        consensusSigner: wallet.detachedSigner('consensus'),
        accountPublicKey: wallet.publicKey('account', 0),
        blockTimeMs: this.options.blockTimeMs,
        logger: this.options.logger,
        ...(this.options.clock ? { clock: this.options.clock } : {}),
        ...(network ? { genesis: network.genesis } : {}),
        ...(peers ? { peers } : {}),
      })
    } catch (err) {
      await peers?.close()
      throw err
    }
    this.peers = peers
    const node = this.node
    if (network) await this.startBridge(node, wallet)
    this.unsubscribeNode = node.onBlock((committed) => {
      this.emit('BlockCommitted', summarize(committed.block))
      this.emit('NodeStatus', node.status())
    })
    node.monitor.onAlerts((alerts) => this.emit('Alerts', alerts))
    this.emitStatus()
  }

  /** This wallet's join request as file text. */
  joinRequest(name: string, peerUrl: string | null): { file: string } {
    const wallet = this.requireWallet()
    const request = buildJoinRequest({
      name,
      consensusPublicKey: wallet.publicKey('consensus', 0),
      identityPublicKey: wallet.publicKey('identity', 0),
      accountPublicKey: wallet.publicKey('account', 0),
      peerUrl,
    })
    return { file: JSON.stringify(request, null, 2) + '\n' }
  }

  /** Joins the network in a network file (text); see `importNetwork`. */
  async importNetwork(file: string): Promise<NetworkSummary> {
    return summarizeNetwork(
      await importNetwork(this.layout, parseJsonText(file, 'the network file')),
    )
  }

  /** The bridge: connected clusters, governor, queues, transfers. */
  async bridgeInfo(): Promise<BridgeInfo> {
    const node = this.requireNode()
    const identity = this.requireWallet().publicKey('identity', 0)
    return bridgeInfo(
      node.chain,
      this.bridge?.relayStatus() ?? new Map(),
      this.bridge?.url ?? null,
      addressOf(identity),
    )
  }

  /**
   * The approval of a connection to the cluster of network file `file` (signed later with
   * `submit`); with bridge endpoints `urls`, this node relays that cluster from now on.
   */
  async prepareConnect(
    file: string,
    urls: readonly string[],
    flowCap: bigint,
    flowWindow: number,
  ): Promise<{ cluster: string; action: ActionReview }> {
    const node = this.requireNode()
    const remote = parseNetworkFile(parseJsonText(file, 'the network file'))
    const terms = connectTerms(remote.genesis, flowCap, flowWindow)
    if (terms.clusterId === node.chain.clusterId) {
      throw new HostError('ERR_BRIDGE_SELF', 'that network file is this cluster')
    }
    for (const url of urls) {
      if (!PeerUrlSchema.safeParse(url).success) {
        throw new HostError('ERR_BAD_URL', `not a ws:// or wss:// address: ${url}`)
      }
    }
    if (urls.length > 0) {
      await setBridgeRemote(this.layout, terms.clusterId, urls)
      await this.startBridge(node, this.requireWallet())
    }
    return { cluster: terms.clusterId, action: reviewAction({ kind: 'bridgeConnect', ...terms }) }
  }

  /** The network of this data directory (also before the node first starts), or null. */
  async currentNetwork(): Promise<{ network: NetworkSummary | null }> {
    const network = await loadNetwork(this.layout)
    return { network: network ? summarizeNetwork(network) : null }
  }

  /** Peers of the network: the handshake proves the wallet's identity key. */
  private async startPeers(network: Network, wallet: Wallet): Promise<PeerManager> {
    const listen = await listenConfig(this.layout, this.options.listen)
    return PeerManager.start({
      identity: identityOf(wallet),
      prologue: genesisHash(network.genesis),
      listen: { host: listen.host, port: listen.port },
      ...(listen.externalUrl ? { externalUrl: listen.externalUrl } : {}),
      seeds: network.seeds,
      clock: this.options.clock ?? systemClock,
      logger: this.options.logger.child({ module: 'peers' }),
    })
  }

  /**
   * (Re)starts the bridge endpoint and relayers as bridge.json says; none when it names neither.
   * The identity key signs the relayer's transactions (and pays their fees).
   */
  private async startBridge(node: CoherenceNode, wallet: Wallet): Promise<void> {
    await this.bridge?.close()
    this.bridge = null
    const config = await loadBridgeConfig(this.layout)
    if (config.listen === null && config.remotes.length === 0) return
    this.bridge = await BridgeService.start({
      node,
      identity: identityOf(wallet),
      config,
      clock: this.options.clock ?? systemClock,
      logger: this.options.logger,
    })
  }

  /** Stops the node, locks the wallet and releases the data directory. */
  async stop(): Promise<void> {
    this.unsubscribeNode?.()
    await this.bridge?.close()
    this.bridge = null
    await this.node?.stop()
    this.node = null
    await this.peers?.close()
    this.peers = null
    this.wallet?.lock()
    await this.store.close()
  }
}

/** The wallet's node identity key as Noise sessions use it (it signs while the wallet is locked). */
function identityOf(wallet: Wallet): NoiseIdentity {
  const identity = wallet.detachedSigner('identity')
  return { publicKey: identity.publicKey(), sign: (m) => identity.sign(m) }
}

function toWalletAccount(a: AccountInfo): WalletAccount {
  return {
    index: a.index,
    label: a.label,
    kind: a.kind,
    path: a.path,
    publicKey: a.publicKey,
    address: encodeAddress(addressOf(Buffer.from(a.publicKey, 'hex'))),
  }
}

async function readSettings(path: string): Promise<HostSettings> {
  try {
    const json = JSON.parse(await readFile(path, 'utf8')) as Partial<HostSettings>
    const minutes = json.autoLockMinutes
    return typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= 0
      ? { autoLockMinutes: minutes }
      : DEFAULT_SETTINGS
  } catch {
    return DEFAULT_SETTINGS
  }
}

function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new HostError('ERR_BAD_JSON', `${what} is not valid JSON`)
  }
}

function summarizeNetwork(network: Network): NetworkSummary {
  return {
    clusterId: network.genesis.clusterId,
    validators: network.genesis.validators.length,
    bootstrapPeers: network.seeds.length,
  }
}

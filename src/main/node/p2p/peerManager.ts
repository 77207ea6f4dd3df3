import { randomBytes } from 'node:crypto'
import { bytesEqual, fromHex, toHex } from '../../../shared/encoding'
import type { PeerInfo } from '../../../shared/ipc/contract'
import type { Clock } from '../clock'
import type { Logger } from '../logger'
import type { NoiseIdentity } from '../transport/noise'
import { dialPeer } from '../transport/dialPeer'
import type { PeerConnection, PeerConnectionOptions, RateLimit } from '../transport/peerConnection'
import type { PeerError } from '../transport/peerError'
import { startPeerServer, type PeerServer } from '../transport/peerServer'
import {
  decodePeerMessage,
  encodePeerMessage,
  MAX_PEER_ADDRESSES,
  type PeerAddress,
  type PeerMessage,
} from './messages'
import { PeerBook } from './peerBook'
import { PENALTIES, type Offence, type PeerLink } from './peerLink'

/** Largest message between nodes: a proposal carries a whole block. */
export const NODE_MAX_MESSAGE_BYTES = 16 * 1024 * 1024
/** Per-peer budget: a full block sync batch or a busy validator's gossip fits comfortably. */
export const NODE_RATE_LIMIT: RateLimit = {
  messagesPerSecond: 4_000,
  bytesPerSecond: 48 * 1024 * 1024,
}

const DIAL_INTERVAL_MS = 1_000
const PING_INTERVAL_MS = 5_000
const PEER_EXCHANGE_INTERVAL_MS = 30_000

export interface PeerManagerOptions {
  readonly identity: NoiseIdentity
  /** Bytes both ends must share (the cluster's genesis hash): another cluster fails the handshake. */
  readonly prologue: Uint8Array
  /** Where to listen; null for a node that only dials out. */
  readonly listen: { host: string; port: number } | null
  /** The address other nodes should dial (e.g. a public name); the listening address if absent. */
  readonly externalUrl?: string
  /** Addresses to start from (the network file's seeds). */
  readonly seeds: readonly { id: string; url: string }[]
  readonly maxPeers?: number
  readonly maxOutbound?: number
  readonly clock: Clock
  readonly logger: Logger
  readonly random?: () => number
}

interface Connected {
  readonly connection: PeerConnection
  readonly direction: 'inbound' | 'outbound'
  readonly since: number
  height: number
  latencyMs: number | null
  pingSent: { nonce: bigint; at: number } | null
}

/**
 * The node's peers over real sockets: a Noise/WebSocket server for inbound peers, dials to known
 * addresses with backoff, peer exchange, pings for latency, and scores that disconnect and ban a
 * peer that sends malformed or invalid data. One connection per peer identity.
 */
export class PeerManager implements PeerLink {
  readonly selfId: string
  private readonly book: PeerBook
  private readonly connections = new Map<string, Connected>()
  private readonly dialing = new Set<string>()
  private messageHandler: (peerId: string, message: PeerMessage) => void = () => {}
  private readonly connectHandlers: ((peerId: string) => void)[] = []
  private readonly disconnectHandlers: ((peerId: string) => void)[] = []
  /** The pending timer of each periodic task (one per task, replaced at every tick). */
  private readonly timers = new Map<() => void, unknown>()
  private closed = false

  private constructor(
    private readonly options: PeerManagerOptions,
    private readonly server: PeerServer | null,
  ) {
    this.selfId = toHex(options.identity.publicKey)
    this.book = new PeerBook(this.selfId, options.random)
    for (const seed of options.seeds) this.book.add(seed.id, seed.url, true)
  }

  static async start(options: PeerManagerOptions): Promise<PeerManager> {
    const server = options.listen
      ? await startPeerServer({ ...connectionOptions(options), ...options.listen })
      : null
    const manager = new PeerManager(options, server)
    server?.onConnection((connection) => manager.accept(connection, 'inbound'))
    server?.onRefused((reason) =>
      manager.options.logger.debug('inbound peer refused', { code: reason.code }),
    )
    manager.every(DIAL_INTERVAL_MS, () => manager.dialSome())
    manager.every(PING_INTERVAL_MS, () => manager.pingAll())
    manager.every(PEER_EXCHANGE_INTERVAL_MS, () => manager.askForPeers())
    manager.dialSome()
    return manager
  }

  get listenUrl(): string | null {
    return this.server ? (this.options.externalUrl ?? this.server.url) : null
  }

  send(peerId: string, message: PeerMessage): void {
    const peer = this.connections.get(peerId)
    if (peer) this.sendTo(peerId, peer, encodePeerMessage(message))
  }

  broadcast(message: PeerMessage, exceptPeer?: string): void {
    if (this.connections.size === 0) return
    const bytes = encodePeerMessage(message)
    for (const [id, peer] of this.connections) if (id !== exceptPeer) this.sendTo(id, peer, bytes)
  }

  onMessage(handler: (peerId: string, message: PeerMessage) => void): void {
    this.messageHandler = handler
  }

  onPeerConnected(handler: (peerId: string) => void): void {
    this.connectHandlers.push(handler)
  }

  onPeerDisconnected(handler: (peerId: string) => void): void {
    this.disconnectHandlers.push(handler)
  }

  penalize(peerId: string, offence: Offence): void {
    const now = this.options.clock.now()
    const banned = this.book.penalize(peerId, PENALTIES[offence], now)
    this.options.logger.info('peer penalized', { peer: peerId.slice(0, 12), offence, banned })
    if (banned) this.connections.get(peerId)?.connection.close()
  }

  peers(): PeerInfo[] {
    return [...this.connections].map(([id, p]) => ({
      id,
      url: this.book.urlOf(id),
      direction: p.direction,
      latencyMs: p.latencyMs,
      score: this.book.score(id),
      height: p.height,
      connectedSince: p.since,
    }))
  }

  knownAddresses(): number {
    return this.book.size
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.timers.values()) this.options.clock.clearTimeout(t)
    for (const { connection } of this.connections.values()) connection.close()
    this.connections.clear()
    await this.server?.close()
  }

  // ---- connections -----------------------------------------------------------------------------

  private sendTo(id: string, peer: Connected, bytes: Uint8Array): void {
    try {
      peer.connection.send(bytes)
    } catch (err) {
      this.options.logger.debug('send to peer failed', { peer: id.slice(0, 12), err: String(err) })
    }
  }

  private accept(connection: PeerConnection, direction: 'inbound' | 'outbound'): void {
    const id = toHex(connection.remoteIdentity)
    const now = this.options.clock.now()
    const existing = this.connections.get(id)
    const refuse =
      this.closed ||
      id === this.selfId ||
      this.book.isBanned(id, now) ||
      (direction === 'inbound' && this.connections.size >= (this.options.maxPeers ?? 32)) ||
      (existing !== undefined && !this.preferNew(id, existing.direction, direction))
    if (refuse) {
      connection.close()
      return
    }
    existing?.connection.close()
    const peer: Connected = {
      connection,
      direction,
      since: now,
      height: 0,
      latencyMs: null,
      pingSent: null,
    }
    this.connections.set(id, peer)
    this.book.add(id, null)
    this.book.connected(id)
    connection.onMessage((bytes) => this.receive(id, peer, bytes))
    connection.onClose((reason) => this.closedConnection(id, peer, reason))
    this.options.logger.info('peer connected', { peer: id.slice(0, 12), direction })
    this.send(id, { kind: 'getPeers' })
    this.ping(peer)
    for (const handler of this.connectHandlers) handler(id)
  }

  /**
   * A second connection to a connected peer: one in the same direction replaces the old one (the
   * peer reconnected). Two nodes that dialled each other at once both keep the connection
   * initiated by the lower id, so they keep the same one.
   */
  private preferNew(
    id: string,
    existing: 'inbound' | 'outbound',
    direction: 'inbound' | 'outbound',
  ): boolean {
    if (existing === direction) return true
    const initiatorOfNew = direction === 'outbound' ? this.selfId : id
    return initiatorOfNew === (this.selfId < id ? this.selfId : id)
  }

  private closedConnection(id: string, peer: Connected, reason: PeerError): void {
    if (this.connections.get(id) !== peer) return
    this.connections.delete(id)
    for (const handler of this.disconnectHandlers) handler(id)
    const byPeer = !['ERR_PEER_CLOSED', 'ERR_PEER_TIMEOUT', 'ERR_PEER_CONNECT'].includes(
      reason.code,
    )
    if (byPeer && !this.closed) this.penalize(id, 'transport')
    this.options.logger.info('peer disconnected', { peer: id.slice(0, 12), code: reason.code })
  }

  private receive(id: string, peer: Connected, bytes: Uint8Array): void {
    let message: PeerMessage
    try {
      message = decodePeerMessage(bytes)
    } catch {
      this.penalize(id, 'malformed')
      peer.connection.close()
      return
    }
    switch (message.kind) {
      case 'ping':
        this.send(id, { kind: 'pong', nonce: message.nonce })
        return
      case 'pong':
        if (peer.pingSent?.nonce === message.nonce) {
          peer.latencyMs = Math.max(0, this.options.clock.now() - peer.pingSent.at)
          peer.pingSent = null
        }
        return
      case 'getPeers':
        this.send(id, { kind: 'peers', peers: this.shareablePeers(id) })
        return
      case 'peers':
        for (const address of message.peers) this.learn(address)
        return
      case 'status':
        peer.height = message.height
        if (message.listenUrl !== '') this.book.add(id, message.listenUrl)
        break
    }
    this.messageHandler(id, message)
  }

  private shareablePeers(askingPeer: string): PeerAddress[] {
    const now = this.options.clock.now()
    const out = this.book
      .shareable(MAX_PEER_ADDRESSES, now)
      .filter((a) => a.id !== askingPeer)
      .map((a) => ({ id: fromHex(a.id), url: a.url }))
    if (this.listenUrl && out.length < MAX_PEER_ADDRESSES) {
      out.push({ id: fromHex(this.selfId), url: this.listenUrl })
    }
    return out
  }

  private learn(address: PeerAddress): void {
    if (!/^wss?:\/\/[^\s/]+$/.test(address.url)) return
    this.book.add(toHex(address.id), address.url)
  }

  // ---- periodic work ---------------------------------------------------------------------------

  private every(ms: number, fn: () => void): void {
    const tick = (): void => {
      if (this.closed) return
      fn()
      this.timers.set(fn, this.options.clock.setTimeout(tick, ms))
    }
    this.timers.set(fn, this.options.clock.setTimeout(tick, ms))
  }

  private dialSome(): void {
    const now = this.options.clock.now()
    let outbound = [...this.connections.values()].filter((p) => p.direction === 'outbound').length
    const busy = new Set([...this.connections.keys(), ...this.dialing])
    for (const { id, url } of this.book.dialable(now, busy)) {
      if (outbound + this.dialing.size >= (this.options.maxOutbound ?? 10)) return
      outbound++
      void this.dial(id, url)
    }
  }

  private async dial(id: string, url: string): Promise<void> {
    this.dialing.add(id)
    const expected = fromHex(id)
    try {
      const connection = await dialPeer(url, {
        ...connectionOptions(this.options),
        isAllowed: (key) => bytesEqual(key, expected),
      })
      this.accept(connection, 'outbound')
    } catch (err) {
      this.book.dialFailed(id, this.options.clock.now())
      this.options.logger.debug('dial failed', { peer: id.slice(0, 12), url, err: String(err) })
    } finally {
      this.dialing.delete(id)
    }
  }

  private pingAll(): void {
    for (const peer of this.connections.values()) this.ping(peer)
  }

  private ping(peer: Connected): void {
    const nonce = randomBytes(8).readBigUInt64BE()
    peer.pingSent = { nonce, at: this.options.clock.now() }
    try {
      peer.connection.send(encodePeerMessage({ kind: 'ping', nonce }))
    } catch {
      // closed meanwhile: its close handler removes it
    }
  }

  private askForPeers(): void {
    const ids = [...this.connections.keys()]
    if (ids.length === 0) return
    const random = this.options.random ?? Math.random
    this.send(ids[Math.floor(random() * ids.length)]!, { kind: 'getPeers' })
  }
}

function connectionOptions(options: PeerManagerOptions): PeerConnectionOptions {
  return {
    identity: options.identity,
    prologue: options.prologue,
    maxFrameBytes: NODE_MAX_MESSAGE_BYTES,
    rateLimit: NODE_RATE_LIMIT,
    logger: options.logger.child({ module: 'p2p' }),
  }
}

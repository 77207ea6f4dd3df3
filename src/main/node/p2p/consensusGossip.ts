import { toHex } from '../../../shared/encoding'
import type { Clock } from '../clock'
import type { ConsensusMessage } from '../consensus/messages'
import type { PeerLink } from './peerLink'

/**
 * Messages remembered per peer, at most. The current height and the one before need about
 * (2 × validators + 1) per round; past the cap the oldest are forgotten, which costs only a
 * resend to that peer.
 */
export const MAX_KNOWN_PER_PEER = 16_384

export interface ConsensusGossipOptions {
  readonly link: PeerLink
  readonly clock: Clock
  /** How often each peer is sent what of the snapshot it lacks. */
  readonly periodMs: number
  /** The proposals and votes of the current height this node holds. */
  readonly snapshot: () => ConsensusMessage[]
  /** This node's latest committed height. */
  readonly height: () => number
  readonly maxKnownPerPeer?: number
}

/** What identifies a proposal or vote for gossip; null for a decision (sent to one peer only). */
export function gossipKey(message: ConsensusMessage): string | null {
  if (message.kind === 'proposal') return `p/${message.body.height}/${message.body.round}`
  if (message.kind === 'vote') {
    const { body, validator } = message.vote
    const hash = body.blockHash === null ? 'nil' : toHex(body.blockHash)
    return `v/${body.height}/${body.round}/${body.type}/${toHex(validator)}/${hash}`
  }
  return null
}

function heightOf(message: ConsensusMessage): number {
  if (message.kind === 'proposal') return message.body.height
  if (message.kind === 'vote') return message.vote.body.height
  return message.commit.height
}

/**
 * Consensus gossip, after CometBFT's consensus reactor: it tracks which proposals and votes each
 * peer has (received from it or sent to it; a link is reliable while it lasts) and sends a peer
 * only what it lacks. Every validator's messages thus reach validators it is not connected to,
 * and a proposal crosses each link at most once each way per round, not at every gossip tick
 * (both ends may relay it at once: nothing tells a node that its peer already has it). A
 * periodic pass sends each peer the current height's messages it lacks: one that connected,
 * reconnected or caught up after a message was first relayed still gets it.
 *
 * A peer is sent nothing before it reports its height: that report comes from its protocol, so
 * the peer is listening by then (a node connects before it handles messages, and what arrives
 * earlier is lost, which would otherwise count as delivered).
 */
export class ConsensusGossip {
  /** Per peer: the keys it has, each with its height, oldest first. */
  private readonly known = new Map<string, Map<string, number>>()
  /** The latest committed height each peer reported; only these peers are sent messages. */
  private readonly peerHeights = new Map<string, number>()
  /** Heights below this are forgotten (the one before the current height is kept). */
  private floor = 0
  private timer: unknown = null
  private stopped = false

  constructor(private readonly o: ConsensusGossipOptions) {}

  start(): void {
    if (this.timer !== null || this.stopped) return
    const tick = (): void => {
      if (this.stopped) return
      this.tick()
      this.timer = this.o.clock.setTimeout(tick, this.o.periodMs)
    }
    this.timer = this.o.clock.setTimeout(tick, this.o.periodMs)
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer)
    this.timer = null
  }

  /** This node's own message: to every peer that lacks it. */
  broadcast(message: ConsensusMessage): void {
    this.spread(message, null)
  }

  /** Another validator's message, new to this node: to every peer that lacks it but the sender. */
  relay(message: ConsensusMessage, fromPeer: string | null): void {
    this.spread(message, fromPeer)
  }

  /** A message from `peer`: it has it, so it is never sent back. */
  received(peer: string, message: ConsensusMessage): void {
    const key = gossipKey(message)
    if (key !== null) this.remember(peer, key, heightOf(message))
  }

  /**
   * A peer's committed height. It drops messages more than one height above it, so those wait
   * until it reports a height that takes them; it is sent what it lacks right away. Returns
   * whether this was the peer's first report since it connected.
   */
  peerHeight(peer: string, height: number): boolean {
    const previous = this.peerHeights.get(peer)
    if (previous !== undefined && height <= previous) return false
    this.peerHeights.set(peer, height)
    if (this.connected().includes(peer)) this.sendLacking(peer, this.o.snapshot())
    return previous === undefined
  }

  /** A peer (re)connected or left: what it had before is no longer known. */
  forget(peer: string): void {
    this.known.delete(peer)
    this.peerHeights.delete(peer)
  }

  /** Sends each peer the snapshot messages it lacks, and forgets heights that have passed. */
  tick(): void {
    const snapshot = this.o.snapshot()
    if (snapshot.length > 0) this.advanceFloor(heightOf(snapshot[0]!) - 1)
    for (const peer of this.connected()) this.sendLacking(peer, snapshot)
  }

  /** How many messages are remembered for `peer` (for tests and metrics). */
  knownCount(peer: string): number {
    return this.known.get(peer)?.size ?? 0
  }

  private spread(message: ConsensusMessage, except: string | null): void {
    const key = gossipKey(message)
    if (key === null) {
      this.o.link.broadcast({ kind: 'consensus', message }, except ?? undefined)
      return
    }
    for (const peer of this.connected()) {
      if (peer !== except) this.sendIfLacking(peer, message, key)
    }
  }

  private sendLacking(peer: string, messages: readonly ConsensusMessage[]): void {
    for (const message of messages) {
      const key = gossipKey(message)
      if (key !== null) this.sendIfLacking(peer, message, key)
    }
  }

  private sendIfLacking(peer: string, message: ConsensusMessage, key: string): void {
    const height = heightOf(message)
    if (this.known.get(peer)?.has(key)) return
    const peerHeight = this.peerHeights.get(peer)
    if (peerHeight === undefined) return
    // Too far ahead for the peer: it would drop the message. Sent once it catches up.
    if (height > peerHeight + 1) return
    // The peer decided that height. A vote makes it answer with the decision, which is worth a
    // block only while this node lacks it; the peer has no use for either itself.
    if (height <= peerHeight && (message.kind === 'proposal' || height <= this.o.height())) return
    this.remember(peer, key, height)
    this.o.link.send(peer, { kind: 'consensus', message })
  }

  private remember(peer: string, key: string, height: number): void {
    if (height < this.floor) return
    let known = this.known.get(peer)
    if (!known) this.known.set(peer, (known = new Map<string, number>()))
    known.set(key, height)
    const cap = this.o.maxKnownPerPeer ?? MAX_KNOWN_PER_PEER
    for (const oldest of known.keys()) {
      if (known.size <= cap) break
      known.delete(oldest)
    }
  }

  private advanceFloor(floor: number): void {
    if (floor <= this.floor) return
    this.floor = floor
    for (const known of this.known.values()) {
      for (const [key, height] of known) if (height < floor) known.delete(key)
    }
  }

  private connected(): string[] {
    return this.o.link.peers().map((p) => p.id)
  }
}

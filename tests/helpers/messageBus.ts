import type { PeerInfo } from '../../src/shared/ipc/contract'
import { toHex } from '../../src/shared/encoding'
import {
  decodePeerMessage,
  encodePeerMessage,
  type PeerMessage,
} from '../../src/main/node/p2p/messages'
import type { Offence, PeerLink } from '../../src/main/node/p2p/peerLink'

interface Member {
  readonly index: number
  readonly id: string
  onMessage: (from: string, message: PeerMessage) => void
  readonly connected: ((peer: string) => void)[]
  readonly disconnected: ((peer: string) => void)[]
  readonly penalties: Offence[]
}

export interface MessageBusOptions {
  /**
   * Whether members `a` and `b` are connected (asked for both orders, so it should be
   * symmetric). Every member is connected to every other without it.
   */
  readonly topology?: (a: number, b: number) => boolean
  /** Sees every message as it is sent, with its encoded size. */
  readonly observe?: (from: number, to: number, message: PeerMessage, bytes: number) => void
}

/** Each member connected to its two neighbours in a ring of `size`. */
export function ring(size: number): (a: number, b: number) => boolean {
  return (a, b) => (a - b + size) % size === 1 || (b - a + size) % size === 1
}

/**
 * Nodes of one process joined as if by sockets: members the topology connects (by default every
 * member to every other) exchange messages, each encoded, delivered asynchronously and decoded,
 * as on the wire. A member that left gets nothing. Consensus, mempool gossip and block sync all
 * run over it.
 */
export class MessageBus {
  private readonly members = new Map<number, Member>()

  constructor(private readonly options: MessageBusOptions = {}) {}

  join(index: number): PeerLink {
    const self: Member = {
      index,
      id: toHex(new Uint8Array(32).fill(index + 1)),
      onMessage: () => {},
      connected: [],
      disconnected: [],
      penalties: [],
    }
    const others = (): Member[] =>
      [...this.members.values()].filter((m) => m !== self && this.linked(self.index, m.index))
    const deliver = (to: Member, message: PeerMessage): void => {
      const bytes = encodePeerMessage(message)
      this.options.observe?.(index, to.index, message, bytes.length)
      setImmediate(() => {
        if ([...this.members.values()].includes(to) && this.members.has(index)) {
          to.onMessage(self.id, decodePeerMessage(bytes))
        }
      })
    }
    for (const other of others()) {
      for (const h of other.connected) setImmediate(() => h(self.id))
    }
    this.members.set(index, self)
    return {
      selfId: self.id,
      listenUrl: null,
      send: (peerId, message) => {
        const to = others().find((m) => m.id === peerId)
        if (to) deliver(to, message)
      },
      broadcast: (message, exceptPeer) => {
        for (const to of others()) if (to.id !== exceptPeer) deliver(to, message)
      },
      onMessage: (handler) => {
        self.onMessage = handler
      },
      onPeerConnected: (handler) => {
        self.connected.push(handler)
        for (const other of others()) setImmediate(() => handler(other.id))
      },
      onPeerDisconnected: (handler) => self.disconnected.push(handler),
      penalize: (_peer, offence) => self.penalties.push(offence),
      peers: (): PeerInfo[] =>
        others().map((m) => ({
          id: m.id,
          url: null,
          direction: 'outbound',
          latencyMs: 0,
          score: 0,
          height: 0,
          connectedSince: 0,
        })),
      knownAddresses: () => 0,
      close: () => Promise.resolve(),
    }
  }

  leave(index: number): void {
    const gone = this.members.get(index)
    if (!gone) return
    this.members.delete(index)
    for (const other of this.members.values()) {
      if (!this.linked(index, other.index)) continue
      for (const h of other.disconnected) h(gone.id)
    }
  }

  private linked(a: number, b: number): boolean {
    return this.options.topology ? this.options.topology(a, b) : true
  }
}

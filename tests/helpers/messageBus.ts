import type { PeerInfo } from '../../src/shared/ipc/contract'
import { toHex } from '../../src/shared/encoding'
import {
  decodePeerMessage,
  encodePeerMessage,
  type PeerMessage,
} from '../../src/main/node/p2p/messages'
import type { Offence, PeerLink } from '../../src/main/node/p2p/peerLink'

interface Member {
  readonly id: string
  onMessage: (from: string, message: PeerMessage) => void
  readonly connected: ((peer: string) => void)[]
  readonly disconnected: ((peer: string) => void)[]
  readonly penalties: Offence[]
}

/**
 * Nodes of one process joined as if by sockets: every member is connected to every other, and
 * each message is encoded, delivered asynchronously and decoded, as on the wire. A member that
 * left gets nothing. Consensus, mempool gossip and block sync all run over it.
 */
export class MessageBus {
  private readonly members = new Map<number, Member>()

  join(index: number): PeerLink {
    const self: Member = {
      id: toHex(new Uint8Array(32).fill(index + 1)),
      onMessage: () => {},
      connected: [],
      disconnected: [],
      penalties: [],
    }
    const others = (): Member[] => [...this.members.values()].filter((m) => m !== self)
    const deliver = (to: Member, message: PeerMessage): void => {
      const bytes = encodePeerMessage(message)
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
    for (const other of this.members.values()) for (const h of other.disconnected) h(gone.id)
  }
}

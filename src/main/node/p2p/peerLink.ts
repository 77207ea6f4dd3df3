import type { PeerInfo } from '../../../shared/ipc/contract'
import type { PeerMessage } from './messages'

/** Why a peer loses score; each reason costs the points in PENALTIES. */
export type Offence =
  | 'malformed'
  | 'invalid-transaction'
  | 'forged-consensus'
  | 'invalid-blocks'
  | 'unrequested-blocks'
  | 'sync-timeout'
  | 'transport'

export const PENALTIES: Record<Offence, number> = {
  // Bytes that do not even decode: nothing honest sends them.
  malformed: 50,
  // A transaction with a bad signature or encoding (an honest peer verified it before relaying).
  'invalid-transaction': 10,
  // Blocks whose commit or content does not verify: a forgery.
  'invalid-blocks': 100,
  // A proposal, vote or decision whose signature or commit does not verify.
  'forged-consensus': 50,
  'unrequested-blocks': 10,
  // A peer may just be slow; several timeouts in a row add up.
  'sync-timeout': 5,
  // Rate limit exceeded, undecryptable or oversized frame.
  transport: 25,
}

/** A peer's score at or below this bans it for a while. */
export const BAN_SCORE = -100

/**
 * How the node talks to its peers: messages addressed by peer id (the peer's identity key in hex).
 * The real implementation runs Noise sessions over WebSocket; tests may join nodes in memory.
 */
export interface PeerLink {
  /** This node's identity key (hex). */
  readonly selfId: string
  /** Where this node listens (`ws://host:port`), or null. */
  readonly listenUrl: string | null
  send(peerId: string, message: PeerMessage): void
  /** Sends to every connected peer, except `exceptPeer` when given. */
  broadcast(message: PeerMessage, exceptPeer?: string): void
  /**
   * Sets the handler of every application message. Ping and peer exchange are answered below;
   * `status` is also recorded (the peer's height and listening address) before it is handed on.
   */
  onMessage(handler: (peerId: string, message: PeerMessage) => void): void
  /** Called with each newly connected peer's id. */
  onPeerConnected(handler: (peerId: string) => void): void
  /** Called with the id of each peer whose connection ended. */
  onPeerDisconnected(handler: (peerId: string) => void): void
  /** Lowers a peer's score; a banned peer is disconnected. */
  penalize(peerId: string, offence: Offence): void
  peers(): PeerInfo[]
  /** Dialable addresses known, connected or not. */
  knownAddresses(): number
  close(): Promise<void>
}

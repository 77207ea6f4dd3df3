import {
  array,
  bytes,
  decode,
  encode,
  fixedBytes,
  str,
  struct,
  taggedUnion,
  u32,
  u64,
  uint,
  type Infer,
} from '../../../shared/encoding'
import { BlockCodec, CommitCodec } from '../chain/block'
import { ConsensusMessageCodec } from '../consensus/messages'
import { PUBLIC_KEY_LENGTH } from '../crypto'
import { MAX_RELAY_TX_BYTES } from '../ledger/tx'

/** Most transactions in one gossip message. */
export const MAX_TX_BATCH = 1024
/** Most blocks in one sync response. */
export const MAX_SYNC_BATCH = 64
/** Most addresses in one peer-exchange answer. */
export const MAX_PEER_ADDRESSES = 64
/** Longest dialable address (`ws://host:port`). */
export const MAX_URL_BYTES = 256

const PeerAddressCodec = struct({ id: fixedBytes(PUBLIC_KEY_LENGTH), url: str(MAX_URL_BYTES) })
export type PeerAddress = Infer<typeof PeerAddressCodec>

/**
 * Everything nodes say to each other over a Noise session, one message per encrypted frame
 * sequence. Decoding is canonical and bounded: anything else is a protocol violation.
 */
export const PeerMessageCodec = taggedUnion({
  consensus: struct({ message: ConsensusMessageCodec }),
  /** New mempool transactions, each a canonical signed transaction. */
  txs: struct({ txs: array(bytes(MAX_RELAY_TX_BYTES), MAX_TX_BATCH) }),
  /** The sender's latest committed height and where it listens ('' when it does not). */
  status: struct({ height: uint, listenUrl: str(MAX_URL_BYTES) }),
  getBlocks: struct({ from: uint, count: u32 }),
  blocks: struct({
    blocks: array(struct({ block: BlockCodec, commit: CommitCodec }), MAX_SYNC_BATCH),
  }),
  getPeers: struct({}),
  peers: struct({ peers: array(PeerAddressCodec, MAX_PEER_ADDRESSES) }),
  ping: struct({ nonce: u64 }),
  pong: struct({ nonce: u64 }),
})
export type PeerMessage = Infer<typeof PeerMessageCodec>
export type PeerMessageOf<K extends PeerMessage['kind']> = Extract<PeerMessage, { kind: K }>

export function encodePeerMessage(message: PeerMessage): Uint8Array {
  return encode(PeerMessageCodec, message)
}

/** Throws (a codec error) on any malformed, non-canonical or oversized message. */
export function decodePeerMessage(data: Uint8Array): PeerMessage {
  return decode(PeerMessageCodec, data)
}

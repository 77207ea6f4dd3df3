import {
  array,
  decode,
  encode,
  optional,
  str,
  struct,
  taggedUnion,
  u32,
  uint,
  utf8,
  type Infer,
} from '../../../shared/encoding'
import { sha256 } from '../crypto'
import { CommitCodec, HeaderCodec, MAX_CLUSTER_ID_BYTES, MAX_TXS_PER_BLOCK } from '../chain/block'
import { MembersCodec } from './lightClientState'
import { BridgeMessageCodec, MessageProofCodec } from './packet'

/*
 * The relay protocol between clusters: a node asks a node of a connected cluster for that
 * cluster's blocks as its light client needs them, inside a Noise session. Nothing in a bundle is
 * trusted because of who sent it: the chain verifies every header, commit and proof.
 */

/** Noise prologue of bridge sessions: both ends must be bridge endpoints of this protocol. */
export const BRIDGE_PROLOGUE = sha256(utf8('coherence/bridge/v1'))

/** Most heights one answer carries. */
export const MAX_BUNDLES = 32

/** One height of the serving cluster, with what it emitted for the asking cluster. */
export const BundleCodec = struct({
  header: HeaderCodec,
  /** The commit of this height the serving node holds. */
  commit: CommitCodec,
  /** The commit of the height before, as this block carries it. */
  lastCommit: optional(CommitCodec),
  /** The set of the next height, when it differs from this one's. */
  nextValidators: optional(MembersCodec),
  /** The messages of this block for the asking cluster, each with its proof. */
  messages: array(
    struct({ message: BridgeMessageCodec, proof: MessageProofCodec }),
    MAX_TXS_PER_BLOCK * 2,
  ),
})
export type Bundle = Infer<typeof BundleCodec>

export const RelayRequestCodec = taggedUnion({
  /** Heights `from` to `from + max - 1` (those that exist), for cluster `cluster`. */
  getBundles: struct({ cluster: str(MAX_CLUSTER_ID_BYTES), from: uint, max: u32 }),
})
export type RelayRequest = Infer<typeof RelayRequestCodec>

export const RelayResponseCodec = struct({
  bundles: array(BundleCodec, MAX_BUNDLES),
  /** The serving node's latest height. */
  tip: uint,
  /**
   * What the serving cluster has taken from the asking one, as that node's committed state says
   * (null without a connection back): the next packet sequence it expects, and the asking
   * cluster's latest height its light client verified. Shown to people, never trusted by a chain.
   */
  nextRecvSeq: optional(uint),
  trustedHeight: optional(uint),
})
export type RelayResponse = Infer<typeof RelayResponseCodec>

export const encodeRequest = (r: RelayRequest): Uint8Array => encode(RelayRequestCodec, r)
export const decodeRequest = (b: Uint8Array): RelayRequest => decode(RelayRequestCodec, b)
export const encodeResponse = (r: RelayResponse): Uint8Array => encode(RelayResponseCodec, r)
export const decodeResponse = (b: Uint8Array): RelayResponse => decode(RelayResponseCodec, b)

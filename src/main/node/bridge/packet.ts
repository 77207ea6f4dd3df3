import { ADDRESS_LENGTH } from '../../../shared/address'
import {
  array,
  bytesEqual,
  encode,
  fixedBytes,
  str,
  struct,
  taggedUnion,
  u128,
  u32,
  u8,
  uint,
  type Infer,
} from '../../../shared/encoding'
import { HASH_LENGTH, sha256 } from '../crypto'
import { MAX_CLUSTER_ID_BYTES } from '../chain/block'
import { merkleProof, merkleRoot, rootFromProof, type MerkleProof } from '../chain/merkle'

/*
 * What crosses the bridge (DESIGN.md section 7): packets and their acknowledgements, each
 * committed in the packet root of the header of the block that emitted it, and proven to the
 * other cluster by a Merkle proof against that root.
 */

const Address = fixedBytes(ADDRESS_LENGTH)
const ClusterId = str(MAX_CLUSTER_ID_BYTES)

/** Tokens sent from `sourceCluster` (escrowed there) to `recipient` on `destCluster`. */
export const PacketCodec = struct({
  sourceCluster: ClusterId,
  destCluster: ClusterId,
  /** 1, 2, 3… per (source, destination): the order the destination must receive them in. */
  sequence: uint,
  sender: Address,
  recipient: Address,
  token: u8,
  amount: u128,
  /** The destination's height from which the packet is refused and refunded instead. */
  timeoutHeight: uint,
})
export type Packet = Infer<typeof PacketCodec>

export const ACK_OUTCOME = {
  /** The recipient was credited. */
  received: 0,
  /** It arrived at or after its timeout height: nothing was credited, the source refunds. */
  timedOut: 1,
} as const
export type AckOutcome = (typeof ACK_OUTCOME)[keyof typeof ACK_OUTCOME]

/** The destination's answer to a packet, sent back to its source. */
export const AckCodec = struct({
  sourceCluster: ClusterId,
  destCluster: ClusterId,
  sequence: uint,
  /** Hash of the packet answered, so an ack can only settle the packet it was made for. */
  packetHash: fixedBytes(HASH_LENGTH),
  outcome: u8,
})
export type Ack = Infer<typeof AckCodec>

export const BridgeMessageCodec = taggedUnion({ packet: PacketCodec, ack: AckCodec })
export type BridgeMessage = Infer<typeof BridgeMessageCodec>

/** A Merkle proof as relayed: the path of one message among a block's messages. */
export const MessageProofCodec = struct({
  index: u32,
  total: u32,
  siblings: array(fixedBytes(HASH_LENGTH), 32),
})

export function packetHash(packet: Packet): Uint8Array {
  return sha256(encode(PacketCodec, packet))
}

export function encodeMessage(message: BridgeMessage): Uint8Array {
  return encode(BridgeMessageCodec, message)
}

/** The cluster whose block emitted `message`. */
export function emitterOf(message: BridgeMessage): string {
  return message.kind === 'packet' ? message.sourceCluster : message.destCluster
}

/** The cluster `message` is for. */
export function receiverOf(message: BridgeMessage): string {
  return message.kind === 'packet' ? message.destCluster : message.sourceCluster
}

function countPrefix(total: number): Uint8Array {
  return encode(u32, total)
}

/**
 * The packet root of a block: its messages' Merkle root bound to their count. A Merkle proof
 * alone does not show how many leaves there are (see merkle.ts); hashing the count in means a
 * proof only verifies with the true count, so an index names exactly one message.
 */
export function packetRoot(messages: readonly Uint8Array[]): Uint8Array {
  return sha256(countPrefix(messages.length), merkleRoot(messages))
}

/** The proof of the `index`th of a block's encoded messages. */
export function messageProof(messages: readonly Uint8Array[], index: number): MerkleProof {
  return merkleProof(messages, index)
}

/** Whether `proof` shows `message` (encoded) among the messages whose packet root is `root`. */
export function verifyMessageProof(
  root: Uint8Array,
  message: Uint8Array,
  proof: MerkleProof,
): boolean {
  const tree = rootFromProof(message, proof)
  if (tree === null) return false
  return bytesEqual(sha256(countPrefix(proof.total), tree), root)
}

import { ADDRESS_LENGTH } from '../../../shared/address'
import {
  array,
  bytes,
  decode,
  fixedArray,
  encode,
  fixedBytes,
  optional,
  str,
  struct,
  u128,
  u32,
  u8,
  uint,
  type Infer,
} from '../../../shared/encoding'
import { HASH_LENGTH, SIGNATURE_LENGTH, sha256 } from '../crypto'
import { signBytes, SIGN_DOMAIN } from './domain'

export const MAX_TXS_PER_BLOCK = 10_000
/** Largest encoded signed transaction, except the two below. */
export const MAX_TX_BYTES = 4096
/**
 * Largest relayed light-client update or connection approval: they carry commits and validator
 * sets of the other cluster (about 170 bytes per validator), so this admits sets of ~380.
 */
export const MAX_RELAY_TX_BYTES = 64 * 1024
/** A block's transactions stay well under the largest peer message, so proposals always travel. */
export const MAX_BLOCK_TX_BYTES = 8 * 1024 * 1024
export const MAX_VALIDATORS = 1_000
export const MAX_CLUSTER_ID_BYTES = 64

const Hash = fixedBytes(HASH_LENGTH)
const Address = fixedBytes(ADDRESS_LENGTH)

/**
 * A block header: the cluster's signed state commitment at a height (the Ω-vector of DESIGN.md
 * section 2), certified by the commit carried in the next block.
 */
export const HeaderCodec = struct({
  clusterId: str(MAX_CLUSTER_ID_BYTES),
  height: uint,
  /** Proposer's time in ms; strictly increasing from block to block. */
  time: uint,
  prevHash: Hash,
  txRoot: Hash,
  /** State hash after executing this block's transactions. */
  stateHash: Hash,
  validatorsHash: Hash,
  nextValidatorsHash: Hash,
  proposer: Address,
  lastCommitHash: Hash,
  /** Root of the bridge messages (packets and acks) this block emits: see bridge/packet.ts. */
  packetRoot: Hash,
  supply: fixedArray(u128, 3),
  /** The CEE pool's reserves, weights Ψ and swap fee after this block. */
  poolReserves: fixedArray(u128, 3),
  poolWeights: fixedArray(u128, 3),
  swapFee: u128,
})
export type Header = Infer<typeof HeaderCodec>

export const CommitSigCodec = struct({
  validator: Address,
  signature: fixedBytes(SIGNATURE_LENGTH),
})
export type CommitSig = Infer<typeof CommitSigCodec>

/** Precommits of more than 2/3 of the power for one block in one round: the commit certificate. */
export const CommitCodec = struct({
  height: uint,
  round: u32,
  blockHash: Hash,
  signatures: array(CommitSigCodec, MAX_VALIDATORS),
})
export type Commit = Infer<typeof CommitCodec>

export const BlockCodec = struct({
  header: HeaderCodec,
  txs: array(bytes(MAX_RELAY_TX_BYTES), MAX_TXS_PER_BLOCK),
  /** The commit of the previous block (null only at height 1). */
  lastCommit: optional(CommitCodec),
})
export type Block = Infer<typeof BlockCodec>

export const VOTE_TYPE = { prevote: 1, precommit: 2 } as const
export type VoteType = (typeof VOTE_TYPE)[keyof typeof VOTE_TYPE]

/** The signed part of a vote; a null block hash is a vote for nil. */
export const VoteBodyCodec = struct({
  type: u8,
  height: uint,
  round: u32,
  blockHash: optional(Hash),
})
export type VoteBody = Infer<typeof VoteBodyCodec>

export function blockHash(header: Header): Uint8Array {
  return sha256(encode(HeaderCodec, header))
}

export function commitHash(commit: Commit | null): Uint8Array {
  return commit === null ? sha256(new Uint8Array(0)) : sha256(encode(CommitCodec, commit))
}

export function encodeBlock(block: Block): Uint8Array {
  return encode(BlockCodec, block)
}

export function decodeBlock(data: Uint8Array): Block {
  return decode(BlockCodec, data)
}

export function voteSignBytes(clusterId: string, vote: VoteBody): Uint8Array {
  return signBytes(SIGN_DOMAIN.vote, clusterId, encode(VoteBodyCodec, vote))
}

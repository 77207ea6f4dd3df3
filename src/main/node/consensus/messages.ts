import { ADDRESS_LENGTH } from '../../../shared/address'
import {
  decode,
  encode,
  fixedBytes,
  struct,
  taggedUnion,
  u32,
  uint,
  type Infer,
} from '../../../shared/encoding'
import { BlockCodec, CommitCodec, VoteBodyCodec, type Block, type VoteBody } from '../chain/block'
import { signBytes, SIGN_DOMAIN } from '../chain/domain'
import { HASH_LENGTH, SIGNATURE_LENGTH } from '../crypto'

/** The signed part of a proposal. `polRound` is the proof-of-lock round plus one (0 = none). */
export const ProposalBodyCodec = struct({
  height: uint,
  round: u32,
  polRoundPlusOne: u32,
  blockHash: fixedBytes(HASH_LENGTH),
})
export type ProposalBody = Infer<typeof ProposalBodyCodec>

export const VoteMessageCodec = struct({
  body: VoteBodyCodec,
  validator: fixedBytes(ADDRESS_LENGTH),
  signature: fixedBytes(SIGNATURE_LENGTH),
})
export type SignedVote = Infer<typeof VoteMessageCodec>

export const ConsensusMessageCodec = taggedUnion({
  proposal: struct({
    body: ProposalBodyCodec,
    block: BlockCodec,
    signature: fixedBytes(SIGNATURE_LENGTH),
  }),
  vote: struct({ vote: VoteMessageCodec }),
  /** A decided block with its commit certificate, sent to a peer still working on that height. */
  decision: struct({ block: BlockCodec, commit: CommitCodec }),
})
export type ConsensusMessage = Infer<typeof ConsensusMessageCodec>
export type ProposalMessage = Extract<ConsensusMessage, { kind: 'proposal' }>

export function proposalSignBytes(clusterId: string, body: ProposalBody): Uint8Array {
  return signBytes(SIGN_DOMAIN.proposal, clusterId, encode(ProposalBodyCodec, body))
}

export function encodeConsensusMessage(m: ConsensusMessage): Uint8Array {
  return encode(ConsensusMessageCodec, m)
}

export function decodeConsensusMessage(data: Uint8Array): ConsensusMessage {
  return decode(ConsensusMessageCodec, data)
}

export type { Block, VoteBody }

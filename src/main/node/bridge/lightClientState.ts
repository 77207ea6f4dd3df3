import {
  array,
  decode,
  encode,
  fixedBytes,
  optional,
  str,
  struct,
  u128,
  uint,
} from '../../../shared/encoding'
import {
  CommitCodec,
  HeaderCodec,
  MAX_CLUSTER_ID_BYTES,
  MAX_VALIDATORS,
  type Commit,
  type Header,
} from '../chain/block'
import type { Member } from '../chain/validators'
import { HASH_LENGTH, PUBLIC_KEY_LENGTH } from '../crypto'

/**
 * Two different headers at one height, both committed by more than 2/3 of that height's
 * validators: the remote cluster forked, so more than 1/3 of its power signed both.
 */
export interface Misbehaviour {
  /** The header the client had trusted. */
  readonly trusted: Header
  /** The other header, with the commit that certifies it. */
  readonly conflicting: Header
  readonly commit: Commit
}

/** What a cluster knows of a connected cluster: its light client (DESIGN.md section 7). */
export interface LightClientState {
  readonly clusterId: string
  /** The latest verified height; 0 while only the genesis is trusted. */
  readonly trustedHeight: number
  /** Hash of the header at trustedHeight (the genesis hash at 0): the next header's parent. */
  readonly trustedHeaderHash: Uint8Array
  /** The header at trustedHeight (null at 0), kept to recognise a conflicting one. */
  readonly trustedHeader: Header | null
  /** The validators that signed trustedHeight (none at 0): they weigh its canonical commit's Ψ. */
  readonly trustedValidators: readonly Member[]
  /** The validators that sign trustedHeight + 1, in canonical (address) order. */
  readonly validators: readonly Member[]
  /** Evidence of a fork; a frozen client accepts no more headers. */
  readonly frozen: Misbehaviour | null
}

/** A validator set as relayed and stored: members with their power, in canonical order. */
export const MembersCodec = array(
  struct({ publicKey: fixedBytes(PUBLIC_KEY_LENGTH), power: u128 }),
  MAX_VALIDATORS,
)

const StateCodec = struct({
  clusterId: str(MAX_CLUSTER_ID_BYTES),
  trustedHeight: uint,
  trustedHeaderHash: fixedBytes(HASH_LENGTH),
  trustedHeader: optional(HeaderCodec),
  trustedValidators: MembersCodec,
  validators: MembersCodec,
  frozen: optional(struct({ trusted: HeaderCodec, conflicting: HeaderCodec, commit: CommitCodec })),
})

/** Canonical bytes of a light client, as the chain stores it. */
export function encodeLightClientState(state: LightClientState): Uint8Array {
  return encode(StateCodec, {
    ...state,
    trustedValidators: [...state.trustedValidators],
    validators: [...state.validators],
  })
}

/** Decodes stored light client bytes, refusing non-canonical input. */
export function decodeLightClientState(data: Uint8Array): LightClientState {
  return decode(StateCodec, data)
}

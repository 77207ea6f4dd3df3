import { divDown } from '../../../shared/cee/fixedPoint'
import { bytesEqual } from '../../../shared/encoding'
import { blockHash, type Commit, type Header } from '../chain/block'
import { genesisHash, type Genesis } from '../chain/genesis'
import { selectValidators, ValidatorSet, type Member } from '../chain/validators'
import { CommitError, verifyCommit, type CommitFault } from '../consensus/commitVerify'
import { LightClientError, type LightClientErrorCode } from './errors'
import type { LightClientState } from './lightClientState'

/*
 * The interchain validator (DESIGN.md section 7): an on-chain light client of a connected cluster.
 * It starts from that cluster's genesis, whose validators are the trust root, and accepts a header
 * only when more than 2/3 of the power it trusts for that height committed it.
 *
 * Updates are sequential: each header is the one after the trusted header and names it as parent.
 * So the set that signs a header is always exactly the one the previous header announced in
 * nextValidatorsHash (the genesis set for block 1), and set changes are followed hash by hash,
 * with no trusting period or 1/3-overlap rule to skip heights with. The price is one update per
 * remote block.
 */

/** A header of the remote cluster and what proves it, as a relayer delivers it. */
export interface LightClientUpdate {
  readonly header: Header
  /**
   * A commit certificate of the header. The one carried in block header.height + 1 is canonical:
   * that one gives the Ψ every node computes (DESIGN.md section 3).
   */
  readonly commit: Commit
  /** Every validator of header.height: the set that signs it. */
  readonly validators: readonly Member[]
  /** Every validator of header.height + 1: the set whose hash is header.nextValidatorsHash. */
  readonly nextValidators: readonly Member[]
}

export type LightClientUpdateResult =
  /** The header is trusted; `psi` is signed power ÷ total power of its commit (18 decimals). */
  | { readonly kind: 'updated'; readonly state: LightClientState; readonly psi: bigint }
  /** The header conflicts with a trusted one: the returned state is frozen with the evidence. */
  | { readonly kind: 'frozen'; readonly state: LightClientState }

/** A light client that trusts the remote cluster's genesis and nothing after it. */
export function createLightClient(genesis: Genesis): LightClientState {
  // The same first set the remote chain builds from its genesis.
  const first = new ValidatorSet(selectValidators(genesis.validators, genesis.minValidatorStake))
  return {
    clusterId: genesis.clusterId,
    trustedHeight: 0,
    trustedHeaderHash: genesisHash(genesis),
    trustedHeader: null,
    validators: membersOf(first),
    frozen: null,
  }
}

/**
 * Verifies `update` against `state` and returns the new state (`state` itself is left as it was),
 * or throws a LightClientError saying which rule the update broke.
 *
 * A header at trustedHeight + 1 is accepted when it is for the client's cluster, its parent is
 * the trusted header, `validators` is both the set it names and the set the client trusts,
 * `nextValidators` is the set it announces, and the commit is for it with valid precommits of
 * members holding more than 2/3 of the power. A header at trustedHeight that passes the same
 * checks against that height's set but differs from the trusted one is evidence of a fork: the
 * client freezes, keeping both headers.
 */
export function updateLightClient(
  state: LightClientState,
  update: LightClientUpdate,
): LightClientUpdateResult {
  if (state.frozen !== null) {
    throw new LightClientError(
      'ERR_LC_FROZEN',
      `the light client of ${state.clusterId} is frozen: two headers at height ${state.frozen.trusted.height}`,
    )
  }
  const { header } = update
  if (header.clusterId !== state.clusterId) {
    throw new LightClientError(
      'ERR_LC_WRONG_CLUSTER',
      `header of cluster ${header.clusterId}, not ${state.clusterId}`,
    )
  }
  const hash = blockHash(header)
  if (state.trustedHeader !== null && header.height === state.trustedHeight) {
    if (bytesEqual(hash, state.trustedHeaderHash)) {
      throw new LightClientError(
        'ERR_LC_WRONG_HEIGHT',
        `height ${header.height} is already trusted`,
      )
    }
    return freeze(state, state.trustedHeader, update, hash)
  }
  if (header.height !== state.trustedHeight + 1) {
    throw new LightClientError(
      'ERR_LC_WRONG_HEIGHT',
      `header at height ${header.height}, expected ${state.trustedHeight + 1}`,
    )
  }
  if (!bytesEqual(header.prevHash, state.trustedHeaderHash)) {
    throw new LightClientError('ERR_LC_WRONG_PARENT', 'header does not extend the trusted header')
  }
  const set = signingSet(update, setOf(state.validators).hash())
  const next = setOf(update.nextValidators)
  if (!bytesEqual(next.hash(), header.nextValidatorsHash)) {
    throw new LightClientError(
      'ERR_LC_VALIDATORS_MISMATCH',
      'next validators are not the set the header announces',
    )
  }
  const power = checkCommit(state.clusterId, set, update.commit, header.height, hash)
  return {
    kind: 'updated',
    state: {
      ...state,
      trustedHeight: header.height,
      trustedHeaderHash: hash,
      trustedHeader: header,
      validators: membersOf(next),
    },
    psi: divDown(power, set.totalPower),
  }
}

/** Freezes the client if `update` is a valid header at the height of `trusted` (hash `hash`). */
function freeze(
  state: LightClientState,
  trusted: Header,
  update: LightClientUpdate,
  hash: Uint8Array,
): LightClientUpdateResult {
  const set = signingSet(update, trusted.validatorsHash)
  checkCommit(state.clusterId, set, update.commit, update.header.height, hash)
  const frozen = { trusted, conflicting: update.header, commit: update.commit }
  return { kind: 'frozen', state: { ...state, frozen } }
}

/** The set of `update.validators`, if it is the one the header names and `trustedHash`. */
function signingSet(update: LightClientUpdate, trustedHash: Uint8Array): ValidatorSet {
  const set = setOf(update.validators)
  if (!bytesEqual(set.hash(), update.header.validatorsHash)) {
    throw new LightClientError(
      'ERR_LC_VALIDATORS_MISMATCH',
      'validators are not the set the header names',
    )
  }
  if (!bytesEqual(set.hash(), trustedHash)) {
    throw new LightClientError(
      'ERR_LC_VALIDATORS_MISMATCH',
      `validators are not the set trusted at height ${update.header.height}`,
    )
  }
  return set
}

/** A validator set of relayed members; one that cannot be a set at all matches nothing. */
function setOf(members: readonly Member[]): ValidatorSet {
  try {
    return new ValidatorSet(members)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    throw new LightClientError('ERR_LC_VALIDATORS_MISMATCH', `not a validator set: ${err.message}`)
  }
}

function membersOf(set: ValidatorSet): Member[] {
  return set.validators.map((v) => ({ publicKey: v.publicKey, power: v.power }))
}

const FAULT_CODES: Readonly<Record<CommitFault, LightClientErrorCode>> = {
  'wrong-block': 'ERR_LC_BAD_COMMIT',
  'duplicate-signer': 'ERR_LC_BAD_COMMIT',
  'unknown-signer': 'ERR_LC_UNKNOWN_SIGNER',
  'bad-signature': 'ERR_LC_BAD_SIGNATURE',
  'insufficient-power': 'ERR_LC_INSUFFICIENT_POWER',
}

/** verifyCommit, the one used by consensus, with its refusals as light client codes. */
function checkCommit(
  clusterId: string,
  set: ValidatorSet,
  commit: Commit,
  height: number,
  hash: Uint8Array,
): bigint {
  try {
    return verifyCommit(clusterId, set, commit, height, hash)
  } catch (err) {
    if (!(err instanceof CommitError)) throw err
    throw new LightClientError(FAULT_CODES[err.fault], err.message, { cause: err })
  }
}

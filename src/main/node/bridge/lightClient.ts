import { divDown } from '../../../shared/cee/fixedPoint'
import { bytesEqual, toHex } from '../../../shared/encoding'
import { blockHash, commitHash, type Commit, type Header } from '../chain/block'
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
  /** A commit certificate of the header (any one with more than 2/3 of the power). */
  readonly commit: Commit
  /**
   * The commit of the previous height as block header.height carries it (null at height 1): the
   * canonical commit, whose Ψ every node computes the same (DESIGN.md section 3). Its hash is in
   * the header, so a relayer cannot swap in a thinner one.
   */
  readonly lastCommit: Commit | null
  /**
   * The validators of header.height + 1, the set whose hash is header.nextValidatorsHash; null
   * when that set is the one signing this header (no change).
   */
  readonly nextValidators: readonly Member[] | null
}

export type LightClientUpdateResult =
  /**
   * The header is trusted. `psi` is Ψ of the height before it, from its canonical commit: signed
   * power ÷ total power (18 decimals); null for the first header.
   */
  | { readonly kind: 'updated'; readonly state: LightClientState; readonly psi: bigint | null }
  /** The header conflicts with a trusted one: the returned state is frozen with the evidence. */
  | { readonly kind: 'frozen'; readonly state: LightClientState }

/** What a connection trusts of a remote cluster: its id, genesis hash and first validator set. */
export interface TrustRoot {
  readonly clusterId: string
  readonly genesisHash: Uint8Array
  /** The set that signs block 1, in canonical order. */
  readonly validators: readonly Member[]
}

/** The trust root of a genesis: the first set is the one the remote chain builds from it. */
export function trustRootOf(genesis: Genesis): TrustRoot {
  const first = new ValidatorSet(selectValidators(genesis.validators, genesis.minValidatorStake))
  return {
    clusterId: genesis.clusterId,
    genesisHash: genesisHash(genesis),
    validators: membersOf(first),
  }
}

/** A light client that trusts the remote cluster's genesis and nothing after it. */
export function createLightClient(root: Genesis | TrustRoot): LightClientState {
  const {
    clusterId,
    genesisHash: hash,
    validators,
  } = 'genesisHash' in root ? root : trustRootOf(root)
  return {
    clusterId,
    trustedHeight: 0,
    trustedHeaderHash: hash,
    trustedHeader: null,
    trustedValidators: [],
    validators: membersOf(setOf(validators)),
    frozen: null,
  }
}

/**
 * Verifies `update` against `state` and returns the new state (`state` itself is left as it was),
 * or throws a LightClientError saying which rule the update broke.
 *
 * A header at trustedHeight + 1 is accepted when it is for the client's cluster, its parent is
 * the trusted header, it names the set the client trusts, `nextValidators` is the set it
 * announces, the commit is for it with valid precommits of members holding more than 2/3 of the
 * power, and `lastCommit` is the one it carries. A header at trustedHeight that passes the same
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
  const set = signingSet(header, state.validators)
  const next = update.nextValidators === null ? set : setOf(update.nextValidators)
  if (!bytesEqual(next.hash(), header.nextValidatorsHash)) {
    throw new LightClientError(
      'ERR_LC_VALIDATORS_MISMATCH',
      'next validators are not the set the header announces',
    )
  }
  checkCommit(state.clusterId, set, update.commit, header.height, hash)
  return {
    kind: 'updated',
    state: {
      ...state,
      trustedHeight: header.height,
      trustedHeaderHash: hash,
      trustedHeader: header,
      trustedValidators: state.validators,
      validators: membersOf(next),
    },
    psi: canonicalPsi(state, update),
  }
}

/**
 * Ψ of the trusted height from the commit the new header carries. The header is trusted by now,
 * so a commit with its lastCommitHash is the one its validators accepted: only its signers'
 * power is counted here, its signatures were checked by the remote cluster's consensus.
 */
function canonicalPsi(state: LightClientState, update: LightClientUpdate): bigint | null {
  const { lastCommit, header } = update
  if (!bytesEqual(commitHash(lastCommit), header.lastCommitHash)) {
    throw new LightClientError('ERR_LC_BAD_COMMIT', 'last commit is not the one the header carries')
  }
  if (lastCommit === null) return null
  const set = new ValidatorSet(state.trustedValidators)
  let signed = 0n
  const seen = new Set<string>()
  for (const sig of lastCommit.signatures) {
    const key = toHex(sig.validator)
    const index = set.indexOf(sig.validator)
    if (index < 0 || seen.has(key)) continue
    seen.add(key)
    signed += set.validators[index]!.power
  }
  return divDown(signed, set.totalPower)
}

/** Freezes the client if `update` is a valid header at the height of `trusted` (hash `hash`). */
function freeze(
  state: LightClientState,
  trusted: Header,
  update: LightClientUpdate,
  hash: Uint8Array,
): LightClientUpdateResult {
  const set = signingSet(update.header, state.trustedValidators)
  checkCommit(state.clusterId, set, update.commit, update.header.height, hash)
  const frozen = { trusted, conflicting: update.header, commit: update.commit }
  return { kind: 'frozen', state: { ...state, frozen } }
}

/** The trusted set `members`, if it is the one the header names. */
function signingSet(header: Header, members: readonly Member[]): ValidatorSet {
  const set = new ValidatorSet(members)
  if (!bytesEqual(set.hash(), header.validatorsHash)) {
    throw new LightClientError(
      'ERR_LC_VALIDATORS_MISMATCH',
      `the header names a validator set other than the one trusted at height ${header.height}`,
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

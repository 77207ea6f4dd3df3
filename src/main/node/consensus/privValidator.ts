import {
  bytesEqual,
  array,
  bool,
  decode,
  encode,
  fixedBytes,
  optional,
  struct,
  u32,
  u8,
  uint,
} from '../../../shared/encoding'
import { BlockCodec, VoteBodyCodec, voteSignBytes, type Block, type VoteBody } from '../chain/block'
import { HASH_LENGTH, SIGNATURE_LENGTH, sha256 } from '../crypto'
import type { Signer } from '../../keys/signer'
import { ConsensusError } from './errors'
import { proposalSignBytes, type ProposalBody } from './messages'

/** Durable storage of the guard record. */
export interface SignGuardStore {
  signGuard(): Promise<Uint8Array | undefined>
  putSignGuard(value: Uint8Array): Promise<void>
}

// Order of the steps inside one round: a validator signs them in this order and never goes back.
const STEP = { proposal: 0, prevote: 1, precommit: 2 } as const

/** How many of its latest votes at the current height a validator keeps for a restart. */
const MAX_KEPT_VOTES = 8

/**
 * The paper's lockedValue/lockedRound and validValue/validRound at the guard's height (rounds are
 * -1 when unset). They must survive a restart as surely as the signatures do: a validator that
 * precommitted v and forgot its lock could prevote and precommit another block in a later round,
 * and with one Byzantine validator of four that commits two blocks at one height.
 */
export interface RoundState {
  readonly lockedRound: number
  readonly lockedBlock: Block | null
  readonly validRound: number
  readonly validBlock: Block | null
}

export const NO_ROUND_STATE: RoundState = {
  lockedRound: -1,
  lockedBlock: null,
  validRound: -1,
  validBlock: null,
}

// The valid block is usually the locked one: it is then stored once.
const RoundStateCodec = struct({
  lockedRoundPlusOne: u32,
  lockedBlock: optional(BlockCodec),
  validRoundPlusOne: u32,
  validIsLocked: bool,
  validBlock: optional(BlockCodec),
})
type StoredRoundState = ReturnType<typeof RoundStateCodec.read>

const guardFields = {
  height: uint,
  round: u32,
  step: u8,
  signBytesHash: fixedBytes(HASH_LENGTH),
  signature: fixedBytes(SIGNATURE_LENGTH),
  /**
   * The votes signed at this height (the most recent ones), so a restarted validator can send
   * them again: without them its peers may wait for votes that were lost with the crash.
   */
  votes: array(
    struct({ body: VoteBodyCodec, signature: fixedBytes(SIGNATURE_LENGTH) }),
    MAX_KEPT_VOTES,
  ),
}
const GuardCodec = struct({ ...guardFields, roundState: RoundStateCodec })
/** The record written before round state was kept: read as "no lock". */
const GuardWithoutRoundStateCodec = struct(guardFields)
type Guard = ReturnType<typeof GuardCodec.read>

function storedRoundState(state: RoundState): StoredRoundState {
  const validIsLocked = state.validBlock !== null && state.validBlock === state.lockedBlock
  return {
    lockedRoundPlusOne: state.lockedRound + 1,
    lockedBlock: state.lockedBlock,
    validRoundPlusOne: state.validRound + 1,
    validIsLocked,
    validBlock: validIsLocked ? null : state.validBlock,
  }
}

function roundStateOf(stored: StoredRoundState): RoundState {
  return {
    lockedRound: stored.lockedRoundPlusOne - 1,
    lockedBlock: stored.lockedBlock,
    validRound: stored.validRoundPlusOne - 1,
    validBlock: stored.validIsLocked ? stored.lockedBlock : stored.validBlock,
  }
}

function decodeGuard(raw: Uint8Array): Guard {
  try {
    return decode(GuardCodec, raw)
  } catch {
    const older = decode(GuardWithoutRoundStateCodec, raw)
    return { ...older, roundState: storedRoundState(NO_ROUND_STATE) }
  }
}

/**
 * The validator's consensus signer with double-sign protection: before a signature leaves, the
 * (height, round, step) it is for is written durably, together with the round state (lock and
 * valid value) it was signed under; anything at or below the last signed position is refused,
 * except the very same message, whose stored signature is returned again.
 */
export class PrivValidator {
  private last: Guard | null = null
  // Signing requests run one at a time, so two can never both pass the guard check.
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly signer: Signer,
    private readonly store: SignGuardStore,
    private readonly clusterId: string,
  ) {}

  static async load(
    signer: Signer,
    store: SignGuardStore,
    clusterId: string,
  ): Promise<PrivValidator> {
    const pv = new PrivValidator(signer, store, clusterId)
    const raw = await store.signGuard()
    pv.last = raw === undefined ? null : decodeGuard(raw)
    return pv
  }

  publicKey(): Uint8Array {
    return this.signer.publicKey()
  }

  /** The last position signed, for resuming after a restart. */
  lastSigned(): { height: number; round: number; step: number } | null {
    return this.last && { height: this.last.height, round: this.last.round, step: this.last.step }
  }

  /** The lock and valid value persisted for `height`, or none if nothing was signed there. */
  roundState(height: number): RoundState {
    return this.last && this.last.height === height
      ? roundStateOf(this.last.roundState)
      : NO_ROUND_STATE
  }

  /**
   * Persists a changed valid value (or lock) at the height last signed at, without signing
   * anything. Nothing is written for a height with no signature yet: there is nothing to protect.
   */
  saveRoundState(height: number, state: RoundState): Promise<void> {
    const run = this.queue.then(async () => {
      const last = this.last
      if (!last || last.height !== height) return
      const next: Guard = { ...last, roundState: storedRoundState(state) }
      await this.store.putSignGuard(encode(GuardCodec, next))
      this.last = next
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  /** The votes signed at the last height signed at, oldest first, with their signatures. */
  votesAtLastHeight(): { body: VoteBody; signature: Uint8Array }[] {
    return this.last ? [...this.last.votes] : []
  }

  async signProposal(body: ProposalBody): Promise<Uint8Array> {
    return this.guardedSign(
      body.height,
      body.round,
      STEP.proposal,
      proposalSignBytes(this.clusterId, body),
      null,
    )
  }

  /**
   * Signs a vote. `roundState`, when given, is persisted in the same write as the guard, before
   * the signature is returned: a precommit for a block passes the lock it takes. Without it, the
   * round state already stored for this height is kept.
   */
  async signVote(body: VoteBody, roundState?: RoundState): Promise<Uint8Array> {
    const step = body.type === 1 ? STEP.prevote : STEP.precommit
    return this.guardedSign(
      body.height,
      body.round,
      step,
      voteSignBytes(this.clusterId, body),
      body,
      roundState,
    )
  }

  private guardedSign(
    height: number,
    round: number,
    step: number,
    message: Uint8Array,
    vote: VoteBody | null,
    roundState?: RoundState,
  ): Promise<Uint8Array> {
    const run = this.queue.then(() => this.signOnce(height, round, step, message, vote, roundState))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async signOnce(
    height: number,
    round: number,
    step: number,
    message: Uint8Array,
    vote: VoteBody | null,
    roundState: RoundState | undefined,
  ): Promise<Uint8Array> {
    const hash = sha256(message)
    const last = this.last
    if (last) {
      const order = compare([height, round, step], [last.height, last.round, last.step])
      if (order === 0) {
        if (bytesEqual(hash, last.signBytesHash)) return last.signature
        throw new ConsensusError(
          'ERR_DOUBLE_SIGN_REFUSED',
          `refusing a second, different signature at height ${height} round ${round} step ${step}`,
        )
      }
      if (order < 0) {
        throw new ConsensusError(
          'ERR_DOUBLE_SIGN_REFUSED',
          `refusing to sign height ${height} round ${round} step ${step}: already signed ${last.height}/${last.round}/${last.step}`,
        )
      }
    }
    const signature = this.signer.sign(message)
    const earlier = last && last.height === height ? last.votes : []
    const votes = vote ? [...earlier, { body: vote, signature }].slice(-MAX_KEPT_VOTES) : earlier
    const kept = roundState
      ? storedRoundState(roundState)
      : last && last.height === height
        ? last.roundState
        : storedRoundState(NO_ROUND_STATE)
    const next: Guard = {
      height,
      round,
      step,
      signBytesHash: hash,
      signature,
      votes,
      roundState: kept,
    }
    await this.store.putSignGuard(encode(GuardCodec, next))
    this.last = next
    return signature
  }
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  return 0
}

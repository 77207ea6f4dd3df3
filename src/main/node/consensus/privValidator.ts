import {
  bytesEqual,
  array,
  decode,
  encode,
  fixedBytes,
  struct,
  u32,
  u8,
  uint,
} from '../../../shared/encoding'
import { VoteBodyCodec, voteSignBytes, type VoteBody } from '../chain/block'
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

const GuardCodec = struct({
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
})
type Guard = ReturnType<typeof GuardCodec.read>

/**
 * The validator's consensus signer with double-sign protection: before a signature leaves, the
 * (height, round, step) it is for is written durably; anything at or below the last signed
 * position is refused, except the very same message, whose stored signature is returned again.
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
    pv.last = raw === undefined ? null : decode(GuardCodec, raw)
    return pv
  }

  publicKey(): Uint8Array {
    return this.signer.publicKey()
  }

  /** The last position signed, for resuming after a restart. */
  lastSigned(): { height: number; round: number; step: number } | null {
    return this.last && { height: this.last.height, round: this.last.round, step: this.last.step }
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

  async signVote(body: VoteBody): Promise<Uint8Array> {
    const step = body.type === 1 ? STEP.prevote : STEP.precommit
    return this.guardedSign(
      body.height,
      body.round,
      step,
      voteSignBytes(this.clusterId, body),
      body,
    )
  }

  private guardedSign(
    height: number,
    round: number,
    step: number,
    message: Uint8Array,
    vote: VoteBody | null,
  ): Promise<Uint8Array> {
    const run = this.queue.then(() => this.signOnce(height, round, step, message, vote))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async signOnce(
    height: number,
    round: number,
    step: number,
    message: Uint8Array,
    vote: VoteBody | null,
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
    const next: Guard = { height, round, step, signBytesHash: hash, signature, votes }
    await this.store.putSignGuard(encode(GuardCodec, next))
    this.last = next
    return signature
  }
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  return 0
}

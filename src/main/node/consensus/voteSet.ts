import { toHex } from '../../../shared/encoding'
import type { ValidatorSet } from '../chain/validators'
import type { SignedVote } from './messages'

/** Two different votes by one validator for the same height, round and type. */
export interface Equivocation {
  readonly first: SignedVote
  readonly second: SignedVote
}

const NIL = 'nil'

/** How many different values one validator's votes may count for (an equivocator has two). */
const MAX_VALUES_PER_VALIDATOR = 2

function voteKey(v: SignedVote): string {
  return v.body.blockHash === null ? NIL : toHex(v.body.blockHash)
}

/**
 * The votes of one type in one round of one height, with the power behind each block hash.
 *
 * A validator that votes twice is Byzantine and is reported as evidence; its second vote still
 * counts for the value it names (bounded to two values). Safety does not depend on it (two
 * conflicting quorums would still need more than a third of the power to equivocate), but
 * liveness does: honest nodes that each saw a different one of its votes can otherwise disagree
 * about a proof of lock forever (CometBFT's vote sets accept such votes for a claimed majority).
 */
export class RoundVoteSet {
  private readonly byValidator = new Map<number, SignedVote[]>()
  private readonly powerByValue = new Map<string, bigint>()
  private total = 0n

  constructor(private readonly validators: ValidatorSet) {}

  /** Adds a verified vote. Returns evidence if it conflicts with one already held. */
  add(vote: SignedVote, index: number): Equivocation | null {
    const existing = this.byValidator.get(index) ?? []
    const key = voteKey(vote)
    if (existing.some((v) => voteKey(v) === key)) return null
    const power = this.validators.validators[index]!.power
    if (existing.length === 0) this.total += power
    if (existing.length < MAX_VALUES_PER_VALIDATOR) {
      this.byValidator.set(index, [...existing, vote])
      this.powerByValue.set(key, (this.powerByValue.get(key) ?? 0n) + power)
    }
    return existing.length === 0 ? null : { first: existing[0]!, second: vote }
  }

  /** True when this validator's vote here is already exactly `vote` (a duplicate to skip). */
  hasSameVote(index: number, vote: SignedVote): boolean {
    const key = voteKey(vote)
    return (this.byValidator.get(index) ?? []).some((v) => voteKey(v) === key)
  }

  /** More than 2/3 of the power voted, for anything. */
  hasTwoThirdsAny(): boolean {
    return this.validators.hasTwoThirds(this.total)
  }

  powerFor(blockHashHex: string): bigint {
    return this.powerByValue.get(blockHashHex) ?? 0n
  }

  /** Votes for one block hash, one per validator, in validator order (a commit's order). */
  votesFor(blockHashHex: string): SignedVote[] {
    return [...this.byValidator.entries()]
      .sort((a, b) => a[0] - b[0])
      .flatMap(([, votes]) => votes.filter((v) => voteKey(v) === blockHashHex))
  }

  /** Every vote held, in validator order. */
  all(): SignedVote[] {
    return [...this.byValidator.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, v]) => v)
  }

  indices(): number[] {
    return [...this.byValidator.keys()]
  }
}

export { NIL as NIL_VOTE }

import { toHex } from '../../../shared/encoding'
import type { ValidatorSet } from '../chain/validators'
import type { SignedVote } from './messages'

/** Two different votes by one validator for the same height, round and type. */
export interface Equivocation {
  readonly first: SignedVote
  readonly second: SignedVote
}

const NIL = 'nil'

function voteKey(v: SignedVote): string {
  return v.body.blockHash === null ? NIL : toHex(v.body.blockHash)
}

/**
 * The votes of one type in one round of one height, with the power behind each block hash.
 * Only the first vote of each validator counts; a different second vote is kept as evidence.
 */
export class RoundVoteSet {
  private readonly byValidator = new Map<number, SignedVote>()
  private readonly powerByValue = new Map<string, bigint>()
  private total = 0n

  constructor(private readonly validators: ValidatorSet) {}

  /** Adds a verified vote. Returns evidence if it conflicts with one already held. */
  add(vote: SignedVote, index: number): Equivocation | null {
    const existing = this.byValidator.get(index)
    if (existing) {
      return voteKey(existing) === voteKey(vote) ? null : { first: existing, second: vote }
    }
    this.byValidator.set(index, vote)
    const key = voteKey(vote)
    const power = this.validators.validators[index]!.power
    this.powerByValue.set(key, (this.powerByValue.get(key) ?? 0n) + power)
    this.total += power
    return null
  }

  /** True when this validator's vote here is already exactly `vote` (a duplicate to skip). */
  hasSameVote(index: number, vote: SignedVote): boolean {
    const existing = this.byValidator.get(index)
    return existing !== undefined && voteKey(existing) === voteKey(vote)
  }

  /** More than 2/3 of the power voted, for anything. */
  hasTwoThirdsAny(): boolean {
    return this.validators.hasTwoThirds(this.total)
  }

  /** The block hash (hex, or 'nil') that has more than 2/3 of the power, if any. */
  twoThirdsMajority(): string | null {
    for (const [key, power] of this.powerByValue)
      if (this.validators.hasTwoThirds(power)) return key
    return null
  }

  powerFor(blockHashHex: string): bigint {
    return this.powerByValue.get(blockHashHex) ?? 0n
  }

  /** Votes for one block hash, in validator order (the canonical order of a commit). */
  votesFor(blockHashHex: string): SignedVote[] {
    return [...this.byValidator.entries()]
      .filter(([, v]) => voteKey(v) === blockHashHex)
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => v)
  }

  indices(): number[] {
    return [...this.byValidator.keys()]
  }
}

export { NIL as NIL_VOTE }

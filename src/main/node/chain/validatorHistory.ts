import type { ValidatorSet } from './validators'

interface Epoch {
  /** The first height this set votes at. */
  readonly start: number
  /** The set at `start`, with that height's proposer priorities. */
  readonly set: ValidatorSet
}

/**
 * Every validator set a chain has had, by the height it starts at: what verifying the commit of
 * any past block needs. Within an epoch the members stay the same and the priorities advance one
 * round per height, so the set of a height is its epoch's first set advanced to it.
 */
export class ValidatorHistory {
  private readonly epochs: Epoch[]
  /** The last set rebuilt: sync asks for consecutive heights, each then costs one step. */
  private last: Epoch | null = null

  constructor(first: ValidatorSet) {
    this.epochs = [{ start: 1, set: first }]
  }

  /** Records a set change at `start`, a height after every epoch recorded so far. */
  add(start: number, set: ValidatorSet): void {
    if (start <= this.epochs.at(-1)!.start) throw new RangeError('epochs must be added in order')
    this.epochs.push({ start, set })
  }

  /** The set whose members vote at `height` (≥ 1), with its epoch's first priorities. */
  membersAt(height: number): ValidatorSet {
    return this.epochOf(height).set
  }

  /** The set that votes at `height` (≥ 1), with that height's proposer priorities. */
  at(height: number): ValidatorSet {
    const epoch = this.epochOf(height)
    const last = this.last
    const from = last && last.start <= height && last.start >= epoch.start ? last : epoch
    const set = from.set.advanced(height - from.start)
    this.last = { start: height, set }
    return set
  }

  private epochOf(height: number): Epoch {
    if (height < 1) throw new RangeError(`no validator set at height ${height}`)
    // Binary search for the last epoch starting at or before `height`.
    let lo = 0
    let hi = this.epochs.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.epochs[mid]!.start <= height) lo = mid
      else hi = mid - 1
    }
    return this.epochs[lo]!
  }
}

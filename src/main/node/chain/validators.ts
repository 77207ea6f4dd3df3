import { encodeAddress } from '../../../shared/address'
import { ceilDiv, floorDiv } from '../../../shared/cee/int'
import {
  array,
  bytesEqual,
  compareBytes,
  encode,
  fixedBytes,
  struct,
  u128,
  toHex,
} from '../../../shared/encoding'
import { PUBLIC_KEY_LENGTH, addressOf, sha256 } from '../crypto'
import { MAX_VALIDATORS } from './block'

/** A member of a validator set: its consensus public key and voting power. */
export interface Member {
  readonly publicKey: Uint8Array
  readonly power: bigint
}

/** A validator: its consensus public key, address and voting power. */
export interface Validator extends Member {
  readonly address: Uint8Array
}

const ValidatorsCodec = array(
  struct({ publicKey: fixedBytes(PUBLIC_KEY_LENGTH), power: u128 }),
  10_000,
)

/** Order by power, largest first; at equal power the lower address first. */
export function byPower(
  a: { power: bigint; address: Uint8Array },
  b: { power: bigint; address: Uint8Array },
): number {
  return a.power !== b.power ? (a.power > b.power ? -1 : 1) : compareBytes(a.address, b.address)
}

/**
 * The members that stakes make: every key with at least `minStake`, power = its stake, at most
 * MAX_VALIDATORS of them by power (at equal power the lower address first).
 */
export function selectValidators(stakes: Iterable<Member>, minStake: bigint): Member[] {
  const eligible = [...stakes]
    .filter((s) => s.power >= minStake)
    .map((s) => ({ ...s, address: addressOf(s.publicKey) }))
    .sort(byPower)
  return eligible.slice(0, MAX_VALIDATORS).map((v) => ({ publicKey: v.publicKey, power: v.power }))
}

/**
 * The validators that vote at one height, in canonical order (by address), with the proposer
 * priorities of Tendermint's weighted round-robin, as CometBFT's proposer selection specifies: each
 * round the priorities are re-scaled to a spread of at most 2 × the total power and centred on
 * zero, then every validator gains its power, the one with the highest priority proposes and pays
 * the total power back.
 */
export class ValidatorSet {
  readonly validators: readonly Validator[]
  readonly totalPower: bigint
  private readonly byAddress: Map<string, number>
  private cachedHash: Uint8Array | null = null

  constructor(
    validators: readonly Member[],
    /** Proposer priorities for round 0 of this height, aligned with the sorted validators. */
    readonly priorities: readonly bigint[] = [],
  ) {
    const list = validators
      .filter((v) => v.power > 0n)
      .map((v) => ({ publicKey: v.publicKey, power: v.power, address: addressOf(v.publicKey) }))
      .sort((a, b) => (toHex(a.address) < toHex(b.address) ? -1 : 1))
    if (list.length === 0) throw new RangeError('a validator set needs at least one validator')
    this.validators = list
    this.totalPower = list.reduce((sum, v) => sum + v.power, 0n)
    this.byAddress = new Map(list.map((v, i) => [toHex(v.address), i]))
    if (priorities.length === 0) this.priorities = list.map(() => 0n)
    else if (priorities.length !== list.length) throw new RangeError('priorities do not match set')
  }

  indexOf(address: Uint8Array): number {
    return this.byAddress.get(toHex(address)) ?? -1
  }

  get size(): number {
    return this.validators.length
  }

  /** Hash of the members (not the priorities), committed in block headers for light clients. */
  hash(): Uint8Array {
    this.cachedHash ??= sha256(
      encode(
        ValidatorsCodec,
        this.validators.map((v) => ({ publicKey: v.publicKey, power: v.power })),
      ),
    )
    return this.cachedHash
  }

  /** More than two thirds of the total power (the commit threshold). */
  hasTwoThirds(power: bigint): boolean {
    return power * 3n > this.totalPower * 2n
  }

  /** More than one third of the total power (at least one honest validator among them). */
  hasOneThird(power: bigint): boolean {
    return power * 3n > this.totalPower
  }

  /** The proposer of round `round` at this height. */
  proposer(round: number): Validator {
    let priorities = [...this.priorities]
    let chosen = 0
    for (let r = 0; r <= round; r++) {
      ;[priorities, chosen] = incrementPriorities(this.validators, priorities, this.totalPower)
    }
    return this.validators[chosen]!
  }

  /**
   * The set of the next height: priorities advanced past round 0. With other `members` the set
   * changes as in CometBFT's `UpdateWithChangeSet`: a continuing validator keeps its advanced
   * priority, a new one starts at −(P + ⌊P / 8⌋) ≈ −1.125 × P (so it does not propose at once),
   * where P is the new total power plus the power of the validators that leave; then the
   * priorities are re-scaled to the new total and centred on zero.
   */
  next(members?: readonly Member[]): ValidatorSet {
    const advanced = this.advanced(1)
    const joined = members === undefined ? this : new ValidatorSet(members)
    if (joined.sameMembers(this)) return advanced
    const leaving = this.validators
      .filter((v) => joined.indexOf(v.address) < 0)
      .reduce((sum, v) => sum + v.power, 0n)
    // CometBFT takes the total after updates and before removals, and rounds towards zero.
    const before = joined.totalPower + leaving
    const newcomer = -(before + before / 8n)
    const kept = joined.validators.map((v) => {
      const i = this.indexOf(v.address)
      return i < 0 ? newcomer : advanced.priorities[i]!
    })
    return new ValidatorSet(joined.validators, centre(rescale(kept, joined.totalPower)))
  }

  /** The same members `heights` heights later: priorities advanced past round 0 of each. */
  advanced(heights: number): ValidatorSet {
    let priorities = this.priorities
    for (let h = 0; h < heights; h++) {
      ;[priorities] = incrementPriorities(this.validators, priorities, this.totalPower)
    }
    return new ValidatorSet(this.validators, priorities)
  }

  /** Whether `other` has the same members with the same power. */
  sameMembers(other: ValidatorSet): boolean {
    return bytesEqual(this.hash(), other.hash())
  }

  describe(): { address: string; power: bigint }[] {
    return this.validators.map((v) => ({ address: encodeAddress(v.address), power: v.power }))
  }
}

/**
 * One round of proposer selection (CometBFT's `IncrementProposerPriority(1)`): re-scale, centre,
 * then every validator gains its power and the one with the highest priority pays the total back.
 */
function incrementPriorities(
  validators: readonly Validator[],
  priorities: readonly bigint[],
  total: bigint,
): [bigint[], number] {
  const next = centre(rescale(priorities, total)).map((p, i) => p + validators[i]!.power)
  let best = 0
  // Ties go to the lower index, i.e. the lower address: deterministic on every node.
  for (let i = 1; i < next.length; i++) if (next[i]! > next[best]!) best = i
  next[best] = next[best]! - total
  return [next, best]
}

/**
 * Divides every priority by ⌈spread / (2 × total)⌉ when their spread (max − min) exceeds
 * 2 × total, so that after a large power change (or a powerful validator leaving) nobody waits
 * far behind in the queue: CometBFT's `RescalePriorities`. The division truncates towards zero,
 * as Go's `/` does (bigint `/` does the same).
 */
function rescale(priorities: readonly bigint[], total: bigint): bigint[] {
  const limit = 2n * total
  let max = priorities[0]!
  let min = priorities[0]!
  for (const p of priorities) {
    if (p > max) max = p
    if (p < min) min = p
  }
  const spread = max - min
  if (limit <= 0n || spread <= limit) return [...priorities]
  const ratio = ceilDiv(spread, limit)
  return priorities.map((p) => p / ratio)
}

/**
 * Shifts every priority by the floor of their average so they stay centred on zero (CometBFT
 * divides with big.Int's Euclidean `Div`, which is the floor for a positive count).
 */
function centre(priorities: readonly bigint[]): bigint[] {
  const average = floorDiv(
    priorities.reduce((sum, p) => sum + p, 0n),
    BigInt(priorities.length),
  )
  return priorities.map((p) => p - average)
}

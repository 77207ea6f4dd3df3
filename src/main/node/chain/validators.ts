import { encodeAddress } from '../../../shared/address'
import { array, encode, fixedBytes, struct, u128, toHex } from '../../../shared/encoding'
import { PUBLIC_KEY_LENGTH, addressOf, sha256 } from '../crypto'

/** A validator: its consensus public key and voting power. */
export interface Validator {
  readonly publicKey: Uint8Array
  readonly address: Uint8Array
  readonly power: bigint
}

const ValidatorsCodec = array(
  struct({ publicKey: fixedBytes(PUBLIC_KEY_LENGTH), power: u128 }),
  10_000,
)

/**
 * The validators that vote at one height, in canonical order (by address), with the proposer
 * priorities of Tendermint's weighted round-robin: each round every validator gains its power, the
 * one with the highest priority proposes and pays the total power back.
 */
export class ValidatorSet {
  readonly validators: readonly Validator[]
  readonly totalPower: bigint
  private readonly byAddress: Map<string, number>

  constructor(
    validators: readonly { publicKey: Uint8Array; power: bigint }[],
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

  /** Hash committed in block headers so light clients can follow set changes. */
  hash(): Uint8Array {
    return sha256(
      encode(
        ValidatorsCodec,
        this.validators.map((v) => ({ publicKey: v.publicKey, power: v.power })),
      ),
    )
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

  /** The same set with priorities advanced past round 0, for the next height. */
  next(): ValidatorSet {
    const [priorities] = incrementPriorities(this.validators, this.priorities, this.totalPower)
    return new ValidatorSet(this.validators, priorities)
  }

  describe(): { address: string; power: bigint }[] {
    return this.validators.map((v) => ({ address: encodeAddress(v.address), power: v.power }))
  }
}

function incrementPriorities(
  validators: readonly Validator[],
  priorities: readonly bigint[],
  total: bigint,
): [bigint[], number] {
  const next = priorities.map((p, i) => p + validators[i]!.power)
  let best = 0
  // Ties go to the lower index, i.e. the lower address: deterministic on every node.
  for (let i = 1; i < next.length; i++) if (next[i]! > next[best]!) best = i
  next[best] = next[best]! - total
  return [next, best]
}

import { ADDRESS_LENGTH } from '../../../shared/address'
import {
  concatBytes,
  decode,
  encode,
  fixedBytes,
  fromHex,
  struct,
  toHex,
  u128,
  uint,
} from '../../../shared/encoding'
import { sha256 } from '../crypto'

/** CHR bonded to one validator key: its voting power, and the account that may unbond it. */
export interface StakeRecord {
  readonly owner: Uint8Array
  readonly amount: bigint
}

/** CHR on its way back to `owner`, credited at the end of block `releaseHeight`. */
export interface UnbondingEntry {
  readonly owner: Uint8Array
  readonly amount: bigint
  readonly releaseHeight: number
}

const StakeRecordCodec = struct({ owner: fixedBytes(ADDRESS_LENGTH), amount: u128 })
const UnbondingKeyCodec = struct({ releaseHeight: uint, owner: fixedBytes(ADDRESS_LENGTH) })

export function encodeStake(record: StakeRecord): Uint8Array {
  return encode(StakeRecordCodec, record)
}

export function decodeStake(bytes: Uint8Array): StakeRecord {
  return decode(StakeRecordCodec, bytes)
}

/** A stake record's table key: the validator's consensus public key in hex. */
export function stakeKey(publicKey: Uint8Array): string {
  return toHex(publicKey)
}

/**
 * An unbonding entry's table key: release height (big-endian) then owner. Key order is release
 * order, and two unbondings of one owner that release at the same height share one entry.
 */
export function unbondingKey(releaseHeight: number, owner: Uint8Array): string {
  return toHex(encode(UnbondingKeyCodec, { releaseHeight, owner }))
}

export function unbondingEntry(key: string, amount: bigint): UnbondingEntry {
  const { releaseHeight, owner } = decode(UnbondingKeyCodec, fromHex(key))
  return { owner, amount, releaseHeight }
}

/** The amount of an unbonding entry as stored. */
export function encodeUnbondingAmount(amount: bigint): Uint8Array {
  return encode(u128, amount)
}

export function decodeUnbondingAmount(bytes: Uint8Array): bigint {
  return decode(u128, bytes)
}

/**
 * The staking part of the state hash: every stake record and every unbonding entry, each in key
 * order. Rows have a fixed length, so the concatenation is unambiguous.
 */
export function stakingDigest(
  stakes: Iterable<[string, StakeRecord]>,
  unbonding: Iterable<[string, bigint]>,
): Uint8Array {
  const stakeRows: Uint8Array[] = []
  for (const [key, record] of stakes) stakeRows.push(concatBytes(fromHex(key), encodeStake(record)))
  const unbondingRows: Uint8Array[] = []
  for (const [key, amount] of unbonding) {
    unbondingRows.push(concatBytes(fromHex(key), encodeUnbondingAmount(amount)))
  }
  return sha256(sha256(...stakeRows), sha256(...unbondingRows))
}

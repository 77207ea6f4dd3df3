import { bech32 } from '@scure/base'
import { CodedError } from './errors'

/** Human-readable prefix of every account and validator address. */
export const ADDRESS_PREFIX = 'coh'
/** Addresses are the first 20 bytes of SHA-256 of the Ed25519 public key. */
export const ADDRESS_LENGTH = 20

export class AddressError extends CodedError<'ERR_BAD_ADDRESS'> {}

/** bech32 text of a 20-byte address. */
export function encodeAddress(raw: Uint8Array): string {
  if (raw.length !== ADDRESS_LENGTH) {
    throw new AddressError('ERR_BAD_ADDRESS', `address must be ${ADDRESS_LENGTH} bytes`)
  }
  return bech32.encode(ADDRESS_PREFIX, bech32.toWords(raw))
}

/** The 20 bytes of a bech32 address; refuses a wrong prefix, checksum or length. */
export function decodeAddress(text: string): Uint8Array {
  let decoded: { prefix: string; words: number[] }
  try {
    decoded = bech32.decode(text as `${string}1${string}`)
  } catch {
    throw new AddressError('ERR_BAD_ADDRESS', 'not a valid bech32 address')
  }
  if (decoded.prefix !== ADDRESS_PREFIX) {
    throw new AddressError('ERR_BAD_ADDRESS', `address prefix must be "${ADDRESS_PREFIX}"`)
  }
  const raw = bech32.fromWords(decoded.words)
  if (raw.length !== ADDRESS_LENGTH) {
    throw new AddressError('ERR_BAD_ADDRESS', `address must be ${ADDRESS_LENGTH} bytes`)
  }
  return raw
}

/** True when `text` is a well-formed address of this network. */
export function isAddress(text: string): boolean {
  try {
    decodeAddress(text)
    return true
  } catch {
    return false
  }
}

import { createPublicKey, hash, verify as edVerify, type KeyObject } from 'node:crypto'
import { ADDRESS_LENGTH } from '../../shared/address'
import { counters } from './metrics/counters'

// DER prefix that wraps a raw 32-byte Ed25519 public key as SPKI.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

export const PUBLIC_KEY_LENGTH = 32
export const SIGNATURE_LENGTH = 64
export const HASH_LENGTH = 32

/** SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  // The one-shot hash is much cheaper than a Hash object for the small inputs hashed here.
  const digest = hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer')
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength)
}

// Every transaction needs its sender's address; senders repeat, so addresses are remembered
// (keyed by the key's bytes as a string; the map is emptied when it grows too large).
const ADDRESS_CACHE_SIZE = 100_000
const addressCache = new Map<string, Uint8Array>()

/** The account/validator address of an Ed25519 public key: SHA-256(pubkey)[0..20). */
export function addressOf(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) throw new RangeError('public key must be 32 bytes')
  const id = String.fromCharCode(...publicKey)
  let address = addressCache.get(id)
  if (address === undefined) {
    if (addressCache.size >= ADDRESS_CACHE_SIZE) addressCache.clear()
    address = sha256(publicKey).slice(0, ADDRESS_LENGTH)
    addressCache.set(id, address)
  }
  // A copy, so no caller can change the cached address.
  return address.slice()
}

// Verifying needs a KeyObject per public key; building one costs about as much as a verification,
// so recently used keys are kept (insertion-ordered Map used as a small LRU).
const PUBLIC_KEY_CACHE_SIZE = 4096
const publicKeyCache = new Map<string, KeyObject>()

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('hex')
  let key = publicKeyCache.get(id)
  if (key === undefined) {
    key = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    })
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_SIZE) {
      publicKeyCache.delete(publicKeyCache.keys().next().value as string)
    }
  } else {
    publicKeyCache.delete(id)
  }
  publicKeyCache.set(id, key)
  return key
}

/** Ed25519 verification; false (never a throw) for malformed keys or signatures. */
export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false
  counters.signaturesVerified++
  try {
    return edVerify(null, message, publicKeyObject(publicKey), signature)
  } catch {
    return false
  }
}

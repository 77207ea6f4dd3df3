import { createPrivateKey, createPublicKey, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { assertBytes, wipe } from './bytes'

/** Bytes of an Ed25519 private key (the RFC 8032 seed). */
export const ED25519_PRIVATE_KEY_BYTES = 32

// PKCS#8 and SPKI DER headers for Ed25519 (RFC 8410); the raw key follows each.
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])
const SPKI_PREFIX_BYTES = 12

/** Turns a raw 32-byte private key into a node:crypto key; the DER copy is zeroed. */
export function ed25519PrivateKey(privateKey: Uint8Array): KeyObject {
  assertBytes(privateKey, 'privateKey', ED25519_PRIVATE_KEY_BYTES)
  // Buffer.alloc never hands out the shared pool, so wiping it wipes the only copy.
  const der = Buffer.alloc(PKCS8_PREFIX.length + ED25519_PRIVATE_KEY_BYTES)
  der.set(PKCS8_PREFIX)
  der.set(privateKey, PKCS8_PREFIX.length)
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  } finally {
    wipe(der)
  }
}

/** Raw 32-byte public key of a node:crypto Ed25519 private key. */
export function ed25519PublicKey(key: KeyObject): Uint8Array {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  return new Uint8Array(spki.subarray(SPKI_PREFIX_BYTES))
}

/** Raw public key of a raw private key. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return ed25519PublicKey(ed25519PrivateKey(privateKey))
}

/** Ed25519 signature (64 bytes) of a message. */
export function ed25519Sign(key: KeyObject, message: Uint8Array): Uint8Array {
  assertBytes(message, 'message')
  return new Uint8Array(sign(null, message, key))
}

import { diffieHellman, generateKeyPairSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { NOISE_DH_BYTES } from './constants'
import { NoiseError } from './errors'
import { privateKeyFromRaw, publicKeyFromRaw, rawPublicKey } from './rawKeys'

/**
 * A local X25519 key pair. The private key lives only inside a KeyObject (OpenSSL memory), never
 * in a JavaScript array that could linger un-zeroed.
 */
export interface DhKeyPair {
  publicKey: Uint8Array
  privateKey: KeyObject
}

/** A peer's X25519 public key, raw and imported once for all the DH operations that use it. */
export interface DhPublicKey {
  raw: Uint8Array
  key: KeyObject
}

function checkKeyLength(key: Uint8Array, what: string): void {
  if (key.length !== NOISE_DH_BYTES) {
    throw new NoiseError('ERR_NOISE_BAD_KEY', `${what} must be ${NOISE_DH_BYTES} bytes`)
  }
}

/** A fresh random X25519 key pair (GENERATE_KEYPAIR). */
export function generateDhKeyPair(): DhKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519')
  return { publicKey: rawPublicKey(publicKey), privateKey }
}

/** The key pair of a raw 32-byte X25519 private key; the caller's bytes are not kept. */
export function dhKeyPairFromPrivateKey(privateKey: Uint8Array): DhKeyPair {
  checkKeyLength(privateKey, 'X25519 private key')
  const key = privateKeyFromRaw('X25519', privateKey)
  return { publicKey: rawPublicKey(key), privateKey: key }
}

/** Imports a peer's raw 32-byte X25519 public key. */
export function dhPublicKey(raw: Uint8Array): DhPublicKey {
  checkKeyLength(raw, 'X25519 public key')
  try {
    return { raw: new Uint8Array(raw), key: publicKeyFromRaw('X25519', raw) }
  } catch (err) {
    throw new NoiseError('ERR_NOISE_BAD_KEY', 'malformed X25519 public key', { cause: err })
  }
}

/**
 * X25519 shared secret (DH). A low-order public key makes OpenSSL refuse the all-zero result,
 * reported as ERR_NOISE_BAD_KEY. The caller zeroes the result after use.
 */
export function dh(privateKey: KeyObject, publicKey: DhPublicKey): Uint8Array {
  try {
    return diffieHellman({ privateKey, publicKey: publicKey.key })
  } catch (err) {
    throw new NoiseError('ERR_NOISE_BAD_KEY', 'X25519 key agreement failed', { cause: err })
  }
}

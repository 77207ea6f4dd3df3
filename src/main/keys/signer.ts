import type { KeyObject } from 'node:crypto'
import { ed25519PrivateKey, ed25519PublicKey, ed25519Sign } from './ed25519'

/** Signs with one Ed25519 key without ever revealing it. The node signs blocks through this. */
export interface Signer {
  /** Raw 32-byte public key. */
  publicKey(): Uint8Array
  /** 64-byte Ed25519 signature of the message. */
  sign(message: Uint8Array): Uint8Array
}

/**
 * A signer that owns its key. The private key lives only inside a node:crypto KeyObject (OpenSSL
 * memory, freed when the signer is garbage collected); the caller's raw copy is not kept.
 */
export class Ed25519Signer implements Signer {
  readonly #key: KeyObject
  readonly #publicKey: Uint8Array

  /** Builds a signer from a raw 32-byte private key, which the caller remains free to wipe. */
  constructor(privateKey: Uint8Array) {
    this.#key = ed25519PrivateKey(privateKey)
    this.#publicKey = ed25519PublicKey(this.#key)
  }

  publicKey(): Uint8Array {
    return this.#publicKey.slice()
  }

  sign(message: Uint8Array): Uint8Array {
    return ed25519Sign(this.#key, message)
  }
}

import type { Aead } from './aead'
import { NOISE_KEY_BYTES, NOISE_MAX_MESSAGE_BYTES, NOISE_TAG_BYTES } from './constants'
import { NoiseError } from './errors'

// Section 5.1: 2^64-1 is reserved, so a counter that has reached it can neither encrypt nor decrypt.
const MAX_NONCE = 2n ** 64n - 1n

/**
 * CipherState of the Noise specification section 5.1: a key (or none) and a 64-bit nonce counter.
 * Without a key, encryption and decryption pass the bytes through unchanged.
 */
export class CipherState {
  private key: Uint8Array | null = null
  private nonce = 0n
  private destroyed = false

  constructor(private readonly aead: Aead) {}

  /** Sets the key (a copy is kept) and resets the nonce to zero; `null` removes the key. */
  initializeKey(key: Uint8Array | null): void {
    this.checkUsable()
    if (key !== null && key.length !== NOISE_KEY_BYTES) {
      throw new NoiseError('ERR_NOISE_BAD_KEY', `cipher key must be ${NOISE_KEY_BYTES} bytes`)
    }
    this.key?.fill(0)
    this.key = key === null ? null : new Uint8Array(key)
    this.nonce = 0n
  }

  /** Whether a key is set. */
  hasKey(): boolean {
    return this.key !== null
  }

  /** Sets the nonce counter (SetNonce); used to resume or to test nonce exhaustion. */
  setNonce(nonce: bigint): void {
    if (nonce < 0n || nonce > MAX_NONCE) {
      throw new NoiseError('ERR_NOISE_STATE', 'nonce out of the 64-bit range')
    }
    this.nonce = nonce
  }

  /** EncryptWithAd: encrypts and advances the nonce, or returns a copy of the plaintext. */
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    this.checkUsable()
    if (this.key === null) return new Uint8Array(plaintext)
    if (plaintext.length > NOISE_MAX_MESSAGE_BYTES - NOISE_TAG_BYTES) {
      throw new NoiseError(
        'ERR_NOISE_MESSAGE_TOO_LONG',
        'plaintext does not fit in a Noise message',
      )
    }
    this.checkNonce()
    const ciphertext = this.aead.encrypt(this.key, this.nonce, ad, plaintext)
    this.nonce++
    return ciphertext
  }

  /**
   * DecryptWithAd: decrypts and advances the nonce, or returns a copy of the ciphertext. On an
   * authentication failure (ERR_NOISE_DECRYPT) the nonce does not advance.
   */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    this.checkUsable()
    if (this.key === null) return new Uint8Array(ciphertext)
    if (ciphertext.length > NOISE_MAX_MESSAGE_BYTES) {
      throw new NoiseError('ERR_NOISE_MESSAGE_TOO_LONG', 'ciphertext longer than a Noise message')
    }
    this.checkNonce()
    const plaintext = this.aead.decrypt(this.key, this.nonce, ad, ciphertext)
    this.nonce++
    return plaintext
  }

  /** Zeroes the key; every later call fails with ERR_NOISE_STATE instead of passing bytes through. */
  destroy(): void {
    this.key?.fill(0)
    this.key = null
    this.destroyed = true
  }

  private checkUsable(): void {
    if (this.destroyed) throw new NoiseError('ERR_NOISE_STATE', 'cipher state destroyed')
  }

  private checkNonce(): void {
    if (this.nonce === MAX_NONCE) {
      throw new NoiseError('ERR_NOISE_NONCE_EXHAUSTED', 'nonce counter exhausted')
    }
  }
}

import { utf8 } from '../../../../shared/encoding'
import type { Aead } from './aead'
import { CipherState } from './cipherState'
import { NOISE_HASH_BYTES } from './constants'
import { hkdf2, sha256 } from './hash'

/**
 * SymmetricState of the Noise specification section 5.2: the chaining key `ck`, the handshake
 * hash `h` and the CipherState that encrypts handshake payloads and static keys.
 */
export class SymmetricState {
  private readonly cipherState: CipherState
  private chainingKey: Uint8Array
  private hash: Uint8Array

  /** InitializeSymmetric(protocol_name). */
  constructor(
    protocolName: string,
    private readonly aead: Aead,
  ) {
    const name = utf8(protocolName)
    if (name.length <= NOISE_HASH_BYTES) {
      this.hash = new Uint8Array(NOISE_HASH_BYTES)
      this.hash.set(name)
    } else {
      this.hash = sha256(name)
    }
    this.chainingKey = new Uint8Array(this.hash)
    this.cipherState = new CipherState(aead)
  }

  /** MixKey: feeds key material into the chaining key and rekeys the handshake cipher. */
  mixKey(inputKeyMaterial: Uint8Array): void {
    const [chainingKey, tempKey] = hkdf2(this.chainingKey, inputKeyMaterial)
    this.chainingKey.fill(0)
    this.chainingKey = chainingKey
    this.cipherState.initializeKey(tempKey)
    tempKey.fill(0)
  }

  /** MixHash: h = HASH(h ‖ data). */
  mixHash(data: Uint8Array): void {
    this.hash = sha256(this.hash, data)
  }

  /** Whether the handshake cipher has a key yet (decides the length of an encrypted static key). */
  hasKey(): boolean {
    return this.cipherState.hasKey()
  }

  /** A copy of the handshake hash `h` (GetHandshakeHash). */
  handshakeHash(): Uint8Array {
    return new Uint8Array(this.hash)
  }

  /** EncryptAndHash: encrypts with `h` as associated data, then mixes the ciphertext into `h`. */
  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.cipherState.encryptWithAd(this.hash, plaintext)
    this.mixHash(ciphertext)
    return ciphertext
  }

  /** DecryptAndHash: decrypts with `h` as associated data, then mixes the ciphertext into `h`. */
  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.cipherState.decryptWithAd(this.hash, ciphertext)
    this.mixHash(ciphertext)
    return plaintext
  }

  /**
   * Split: the two transport CipherStates, the first for initiator-to-responder messages. The
   * chaining key and the handshake cipher are destroyed; only `h` stays readable.
   */
  split(): [CipherState, CipherState] {
    const [key1, key2] = hkdf2(this.chainingKey, new Uint8Array(0))
    const first = new CipherState(this.aead)
    const second = new CipherState(this.aead)
    first.initializeKey(key1)
    second.initializeKey(key2)
    key1.fill(0)
    key2.fill(0)
    this.destroy()
    return [first, second]
  }

  /** Zeroes the chaining key and destroys the handshake cipher (after Split or on failure). */
  destroy(): void {
    this.chainingKey.fill(0)
    this.cipherState.destroy()
  }
}

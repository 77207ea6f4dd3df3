import type { CipherState } from './cipherState'
import { NOISE_MAX_MESSAGE_BYTES, NOISE_TAG_BYTES } from './constants'
import { NoiseError } from './errors'
import type { HandshakeResult } from './handshakeState'

const NO_AD = new Uint8Array(0)

/**
 * An authenticated, encrypted session with one peer after a completed handshake. Frames must be
 * decrypted in the order they were encrypted. Any bad incoming frame closes the session for good.
 */
export interface SecureSession {
  /** The peer's Ed25519 public key, proven inside the handshake. */
  readonly remoteIdentity: Uint8Array
  /** The final Noise handshake hash, equal on both sides: a channel binding. */
  readonly handshakeHash: Uint8Array
  readonly isClosed: boolean
  /** Encrypts one frame; ERR_NOISE_MESSAGE_TOO_LONG if it would exceed the maximum frame size. */
  encrypt(plaintext: Uint8Array): Uint8Array
  /** Decrypts the next frame; a tampered, replayed, reordered or oversized frame closes the session. */
  decrypt(ciphertext: Uint8Array): Uint8Array
  /** Zeroes the keys; every later call fails with ERR_NOISE_STATE. */
  close(): void
}

class NoiseSecureSession implements SecureSession {
  private closed = false

  constructor(
    readonly remoteIdentity: Uint8Array,
    readonly handshakeHash: Uint8Array,
    private readonly sender: CipherState,
    private readonly receiver: CipherState,
    private readonly maxFrameBytes: number,
  ) {}

  get isClosed(): boolean {
    return this.closed
  }

  encrypt(plaintext: Uint8Array): Uint8Array {
    this.checkOpen()
    if (plaintext.length > this.maxFrameBytes - NOISE_TAG_BYTES) {
      throw new NoiseError('ERR_NOISE_MESSAGE_TOO_LONG', 'plaintext does not fit in one frame')
    }
    return this.closeOnThrow(() => this.sender.encryptWithAd(NO_AD, plaintext))
  }

  decrypt(ciphertext: Uint8Array): Uint8Array {
    this.checkOpen()
    return this.closeOnThrow(() => {
      if (ciphertext.length > this.maxFrameBytes) {
        throw new NoiseError('ERR_NOISE_MESSAGE_TOO_LONG', 'frame exceeds the maximum frame size')
      }
      return this.receiver.decryptWithAd(NO_AD, ciphertext)
    })
  }

  close(): void {
    this.closed = true
    this.sender.destroy()
    this.receiver.destroy()
  }

  private checkOpen(): void {
    if (this.closed) throw new NoiseError('ERR_NOISE_STATE', 'session is closed')
  }

  private closeOnThrow<T>(step: () => T): T {
    try {
      return step()
    } catch (err) {
      this.close()
      throw err
    }
  }
}

/** Throws a RangeError unless `maxFrameBytes` is absent or an integer in 17..65535. */
export function checkMaxFrameBytes(maxFrameBytes: number | undefined): void {
  if (maxFrameBytes === undefined) return
  if (
    !Number.isInteger(maxFrameBytes) ||
    maxFrameBytes <= NOISE_TAG_BYTES ||
    maxFrameBytes > NOISE_MAX_MESSAGE_BYTES
  ) {
    throw new RangeError(`maxFrameBytes must be an integer in ${NOISE_TAG_BYTES + 1}..65535`)
  }
}

/**
 * Wraps the transport states of a completed handshake. `maxFrameBytes` bounds every frame,
 * ciphertext and tag included (see `checkMaxFrameBytes`).
 */
export function createSecureSession(
  handshake: HandshakeResult,
  remoteIdentity: Uint8Array,
  maxFrameBytes: number = NOISE_MAX_MESSAGE_BYTES,
): SecureSession {
  checkMaxFrameBytes(maxFrameBytes)
  return new NoiseSecureSession(
    new Uint8Array(remoteIdentity),
    new Uint8Array(handshake.handshakeHash),
    handshake.send,
    handshake.receive,
    maxFrameBytes,
  )
}

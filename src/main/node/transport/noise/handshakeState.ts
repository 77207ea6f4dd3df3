import { concatBytes } from '../../../../shared/encoding'
import { aeadFor } from './aead'
import type { CipherState } from './cipherState'
import { NOISE_DH_BYTES, NOISE_MAX_MESSAGE_BYTES, NOISE_TAG_BYTES } from './constants'
import { dh, dhKeyPairFromPrivateKey, dhPublicKey, generateDhKeyPair } from './dh'
import type { DhKeyPair, DhPublicKey } from './dh'
import { NoiseError } from './errors'
import { NOISE_PROTOCOLS } from './protocol'
import type { NoiseProtocolName } from './protocol'
import { SymmetricState } from './symmetricState'

type Token = 'e' | 's' | 'ee' | 'es' | 'se'

// Section 7.5: XX is -> e; <- e, ee, s, es; -> s, se. Even indexes are the initiator's.
const XX: readonly (readonly Token[])[] = [['e'], ['e', 'ee', 's', 'es'], ['s', 'se']]

/** What a HandshakeState is built from. */
export interface HandshakeOptions {
  protocolName: NoiseProtocolName
  initiator: boolean
  /** The local static X25519 private key (32 bytes, not kept); a fresh one when absent. */
  staticPrivateKey?: Uint8Array
  /** Bytes both sides must agree on, mixed into the handshake hash; empty by default. */
  prologue?: Uint8Array
  /** A fixed ephemeral private key, for test vectors only; otherwise a fresh one is generated. */
  ephemeralPrivateKey?: Uint8Array
}

/** What a completed handshake hands to the transport. */
export interface HandshakeResult {
  /** The final handshake hash `h`, a channel binding both sides share. */
  handshakeHash: Uint8Array
  /** Encrypts messages to the peer. */
  send: CipherState
  /** Decrypts messages from the peer. */
  receive: CipherState
  remoteStaticPublicKey: Uint8Array
}

type Status = 'running' | 'complete' | 'failed'

/**
 * HandshakeState of the Noise specification section 5.3 for the XX pattern. Messages must be
 * written and read strictly in turn; after the last one, `result()` gives the transport states.
 * Any failure while processing a message destroys the state.
 */
export class HandshakeState {
  private readonly symmetric: SymmetricState
  private readonly initiator: boolean
  private readonly localStatic: Uint8Array
  private s: DhKeyPair | null
  private e: DhKeyPair | null
  private rs: DhPublicKey | null = null
  private re: DhPublicKey | null = null
  private messageIndex = 0
  private status: Status = 'running'
  private completed: HandshakeResult | null = null

  constructor(options: HandshakeOptions) {
    this.initiator = options.initiator
    const { staticPrivateKey, ephemeralPrivateKey } = options
    this.s =
      staticPrivateKey === undefined
        ? generateDhKeyPair()
        : dhKeyPairFromPrivateKey(staticPrivateKey)
    this.localStatic = this.s.publicKey
    this.e = ephemeralPrivateKey === undefined ? null : dhKeyPairFromPrivateKey(ephemeralPrivateKey)
    const aead = aeadFor(NOISE_PROTOCOLS[options.protocolName])
    this.symmetric = new SymmetricState(options.protocolName, aead)
    this.symmetric.mixHash(options.prologue ?? new Uint8Array(0))
  }

  /** The local static public key, which the peer learns during the handshake. */
  get localStaticPublicKey(): Uint8Array {
    return new Uint8Array(this.localStatic)
  }

  /** The peer's static public key once its `s` token has been read, else `null`. */
  get remoteStaticPublicKey(): Uint8Array | null {
    return this.rs === null ? null : new Uint8Array(this.rs.raw)
  }

  /** Whether the last handshake message has been written or read. */
  get isComplete(): boolean {
    return this.status === 'complete'
  }

  /** The current handshake hash; after completion it is the final one. */
  handshakeHash(): Uint8Array {
    return this.symmetric.handshakeHash()
  }

  /** WriteMessage: the next handshake message carrying `payload`. */
  writeMessage(payload: Uint8Array): Uint8Array {
    const tokens = this.nextTokens(true)
    const overhead = messageOverhead(tokens, this.symmetric.hasKey())
    if (payload.length > NOISE_MAX_MESSAGE_BYTES - overhead) {
      throw new NoiseError('ERR_NOISE_MESSAGE_TOO_LONG', 'payload does not fit in the message')
    }
    return this.failOnThrow(() => {
      const parts: Uint8Array[] = []
      for (const token of tokens) {
        if (token === 'e') {
          this.e ??= generateDhKeyPair()
          parts.push(this.e.publicKey)
          this.symmetric.mixHash(this.e.publicKey)
        } else if (token === 's') {
          parts.push(this.symmetric.encryptAndHash(this.localStatic))
        } else {
          this.mixDh(token)
        }
      }
      parts.push(this.symmetric.encryptAndHash(payload))
      this.advance()
      return concatBytes(...parts)
    })
  }

  /** ReadMessage: processes the peer's next handshake message and returns its payload. */
  readMessage(message: Uint8Array): Uint8Array {
    return this.failOnThrow(() => {
      const tokens = this.nextTokens(false)
      if (message.length > NOISE_MAX_MESSAGE_BYTES) {
        throw new NoiseError('ERR_NOISE_MESSAGE_TOO_LONG', 'handshake message too long')
      }
      if (message.length < messageOverhead(tokens, this.symmetric.hasKey())) {
        throw new NoiseError('ERR_NOISE_DECRYPT', 'handshake message too short')
      }
      let offset = 0
      for (const token of tokens) {
        if (token === 'e') {
          this.re = dhPublicKey(message.subarray(offset, offset + NOISE_DH_BYTES))
          offset += NOISE_DH_BYTES
          this.symmetric.mixHash(this.re.raw)
        } else if (token === 's') {
          const length = NOISE_DH_BYTES + (this.symmetric.hasKey() ? NOISE_TAG_BYTES : 0)
          this.rs = dhPublicKey(
            this.symmetric.decryptAndHash(message.subarray(offset, offset + length)),
          )
          offset += length
        } else {
          this.mixDh(token)
        }
      }
      const payload = this.symmetric.decryptAndHash(message.subarray(offset))
      this.advance()
      return payload
    })
  }

  /** The transport states and final hash; fails with ERR_NOISE_STATE before completion. */
  result(): HandshakeResult {
    if (this.completed === null) {
      throw new NoiseError('ERR_NOISE_STATE', 'handshake not complete')
    }
    return this.completed
  }

  /** Abandons the handshake: zeroes the secrets it holds; later calls fail with ERR_NOISE_STATE. */
  destroy(): void {
    if (this.status === 'running') this.status = 'failed'
    this.symmetric.destroy()
    this.forgetPrivateKeys()
  }

  private nextTokens(writing: boolean): readonly Token[] {
    const tokens = XX[this.messageIndex]
    if (this.status !== 'running' || tokens === undefined) {
      throw new NoiseError('ERR_NOISE_STATE', `handshake is ${this.status}`)
    }
    if (writing !== (this.initiator === (this.messageIndex % 2 === 0))) {
      const expected = writing ? 'read' : 'write'
      throw new NoiseError(
        'ERR_NOISE_STATE',
        `out of order: message ${this.messageIndex} is ours to ${expected}`,
      )
    }
    return tokens
  }

  private mixDh(token: 'ee' | 'es' | 'se'): void {
    const shared = this.sharedSecret(token)
    this.symmetric.mixKey(shared)
    shared.fill(0)
  }

  // Section 5.3: es is always DH(initiator e, responder s) and se DH(initiator s, responder e).
  private sharedSecret(token: 'ee' | 'es' | 'se'): Uint8Array {
    const e = this.required(this.e, 'local ephemeral key').privateKey
    const s = this.required(this.s, 'local static key').privateKey
    const re = this.required(this.re, 'remote ephemeral key')
    const rs = (): DhPublicKey => this.required(this.rs, 'remote static key')
    if (token === 'ee') return dh(e, re)
    if (token === 'es') return this.initiator ? dh(e, rs()) : dh(s, re)
    return this.initiator ? dh(s, re) : dh(e, rs())
  }

  private advance(): void {
    this.messageIndex++
    if (this.messageIndex < XX.length) return
    const [initiatorToResponder, responderToInitiator] = this.symmetric.split()
    this.completed = {
      handshakeHash: this.symmetric.handshakeHash(),
      send: this.initiator ? initiatorToResponder : responderToInitiator,
      receive: this.initiator ? responderToInitiator : initiatorToResponder,
      remoteStaticPublicKey: this.required(this.rs, 'remote static key').raw,
    }
    this.status = 'complete'
    this.forgetPrivateKeys()
  }

  private failOnThrow<T>(step: () => T): T {
    try {
      return step()
    } catch (err) {
      this.destroy()
      throw err
    }
  }

  private required<T>(value: T | null, what: string): T {
    if (value === null) throw new NoiseError('ERR_NOISE_STATE', `${what} missing`)
    return value
  }

  // The private keys are KeyObjects that cannot be zeroed from JavaScript: drop them so they go.
  private forgetPrivateKeys(): void {
    this.s = null
    this.e = null
  }
}

// The least bytes a message of `tokens` takes with an empty payload.
function messageOverhead(tokens: readonly Token[], hasKey: boolean): number {
  let keyed = hasKey
  let bytes = 0
  for (const token of tokens) {
    if (token === 'e') bytes += NOISE_DH_BYTES
    else if (token === 's') bytes += NOISE_DH_BYTES + (keyed ? NOISE_TAG_BYTES : 0)
    else keyed = true
  }
  return bytes + (keyed ? NOISE_TAG_BYTES : 0)
}

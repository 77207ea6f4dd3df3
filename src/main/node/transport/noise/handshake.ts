import { bytesEqual } from '../../../../shared/encoding'
import type { DuplexChannel } from './channel'
import { NoiseError } from './errors'
import { HandshakeState } from './handshakeState'
import { encodeIdentityPayload, verifyIdentityPayload } from './identity'
import type { NoiseIdentity } from './identity'
import { DEFAULT_NOISE_PROTOCOL } from './protocol'
import type { NoiseProtocolName } from './protocol'
import { checkMaxFrameBytes, createSecureSession } from './secureSession'
import type { SecureSession } from './secureSession'

/** How long a whole handshake may take by default. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000

// setTimeout fires at once for delays beyond a signed 32-bit count of milliseconds.
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** What both ends of `initiateSecureSession` / `acceptSecureSession` are configured with. */
export interface SecureSessionOptions {
  /** The local node's Ed25519 identity, proven to the peer inside the handshake. */
  identity: NoiseIdentity
  /** Refuse (ERR_NOISE_UNKNOWN_PEER) any peer whose Ed25519 public key differs from this. */
  expectedRemoteIdentity?: Uint8Array
  /** Refuse (ERR_NOISE_UNKNOWN_PEER) any peer for which this returns false. */
  isAllowed?: (remoteIdentity: Uint8Array) => boolean
  /** Bytes both sides must agree on (e.g. the cluster id); a difference fails the handshake. */
  prologue?: Uint8Array
  protocolName?: NoiseProtocolName
  /** Fails the handshake with ERR_NOISE_TIMEOUT after this long; 10 s by default. */
  timeoutMs?: number
  /** Largest transport frame, tag included; 65535 by default. */
  maxFrameBytes?: number
  /** The Noise static X25519 private key; a fresh one per session when absent. */
  staticPrivateKey?: Uint8Array
}

function checkTimeoutMs(ms: number): void {
  if (!(ms > 0 && ms <= MAX_TIMEOUT_MS)) {
    throw new RangeError(`timeoutMs must be in 1..${MAX_TIMEOUT_MS}`)
  }
}

// One timer for the whole handshake, raced against every receive so a silent peer cannot stall it.
class Deadline {
  private timer: NodeJS.Timeout | undefined
  private readonly expired: Promise<never>

  constructor(ms: number) {
    this.expired = new Promise((_, reject) => {
      this.timer = setTimeout(() => {
        reject(new NoiseError('ERR_NOISE_TIMEOUT', `handshake not done within ${ms} ms`))
      }, ms)
    })
    // The rejection is observed through `receive`; this keeps an unraced expiry from being unhandled.
    this.expired.catch(() => undefined)
  }

  receive(channel: DuplexChannel): Promise<Uint8Array> {
    return Promise.race([channel.receive(), this.expired])
  }

  cancel(): void {
    clearTimeout(this.timer)
  }
}

function authenticatePeer(
  handshake: HandshakeState,
  payload: Uint8Array,
  options: SecureSessionOptions,
): Uint8Array {
  const remoteStatic = handshake.remoteStaticPublicKey
  if (remoteStatic === null) throw new NoiseError('ERR_NOISE_STATE', 'peer static key not read')
  const remoteIdentity = verifyIdentityPayload(payload, remoteStatic)
  const expected = options.expectedRemoteIdentity
  if (expected !== undefined && !bytesEqual(expected, remoteIdentity)) {
    throw new NoiseError('ERR_NOISE_UNKNOWN_PEER', 'peer is not the expected identity')
  }
  if (options.isAllowed !== undefined && !options.isAllowed(remoteIdentity)) {
    throw new NoiseError('ERR_NOISE_UNKNOWN_PEER', 'peer identity is not allowed')
  }
  return remoteIdentity
}

async function runHandshake(
  channel: DuplexChannel,
  options: SecureSessionOptions,
  initiator: boolean,
): Promise<SecureSession> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
  checkTimeoutMs(timeoutMs)
  checkMaxFrameBytes(options.maxFrameBytes)
  const handshake = new HandshakeState({
    protocolName: options.protocolName ?? DEFAULT_NOISE_PROTOCOL,
    initiator,
    prologue: options.prologue,
    staticPrivateKey: options.staticPrivateKey,
  })
  const deadline = new Deadline(timeoutMs)
  const ownIdentity = (): Uint8Array =>
    encodeIdentityPayload(options.identity, handshake.localStaticPublicKey)
  try {
    let remoteIdentity: Uint8Array
    if (initiator) {
      // Our identity goes out in the last message, and only once the responder's has passed.
      channel.send(handshake.writeMessage(new Uint8Array(0)))
      const reply = handshake.readMessage(await deadline.receive(channel))
      remoteIdentity = authenticatePeer(handshake, reply, options)
      channel.send(handshake.writeMessage(ownIdentity()))
    } else {
      const hello = handshake.readMessage(await deadline.receive(channel))
      // Message 1 carries no payload here; bytes there mean a later message arrived first.
      if (hello.length !== 0) {
        throw new NoiseError('ERR_NOISE_STATE', 'unexpected payload in handshake message 1')
      }
      channel.send(handshake.writeMessage(ownIdentity()))
      const final = handshake.readMessage(await deadline.receive(channel))
      remoteIdentity = authenticatePeer(handshake, final, options)
    }
    return createSecureSession(handshake.result(), remoteIdentity, options.maxFrameBytes)
  } finally {
    deadline.cancel()
    handshake.destroy()
  }
}

/**
 * Runs the XX handshake as initiator over `channel` and returns the authenticated session. The
 * responder's identity is checked before ours is sent. On any failure the caller closes `channel`.
 */
export function initiateSecureSession(
  channel: DuplexChannel,
  options: SecureSessionOptions,
): Promise<SecureSession> {
  return runHandshake(channel, options, true)
}

/**
 * Runs the XX handshake as responder over `channel` and returns the authenticated session. On any
 * failure the caller closes `channel`.
 */
export function acceptSecureSession(
  channel: DuplexChannel,
  options: SecureSessionOptions,
): Promise<SecureSession> {
  return runHandshake(channel, options, false)
}

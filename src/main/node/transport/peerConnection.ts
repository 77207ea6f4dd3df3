import { toHex } from '../../../shared/encoding'
import type { Logger } from '../logger'
import { acceptSecureSession, initiateSecureSession, NoiseError } from './noise'
import type { NoiseIdentity, SecureSession } from './noise'
import { checkMaxMessageBytes, encodeMessageFrames, PING_FRAME, Reassembler } from './frames'
import { PeerError } from './peerError'
import { TokenBucket } from './tokenBucket'
import type { PeerChannel } from './wsChannel'

/** Largest application message by default: 1 MiB of plaintext. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024

/** How long the Noise handshake may take by default. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000

/** How long a connection may receive nothing at all by default; keepalives go out at a third. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000

/**
 * Incoming budget per peer, each bucket holding one second's worth. Every received frame counts
 * as one message (a chunk of a large message is a frame); bytes are counted on the wire.
 */
export interface RateLimit {
  messagesPerSecond: number
  bytesPerSecond: number
}

/** Default incoming budget: room for a few maximum-size messages per second. */
export const DEFAULT_RATE_LIMIT: RateLimit = {
  messagesPerSecond: 500,
  bytesPerSecond: 8 * 1024 * 1024,
}

/** How both ends of a peer connection are configured. */
export interface PeerConnectionOptions {
  /** The node's Ed25519 identity, proven to the peer inside the handshake. */
  identity: NoiseIdentity
  /** Refuses (ERR_PEER_UNKNOWN) any peer whose Ed25519 public key this rejects. */
  isAllowed?: (publicKey: Uint8Array) => boolean
  /** Bytes both ends must agree on (e.g. the cluster id); a difference fails the handshake. */
  prologue?: Uint8Array
  /** Largest application message (plaintext) sent or accepted; 1 MiB by default. */
  maxFrameBytes?: number
  rateLimit?: RateLimit
  handshakeTimeoutMs?: number
  idleTimeoutMs?: number
  logger: Logger
}

/** An authenticated, encrypted, rate-limited message link to one peer. */
export interface PeerConnection {
  /** The peer's Ed25519 public key, proven in the handshake. */
  readonly remoteIdentity: Uint8Array
  readonly isClosed: boolean
  /**
   * Sends one application message. Throws ERR_PEER_FRAME_TOO_LARGE (the connection stays open)
   * above the maximum size, ERR_PEER_CLOSED once closed.
   */
  send(message: Uint8Array): void
  /** Sets the one message handler; messages received before it was set are handed to it now. */
  onMessage(handler: (message: Uint8Array) => void): void
  /** Adds a handler called once with the reason the connection closed (at once if it already has). */
  onClose(handler: (reason: PeerError) => void): void
  /** Closes the connection; the peer is told ERR_PEER_CLOSED. */
  close(): void
}

/** Turns a failure from the Noise layer or below into the PeerError it stands for. */
export function toPeerError(err: unknown, inHandshake: boolean): PeerError {
  if (err instanceof PeerError) return err
  if (err instanceof NoiseError) {
    if (err.code === 'ERR_NOISE_UNKNOWN_PEER') return new PeerError('ERR_PEER_UNKNOWN', err.message)
    if (err.code === 'ERR_NOISE_TIMEOUT') return new PeerError('ERR_PEER_TIMEOUT', err.message)
    if (!inHandshake && err.code === 'ERR_NOISE_DECRYPT') {
      return new PeerError('ERR_PEER_DECRYPT', err.message)
    }
    if (err.code === 'ERR_NOISE_MESSAGE_TOO_LONG') {
      return new PeerError('ERR_PEER_FRAME_TOO_LARGE', err.message)
    }
  }
  return inHandshake
    ? new PeerError('ERR_PEER_HANDSHAKE', 'handshake failed', { cause: err })
    : new PeerError('ERR_PEER_PROTOCOL', 'unexpected failure', { cause: err })
}

function checkPositive(name: string, value: number): void {
  if (!(value > 0 && value <= 2 ** 31 - 1)) throw new RangeError(`${name} must be in 1..2^31-1`)
}

/** Peer connection limits with every default filled in. */
export interface ResolvedLimits {
  maxMessageBytes: number
  rateLimit: RateLimit
  handshakeTimeoutMs: number
  idleTimeoutMs: number
}

/** Fills in the defaults and throws a RangeError for any limit out of range. */
export function resolvePeerConnectionOptions(options: PeerConnectionOptions): ResolvedLimits {
  const limits = {
    maxMessageBytes: options.maxFrameBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
  }
  checkMaxMessageBytes(limits.maxMessageBytes)
  checkPositive('handshakeTimeoutMs', limits.handshakeTimeoutMs)
  checkPositive('idleTimeoutMs', limits.idleTimeoutMs)
  checkPositive('rateLimit.messagesPerSecond', limits.rateLimit.messagesPerSecond)
  checkPositive('rateLimit.bytesPerSecond', limits.rateLimit.bytesPerSecond)
  return limits
}

class NoisePeerConnection implements PeerConnection {
  private closeReason: PeerError | null = null
  private messageHandler: ((message: Uint8Array) => void) | null = null
  private readonly pending: Uint8Array[] = []
  private readonly closeHandlers: ((reason: PeerError) => void)[] = []
  private readonly reassembler: Reassembler
  private readonly messageBucket: TokenBucket
  private readonly byteBucket: TokenBucket
  private idleTimer: NodeJS.Timeout | undefined
  private readonly keepalive: NodeJS.Timeout

  constructor(
    private readonly channel: PeerChannel,
    private readonly session: SecureSession,
    private readonly maxMessageBytes: number,
    rateLimit: RateLimit,
    private readonly idleTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.reassembler = new Reassembler(maxMessageBytes)
    this.messageBucket = new TokenBucket(rateLimit.messagesPerSecond, rateLimit.messagesPerSecond)
    this.byteBucket = new TokenBucket(rateLimit.bytesPerSecond, rateLimit.bytesPerSecond)
    this.resetIdle()
    this.keepalive = setInterval(() => this.sendFrame(PING_FRAME), idleTimeoutMs / 3)
    this.keepalive.unref()
    void this.readLoop()
  }

  get remoteIdentity(): Uint8Array {
    return this.session.remoteIdentity
  }

  get isClosed(): boolean {
    return this.closeReason !== null
  }

  send(message: Uint8Array): void {
    if (this.closeReason !== null) throw this.closeReason
    if (message.length > this.maxMessageBytes) {
      throw new PeerError('ERR_PEER_FRAME_TOO_LARGE', 'message exceeds the maximum size')
    }
    for (const frame of encodeMessageFrames(message)) this.sendFrame(frame)
  }

  onMessage(handler: (message: Uint8Array) => void): void {
    this.messageHandler = handler
    for (const message of this.pending.splice(0)) this.deliver(message)
  }

  onClose(handler: (reason: PeerError) => void): void {
    if (this.closeReason === null) this.closeHandlers.push(handler)
    else this.notifyClose(handler, this.closeReason)
  }

  close(): void {
    this.shut(new PeerError('ERR_PEER_CLOSED', 'closed locally'))
  }

  private sendFrame(frame: Uint8Array): void {
    if (this.isClosed) return
    try {
      this.channel.send(this.session.encrypt(frame))
    } catch (err) {
      this.shut(toPeerError(err, false))
    }
  }

  private async readLoop(): Promise<void> {
    while (!this.isClosed) {
      let frame: Uint8Array
      try {
        frame = await this.channel.receive()
      } catch (err) {
        this.shut(toPeerError(err, false))
        return
      }
      this.onFrame(frame)
    }
  }

  private onFrame(frame: Uint8Array): void {
    if (this.isClosed) return
    this.resetIdle()
    let message: Uint8Array | null
    try {
      if (!this.messageBucket.take(1) || !this.byteBucket.take(frame.length)) {
        throw new PeerError('ERR_PEER_RATE_LIMIT', 'peer exceeded its rate limit')
      }
      message = this.reassembler.push(this.session.decrypt(frame))
    } catch (err) {
      this.shut(toPeerError(err, false))
      return
    }
    if (message === null) return
    if (this.messageHandler === null) this.pending.push(message)
    else this.deliver(message)
  }

  private deliver(message: Uint8Array): void {
    try {
      this.messageHandler?.(message)
    } catch (err) {
      this.logger.error('peer message handler threw', { error: String(err) })
    }
  }

  private resetIdle(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      this.shut(new PeerError('ERR_PEER_TIMEOUT', `nothing received for ${this.idleTimeoutMs} ms`))
    }, this.idleTimeoutMs)
    this.idleTimer.unref()
  }

  private shut(reason: PeerError): void {
    if (this.isClosed) return
    this.closeReason = reason
    clearTimeout(this.idleTimer)
    clearInterval(this.keepalive)
    this.session.close()
    this.channel.close(reason)
    const level = reason.code === 'ERR_PEER_CLOSED' ? 'info' : 'warn'
    this.logger[level]('peer connection closed', { code: reason.code, reason: reason.message })
    for (const handler of this.closeHandlers.splice(0)) this.notifyClose(handler, reason)
  }

  private notifyClose(handler: (reason: PeerError) => void, reason: PeerError): void {
    try {
      handler(reason)
    } catch (err) {
      this.logger.error('peer close handler threw', { error: String(err) })
    }
  }
}

/**
 * Runs the Noise XX handshake over `channel` (as initiator or responder) and wraps the result in
 * a PeerConnection. On failure the channel is closed with the PeerError the promise rejects with:
 * ERR_PEER_UNKNOWN for a refused identity, ERR_PEER_TIMEOUT, ERR_PEER_CLOSED, ERR_PEER_HANDSHAKE.
 */
export async function openPeerConnection(
  channel: PeerChannel,
  options: PeerConnectionOptions,
  role: 'initiator' | 'responder',
): Promise<PeerConnection> {
  const { maxMessageBytes, rateLimit, handshakeTimeoutMs, idleTimeoutMs } =
    resolvePeerConnectionOptions(options)
  const handshake = role === 'initiator' ? initiateSecureSession : acceptSecureSession
  let session: SecureSession
  try {
    session = await handshake(channel, {
      identity: options.identity,
      isAllowed: options.isAllowed,
      prologue: options.prologue,
      timeoutMs: handshakeTimeoutMs,
    })
  } catch (err) {
    const reason = toPeerError(err, true)
    channel.close(reason)
    options.logger.warn('peer handshake failed', { code: reason.code, reason: reason.message })
    throw reason
  }
  const logger = options.logger.child({ peer: toHex(session.remoteIdentity) })
  logger.info('peer connected', { role })
  return new NoisePeerConnection(
    channel,
    session,
    maxMessageBytes,
    rateLimit,
    idleTimeoutMs,
    logger,
  )
}

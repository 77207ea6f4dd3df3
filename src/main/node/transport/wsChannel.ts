import type WebSocket from 'ws'
import { NOISE_MAX_MESSAGE_BYTES } from './noise/constants'
import type { DuplexChannel } from './noise/channel'
import { PeerError, wsCloseCode } from './peerError'
import { counters } from '../metrics/counters'

/** Frames a peer may have queued unread before it is cut off. */
export const DEFAULT_MAX_QUEUED_FRAMES = 256

// After we close, how long the peer gets to answer the close handshake before the socket is cut.
const CLOSE_GRACE_MS = 1_000

// ws reports an over-size frame (beyond its maxPayload) with this error code.
const WS_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'

/** A DuplexChannel that can be shut with a reason, which the peer receives as the close reason. */
export interface PeerChannel extends DuplexChannel {
  /** Closes the link; pending and later `receive` calls reject with `reason`. Idempotent. */
  close(reason: PeerError): void
}

/** Limits of one WebSocket channel. */
export interface WsChannelOptions {
  /** Largest frame accepted, in bytes; 65535 (one Noise message) by default. */
  maxFrameBytes?: number
  /** Largest number of received frames waiting for `receive`; 256 by default. */
  maxQueuedFrames?: number
}

/** Only a well-formed error code from the peer is repeated in our messages, never free text. */
function peerCloseReason(code: number, reason: Buffer): string {
  const text = reason.toString('utf8')
  return /^ERR_[A-Z_]{1,40}$/.test(text) ? `${code} ${text}` : `${code}`
}

class WsChannel implements PeerChannel {
  private readonly queue: Uint8Array[] = []
  private readonly waiting: { resolve(b: Uint8Array): void; reject(e: PeerError): void }[] = []
  private failure: PeerError | null = null
  private graceTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly socket: WebSocket,
    private readonly maxFrameBytes: number,
    private readonly maxQueuedFrames: number,
  ) {
    socket.binaryType = 'nodebuffer'
    socket.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary))
    socket.on('error', (err: Error & { code?: string }) => {
      this.close(
        err.code === WS_TOO_LARGE
          ? new PeerError('ERR_PEER_FRAME_TOO_LARGE', 'frame exceeds the maximum size')
          : new PeerError('ERR_PEER_PROTOCOL', 'WebSocket error', { cause: err }),
      )
    })
    socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(this.graceTimer)
      const message = `peer closed the connection (${peerCloseReason(code, reason)})`
      this.fail(new PeerError('ERR_PEER_CLOSED', message), false)
    })
  }

  send(bytes: Uint8Array): void {
    if (this.failure !== null) throw this.failure
    counters.peerBytesSent += bytes.length
    this.socket.send(bytes, { binary: true })
  }

  receive(): Promise<Uint8Array> {
    const next = this.queue.shift()
    if (next !== undefined) return Promise.resolve(next)
    if (this.failure !== null) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }))
  }

  close(reason: PeerError): void {
    if (!this.fail(reason, true)) return
    const state = this.socket.readyState
    if (state === this.socket.OPEN) {
      this.socket.close(wsCloseCode(reason), reason.code)
      this.graceTimer = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS)
      this.graceTimer.unref()
    } else if (state === this.socket.CONNECTING) {
      this.socket.terminate()
    }
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    counters.peerBytesReceived += data.length
    if (this.failure !== null) return
    if (!isBinary) {
      this.close(new PeerError('ERR_PEER_PROTOCOL', 'text frame on a binary channel'))
    } else if (data.length > this.maxFrameBytes) {
      this.close(new PeerError('ERR_PEER_FRAME_TOO_LARGE', 'frame exceeds the maximum size'))
    } else if (this.waiting.length > 0) {
      this.waiting.shift()?.resolve(new Uint8Array(data))
    } else if (this.queue.length >= this.maxQueuedFrames) {
      this.close(new PeerError('ERR_PEER_RATE_LIMIT', 'too many unread frames'))
    } else {
      this.queue.push(new Uint8Array(data))
    }
  }

  // The first failure wins. A local close drops unread frames; a remote one lets them be read.
  private fail(reason: PeerError, dropQueue: boolean): boolean {
    if (this.failure !== null) return false
    this.failure = reason
    if (dropQueue) this.queue.length = 0
    for (const waiter of this.waiting.splice(0)) waiter.reject(reason)
    return true
  }
}

/**
 * Adapts a `ws` WebSocket (open or still connecting) to a PeerChannel carrying binary frames. A
 * text frame, a frame over `maxFrameBytes`, too many unread frames or a socket error closes the
 * socket with a PeerError; once closed, `receive` rejects with that error (ERR_PEER_CLOSED when the
 * peer closed first) and `send` throws it.
 */
export function createWsChannel(socket: WebSocket, options: WsChannelOptions = {}): PeerChannel {
  return new WsChannel(
    socket,
    options.maxFrameBytes ?? NOISE_MAX_MESSAGE_BYTES,
    options.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES,
  )
}

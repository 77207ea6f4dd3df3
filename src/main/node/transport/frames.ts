import { concatBytes } from '../../../shared/encoding'
import { NOISE_MAX_MESSAGE_BYTES, NOISE_TAG_BYTES } from './noise/constants'
import { PeerError } from './peerError'

// Plaintext frame layouts inside one Noise transport message:
//   data:  0x01 ‖ chunk index u16 BE ‖ chunk count u16 BE ‖ chunk bytes
//   ping:  0x02 (keepalive, nothing else)
const KIND_DATA = 0x01
const KIND_PING = 0x02
const DATA_HEADER_BYTES = 5
const MAX_CHUNKS = 0xffff

/** Largest chunk of an application message carried by one data frame. */
export const MAX_CHUNK_BYTES = NOISE_MAX_MESSAGE_BYTES - NOISE_TAG_BYTES - DATA_HEADER_BYTES

/** Largest application message the frame format can carry at all. */
export const MAX_MESSAGE_BYTES_LIMIT = MAX_CHUNK_BYTES * MAX_CHUNKS

/** The keepalive frame. */
export const PING_FRAME = Uint8Array.of(KIND_PING)

/** Throws a RangeError unless `maxMessageBytes` is an integer in 1..MAX_MESSAGE_BYTES_LIMIT. */
export function checkMaxMessageBytes(maxMessageBytes: number): void {
  if (
    !Number.isInteger(maxMessageBytes) ||
    maxMessageBytes < 1 ||
    maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT
  ) {
    throw new RangeError(`maxFrameBytes must be an integer in 1..${MAX_MESSAGE_BYTES_LIMIT}`)
  }
}

/** Splits one application message into data frames: every chunk full except the last. */
export function encodeMessageFrames(message: Uint8Array): Uint8Array[] {
  const count = Math.max(1, Math.ceil(message.length / MAX_CHUNK_BYTES))
  const frames: Uint8Array[] = []
  for (let index = 0; index < count; index++) {
    const chunk = message.subarray(index * MAX_CHUNK_BYTES, (index + 1) * MAX_CHUNK_BYTES)
    const frame = new Uint8Array(DATA_HEADER_BYTES + chunk.length)
    const view = new DataView(frame.buffer)
    view.setUint8(0, KIND_DATA)
    view.setUint16(1, index)
    view.setUint16(3, count)
    frame.set(chunk, DATA_HEADER_BYTES)
    frames.push(frame)
  }
  return frames
}

/**
 * Rebuilds application messages from decrypted frames, in order. Anything but the exact layout
 * `encodeMessageFrames` produces is ERR_PEER_PROTOCOL; a message above `maxMessageBytes` is
 * ERR_PEER_FRAME_TOO_LARGE, detected before it is buffered.
 */
export class Reassembler {
  private chunks: Uint8Array[] = []
  private count = 0
  private readonly maxChunks: number

  constructor(private readonly maxMessageBytes: number) {
    checkMaxMessageBytes(maxMessageBytes)
    this.maxChunks = Math.ceil(maxMessageBytes / MAX_CHUNK_BYTES)
  }

  /** Takes the next frame; returns a completed message, or null for a keepalive or a partial one. */
  push(frame: Uint8Array): Uint8Array | null {
    if (frame.length === 1 && frame[0] === KIND_PING) return null
    if (frame.length < DATA_HEADER_BYTES || frame[0] !== KIND_DATA) {
      throw new PeerError('ERR_PEER_PROTOCOL', 'malformed frame')
    }
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
    const index = view.getUint16(1)
    const count = view.getUint16(3)
    const chunk = frame.subarray(DATA_HEADER_BYTES)
    if (index === 0) this.start(count)
    if (index !== this.chunks.length || count !== this.count) {
      throw new PeerError('ERR_PEER_PROTOCOL', 'chunk out of sequence')
    }
    const last = index === count - 1
    if (!last && chunk.length !== MAX_CHUNK_BYTES) {
      throw new PeerError('ERR_PEER_PROTOCOL', 'short chunk before the last')
    }
    if (index * MAX_CHUNK_BYTES + chunk.length > this.maxMessageBytes) {
      throw new PeerError('ERR_PEER_FRAME_TOO_LARGE', 'message exceeds the maximum size')
    }
    this.chunks.push(chunk)
    if (!last) return null
    const message = concatBytes(...this.chunks)
    this.chunks = []
    this.count = 0
    return message
  }

  private start(count: number): void {
    if (this.chunks.length !== 0 || count === 0) {
      throw new PeerError('ERR_PEER_PROTOCOL', 'chunk out of sequence')
    }
    if (count > this.maxChunks) {
      throw new PeerError('ERR_PEER_FRAME_TOO_LARGE', 'message exceeds the maximum size')
    }
    this.count = count
  }
}

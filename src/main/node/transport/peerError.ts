import { CodedError } from '../../../shared/errors'

/** Stable codes for why a peer connection failed or was closed. */
export type PeerErrorCode =
  | 'ERR_PEER_FRAME_TOO_LARGE'
  | 'ERR_PEER_DECRYPT'
  | 'ERR_PEER_RATE_LIMIT'
  | 'ERR_PEER_PROTOCOL'
  | 'ERR_PEER_TIMEOUT'
  | 'ERR_PEER_UNKNOWN'
  | 'ERR_PEER_HANDSHAKE'
  | 'ERR_PEER_CONNECT'
  | 'ERR_PEER_CLOSED'

/** The one error class of the peer transport; `code` says what went wrong. */
export class PeerError extends CodedError<PeerErrorCode> {}

/** WebSocket close code sent to the peer for each reason (RFC 6455 section 7.4.1). */
export function wsCloseCode(reason: PeerError): number {
  if (reason.code === 'ERR_PEER_CLOSED') return 1000
  if (reason.code === 'ERR_PEER_FRAME_TOO_LARGE') return 1009
  return 1008
}

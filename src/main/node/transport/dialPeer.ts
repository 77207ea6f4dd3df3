import WebSocket from 'ws'
import { NOISE_MAX_MESSAGE_BYTES } from './noise/constants'
import { openPeerConnection, resolvePeerConnectionOptions } from './peerConnection'
import type { PeerConnection, PeerConnectionOptions } from './peerConnection'
import { PeerError } from './peerError'
import { createWsChannel } from './wsChannel'

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('close', () => reject(new PeerError('ERR_PEER_CONNECT', 'could not connect')))
  })
}

/**
 * Connects to the peer server at `url` (`ws://host:port`) and runs the initiator side of the
 * handshake. Rejects with ERR_PEER_CONNECT when the socket cannot open, or with the handshake's
 * PeerError (e.g. ERR_PEER_UNKNOWN when `isAllowed` refuses the server's identity).
 */
export async function dialPeer(
  url: string,
  options: PeerConnectionOptions,
): Promise<PeerConnection> {
  const { handshakeTimeoutMs } = resolvePeerConnectionOptions(options)
  const logger = options.logger.child({ component: 'dialPeer', url })
  const socket = new WebSocket(url, {
    maxPayload: NOISE_MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    handshakeTimeout: handshakeTimeoutMs,
  })
  // The channel listens from the start so that a socket error is never left unhandled.
  const channel = createWsChannel(socket)
  try {
    await opened(socket)
  } catch (err) {
    logger.warn('peer dial failed', { url })
    throw err
  }
  return openPeerConnection(channel, { ...options, logger }, 'initiator')
}

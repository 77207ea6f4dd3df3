import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type WebSocket from 'ws'
import { NOISE_MAX_MESSAGE_BYTES } from './noise/constants'
import { openPeerConnection, resolvePeerConnectionOptions, toPeerError } from './peerConnection'
import type { PeerConnection, PeerConnectionOptions } from './peerConnection'
import { PeerError } from './peerError'
import { createWsChannel } from './wsChannel'
import type { PeerChannel } from './wsChannel'

/** Where and how a peer server listens. */
export interface PeerServerOptions extends PeerConnectionOptions {
  host: string
  /** 0 picks a free port; read it back from `PeerServer.port`. */
  port: number
}

/** A listening peer server: it runs the responder side of the handshake for every connection. */
export interface PeerServer {
  readonly port: number
  /** The `ws://host:port` address peers dial. */
  readonly url: string
  /** Sets the handler for each connection that completed its handshake. */
  onConnection(handler: (connection: PeerConnection) => void): void
  /** Sets the handler for each incoming connection refused before or during the handshake. */
  onRefused(handler: (reason: PeerError) => void): void
  /** Stops listening and closes every connection, established or not. */
  close(): Promise<void>
}

/** Starts a peer server on `options.host`:`options.port`; resolves once it listens. */
export async function startPeerServer(options: PeerServerOptions): Promise<PeerServer> {
  resolvePeerConnectionOptions(options)
  const logger = options.logger.child({ component: 'peerServer' })
  const wss = new WebSocketServer({
    host: options.host,
    port: options.port,
    maxPayload: NOISE_MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  const channels = new Set<PeerChannel>()
  let connectionHandler: (connection: PeerConnection) => void = (connection) => connection.close()
  let refusedHandler: (reason: PeerError) => void = () => {}
  const accept = async (socket: WebSocket): Promise<void> => {
    const channel = createWsChannel(socket)
    channels.add(channel)
    socket.once('close', () => channels.delete(channel))
    let connection: PeerConnection
    try {
      connection = await openPeerConnection(channel, { ...options, logger }, 'responder')
    } catch (err) {
      refusedHandler(toPeerError(err, true))
      return
    }
    connectionHandler(connection)
  }
  wss.on('connection', (socket) => {
    accept(socket).catch((err: unknown) => {
      logger.error('peer connection handler threw', { error: String(err) })
    })
  })
  wss.on('error', (err) => logger.error('peer server error', { error: String(err) }))
  const { port } = wss.address() as AddressInfo
  logger.info('peer server listening', { host: options.host, port })
  return {
    port,
    url: `ws://${options.host}:${port}`,
    onConnection: (handler) => {
      connectionHandler = handler
    },
    onRefused: (handler) => {
      refusedHandler = handler
    },
    close: () => {
      const reason = new PeerError('ERR_PEER_CLOSED', 'server stopping')
      for (const channel of channels) channel.close(reason)
      return new Promise((resolve) => wss.close(() => resolve()))
    },
  }
}

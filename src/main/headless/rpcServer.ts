import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { unlink } from 'node:fs/promises'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { IPC_ERRORS } from '../../shared/ipc/errors'
import {
  MAX_RPC_MESSAGE_BYTES,
  RpcRequestSchema,
  type RpcServerMessage,
} from '../../shared/ipc/wire'
import { writeFileAtomic } from '../files/atomicFile'
import type { Logger } from '../node/logger'
import type { Dispatch } from '../ipc/dispatcher'
import { hostAllowed, LOOPBACK } from './loopback'
import { serveStatic } from './staticFiles'

/** What a CLI needs to reach the running node: written to the data directory with mode 0600. */
export interface RpcEndpointFile {
  readonly port: number
  readonly token: string
  readonly pid: number
}

export interface RpcServerOptions {
  readonly port: number
  /** Built renderer files (index.html and assets). */
  readonly staticDir: string
  /** Where to write the RpcEndpointFile. */
  readonly endpointFile: string
  readonly dispatch: Dispatch
  readonly logger: Logger
}

export interface RunningRpcServer {
  readonly port: number
  readonly token: string
  /** The address to open in a browser; the token rides in the fragment, never sent to a server. */
  readonly uiUrl: string
  /** Pushes an event to every connected client. */
  broadcast(event: string, payload: unknown): void
  close(): Promise<void>
}

function tokenMatches(expected: Buffer, given: string | null): boolean {
  if (given === null) return false
  const g = Buffer.from(given)
  return g.length === expected.length && timingSafeEqual(g, expected)
}

/**
 * Headless mode's server, bound to 127.0.0.1 only: the built UI over HTTP and the typed RPC over
 * WebSocket at /rpc. An RPC connection needs the random access token, a Host naming this
 * loopback port (against DNS rebinding), and no Origin or this server's own.
 */
export async function startRpcServer(options: RpcServerOptions): Promise<RunningRpcServer> {
  const token = randomBytes(32).toString('base64url')
  const expectedToken = Buffer.from(token)
  const clients = new Set<WebSocket>()
  const log = options.logger
  // Known once listening; requests are only handled after that.
  let port = 0

  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req, port)) {
      res.writeHead(403).end()
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    const path = new URL(req.url ?? '/', `http://${LOOPBACK}`).pathname
    void serveStatic(options.staticDir, path, res)
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_RPC_MESSAGE_BYTES })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`)
    const refuse = (status: number, reason: string): void => {
      log.warn('refused RPC connection', { reason })
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== '/rpc') return refuse(404, 'Not Found')
    if (!hostAllowed(req, port)) return refuse(403, 'Forbidden Host')
    const origin = req.headers.origin
    if (origin !== undefined && !ownOrigins(port).includes(origin))
      return refuse(403, 'Forbidden Origin')
    if (!tokenMatches(expectedToken, url.searchParams.get('token')))
      return refuse(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws)
      ws.on('close', () => clients.delete(ws))
      // A bad frame (oversized, invalid UTF-8, protocol error) closes that connection only.
      ws.on('error', (err) => log.warn('RPC connection error', { reason: err.message }))
      ws.on('message', (data, isBinary) => {
        void handleMessage(ws, data as Buffer, isBinary)
      })
    })
  })

  async function handleMessage(ws: WebSocket, data: Buffer, isBinary: boolean): Promise<void> {
    const send = (m: RpcServerMessage): void => ws.send(JSON.stringify(m))
    let json: unknown
    try {
      if (isBinary) throw new Error('binary')
      json = JSON.parse(data.toString('utf8'))
    } catch {
      send({ error: { code: IPC_ERRORS.MALFORMED_MESSAGE, message: 'messages must be JSON text' } })
      return
    }
    const request = RpcRequestSchema.safeParse(json)
    if (!request.success) {
      send({
        error: { code: IPC_ERRORS.MALFORMED_MESSAGE, message: 'expected { id, channel, payload }' },
      })
      return
    }
    const result = await options.dispatch(request.data.channel, request.data.payload)
    send({ id: request.data.id, result })
  }

  port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, LOOPBACK, () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : options.port)
    })
  })
  const endpoint: RpcEndpointFile = { port, token, pid: process.pid }
  await writeFileAtomic(
    options.endpointFile,
    new TextEncoder().encode(JSON.stringify(endpoint) + '\n'),
  )

  return {
    port,
    token,
    uiUrl: `http://${LOOPBACK}:${port}/#token=${token}`,
    broadcast(event, payload) {
      const text = JSON.stringify({ event, payload } satisfies RpcServerMessage)
      for (const ws of clients) ws.send(text)
    },
    async close() {
      for (const ws of clients) ws.close(1001, 'node stopping')
      await unlink(options.endpointFile).catch(() => undefined)
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function ownOrigins(port: number): string[] {
  return [`http://${LOOPBACK}:${port}`, `http://localhost:${port}`]
}

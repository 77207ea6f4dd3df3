import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Ed25519Signer } from '../../src/main/keys/signer'
import { VOTE_TYPE, voteSignBytes } from '../../src/main/node/chain/block'
import type { VoteBody } from '../../src/main/node/chain/block'
import {
  decodeConsensusMessage,
  encodeConsensusMessage,
} from '../../src/main/node/consensus/messages'
import type { ConsensusMessage } from '../../src/main/node/consensus/messages'
import { addressOf, sha256 } from '../../src/main/node/crypto'
import { silentLogger } from '../../src/main/node/logger'
import { dialPeer } from '../../src/main/node/transport/dialPeer'
import { ed25519Identity } from '../../src/main/node/transport/noise'
import { openPeerConnection } from '../../src/main/node/transport/peerConnection'
import type {
  PeerConnection,
  PeerConnectionOptions,
} from '../../src/main/node/transport/peerConnection'
import type { PeerError } from '../../src/main/node/transport/peerError'
import { startPeerServer } from '../../src/main/node/transport/peerServer'
import type { PeerServer, PeerServerOptions } from '../../src/main/node/transport/peerServer'
import { createWsChannel } from '../../src/main/node/transport/wsChannel'
import type { PeerChannel } from '../../src/main/node/transport/wsChannel'
import { bytesEqual, utf8 } from '../../src/shared/encoding'

const KiB = 1024
const MiB = 1024 * KiB
const alice = ed25519Identity(new Uint8Array(32).fill(1))
const bob = ed25519Identity(new Uint8Array(32).fill(2))
const mallory = ed25519Identity(new Uint8Array(32).fill(3))

const servers: PeerServer[] = []
const connections: PeerConnection[] = []

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

function options(
  identity = bob,
  extra: Partial<PeerConnectionOptions> = {},
): PeerConnectionOptions {
  return { identity, logger: silentLogger, ...extra }
}

async function startServer(extra: Partial<PeerServerOptions> = {}): Promise<PeerServer> {
  const server = await startPeerServer({ ...options(alice), host: '127.0.0.1', port: 0, ...extra })
  servers.push(server)
  return server
}

function nextConnection(server: PeerServer): Promise<PeerConnection> {
  return new Promise((resolve) =>
    server.onConnection((connection) => {
      connections.push(connection)
      resolve(connection)
    }),
  )
}

function nextRefusal(server: PeerServer): Promise<PeerError> {
  return new Promise((resolve) => server.onRefused(resolve))
}

function closeReason(connection: PeerConnection): Promise<PeerError> {
  return new Promise((resolve) => connection.onClose(resolve))
}

async function dial(server: PeerServer, extra: Partial<PeerConnectionOptions> = {}) {
  const accepted = nextConnection(server)
  const client = await dialPeer(server.url, options(bob, extra))
  connections.push(client)
  return { client, accepted: await accepted }
}

/** Messages of a connection, awaited one at a time. */
function inbox(connection: PeerConnection): () => Promise<Uint8Array> {
  const queue: Uint8Array[] = []
  const waiters: ((message: Uint8Array) => void)[] = []
  connection.onMessage((message) => {
    const waiter = waiters.shift()
    if (waiter === undefined) queue.push(message)
    else waiter(message)
  })
  return () => {
    const message = queue.shift()
    if (message !== undefined) return Promise.resolve(message)
    return new Promise((resolve) => waiters.push(resolve))
  }
}

/** A plain `ws` client, open, with its close code and reason as a promise. */
async function rawClient(url: string) {
  const socket = new WebSocket(url)
  const closed = once(socket, 'close').then(([code, reason]) => ({
    code: code as number,
    reason: String(reason),
  }))
  await once(socket, 'open')
  return { socket, closed }
}

describe('peer transport over WebSocket', () => {
  it('exchanges messages both ways, chunking large ones and refusing oversized ones', async () => {
    const server = await startServer()
    const { client, accepted } = await dial(server)
    expect(bytesEqual(client.remoteIdentity, alice.publicKey)).toBe(true)
    expect(bytesEqual(accepted.remoteIdentity, bob.publicKey)).toBe(true)
    const serverInbox = inbox(accepted)
    const clientInbox = inbox(client)

    client.send(utf8('hello alice'))
    accepted.send(utf8('hello bob'))
    expect(await serverInbox()).toEqual(utf8('hello alice'))
    expect(await clientInbox()).toEqual(utf8('hello bob'))

    expect(() => client.send(new Uint8Array(3 * MiB))).toThrow(
      expect.objectContaining({ code: 'ERR_PEER_FRAME_TOO_LARGE' }),
    )
    const large = new Uint8Array(randomBytes(700 * KiB))
    client.send(large)
    accepted.send(large)
    // bytesEqual: a deep toEqual over 700 KiB takes seconds.
    expect(bytesEqual(await serverInbox(), large)).toBe(true)
    expect(bytesEqual(await clientInbox(), large)).toBe(true)
    client.send(new Uint8Array(0))
    expect(await serverInbox()).toEqual(new Uint8Array(0))
    expect(client.isClosed).toBe(false)
  })

  it('closes a peer that sends a message above the receiver maximum', async () => {
    const server = await startServer()
    const { client, accepted } = await dial(server, { maxFrameBytes: 4 * MiB })
    const reason = closeReason(accepted)
    const clientReason = closeReason(client)
    client.send(new Uint8Array(3 * MiB))
    expect((await reason).code).toBe('ERR_PEER_FRAME_TOO_LARGE')
    expect((await clientReason).message).toContain('ERR_PEER_FRAME_TOO_LARGE')
  })

  it('refuses identities that isAllowed rejects, on either side', async () => {
    const server = await startServer({ isAllowed: (key) => bytesEqual(key, bob.publicKey) })
    const refused = nextRefusal(server)
    const intruder = await dialPeer(server.url, options(mallory))
    connections.push(intruder)
    expect((await refused).code).toBe('ERR_PEER_UNKNOWN')
    const intruderReason = await closeReason(intruder)
    expect(intruderReason.code).toBe('ERR_PEER_CLOSED')
    expect(intruderReason.message).toContain('ERR_PEER_UNKNOWN')

    const dialed = dialPeer(server.url, options(bob, { isAllowed: () => false }))
    await expect(dialed).rejects.toMatchObject({ code: 'ERR_PEER_UNKNOWN' })
  })

  it('disconnects a raw client sending garbage and keeps serving good peers', async () => {
    const server = await startServer()
    const refused = nextRefusal(server)
    const raw = await rawClient(server.url)
    raw.socket.send(randomBytes(100))
    expect((await refused).code).toBe('ERR_PEER_HANDSHAKE')
    expect(await raw.closed).toEqual({ code: 1008, reason: 'ERR_PEER_HANDSHAKE' })

    const { client, accepted } = await dial(server)
    const next = inbox(accepted)
    client.send(utf8('still here'))
    expect(await next()).toEqual(utf8('still here'))
  })

  it('closes on text frames, over-size frames and a silent handshake', async () => {
    const server = await startServer({ handshakeTimeoutMs: 300 })
    const cases: [(socket: WebSocket) => void, string][] = [
      [(socket) => socket.send('hello'), 'ERR_PEER_PROTOCOL'],
      [(socket) => socket.send(new Uint8Array(70_000)), 'ERR_PEER_FRAME_TOO_LARGE'],
      [() => {}, 'ERR_PEER_TIMEOUT'],
    ]
    for (const [misbehave, code] of cases) {
      const refused = nextRefusal(server)
      const raw = await rawClient(server.url)
      misbehave(raw.socket)
      expect((await refused).code).toBe(code)
      await raw.closed
    }
  })

  it('closes with ERR_PEER_DECRYPT when an encrypted frame is tampered with', async () => {
    const server = await startServer()
    const accepted = nextConnection(server)
    const { socket } = await rawClient(server.url)
    const inner = createWsChannel(socket)
    let sent = 0
    // The initiator's first two sends are handshake messages; every later frame gets a bit flipped.
    const tampering: PeerChannel = {
      send: (bytes) => {
        sent += 1
        const out = bytes.slice()
        if (sent > 2) out[out.length - 1]! ^= 1
        inner.send(out)
      },
      receive: () => inner.receive(),
      close: (reason) => inner.close(reason),
    }
    const client = await openPeerConnection(tampering, options(), 'initiator')
    connections.push(client)
    const reason = closeReason(await accepted)
    client.send(utf8('tampered'))
    expect((await reason).code).toBe('ERR_PEER_DECRYPT')
  })

  it('closes a peer that exceeds its rate limit', async () => {
    const server = await startServer({
      rateLimit: { messagesPerSecond: 5, bytesPerSecond: MiB },
    })
    const { client, accepted } = await dial(server)
    const reason = closeReason(accepted)
    for (let i = 0; i < 20; i++) client.send(utf8(`message ${i}`))
    expect((await reason).code).toBe('ERR_PEER_RATE_LIMIT')
    expect((await closeReason(client)).message).toContain('ERR_PEER_RATE_LIMIT')
  })

  it('closes an idle peer but keeps a peer that sends keepalives', async () => {
    const server = await startServer({ idleTimeoutMs: 300 })
    const quiet = await dial(server)
    expect((await closeReason(quiet.accepted)).code).toBe('ERR_PEER_TIMEOUT')

    const lively = await dial(server, { idleTimeoutMs: 300 })
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(lively.accepted.isClosed).toBe(false)
    expect(lively.client.isClosed).toBe(false)
  })

  it('round-trips a signed consensus vote', async () => {
    const server = await startServer()
    const { client, accepted } = await dial(server)
    const signer = new Ed25519Signer(new Uint8Array(32).fill(7))
    const body: VoteBody = {
      type: VOTE_TYPE.precommit,
      height: 42,
      round: 1,
      blockHash: sha256(utf8('block 42')),
    }
    const vote: ConsensusMessage = {
      kind: 'vote',
      vote: {
        body,
        validator: addressOf(signer.publicKey()),
        signature: signer.sign(voteSignBytes('test-cluster', body)),
      },
    }
    const next = inbox(accepted)
    client.send(encodeConsensusMessage(vote))
    expect(decodeConsensusMessage(await next())).toEqual(vote)
  })
})

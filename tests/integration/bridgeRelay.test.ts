// The relay over real Noise sessions on loopback, between two clusters in this process: the
// bridge endpoint of one chain, the relayer of the other, and what the chains make of it.
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TOKEN_ID, ONE_TOKEN } from '../../src/shared/tokens'
import { startBridgeServer } from '../../src/main/node/bridge/bridgeServer'
import { BridgeTable } from '../../src/main/node/bridge/bridgeState'
import { readBundles } from '../../src/main/node/bridge/bundles'
import { ACK_OUTCOME } from '../../src/main/node/bridge/packet'
import { BRIDGE_PROLOGUE } from '../../src/main/node/bridge/relayProtocol'
import { relayActions } from '../../src/main/node/bridge/relayActions'
import { ClusterRelay } from '../../src/main/node/bridge/relayer'
import { SortedTable, TableView } from '../../src/main/node/ledger/table'
import type { Clock } from '../../src/main/node/clock'
import { silentLogger } from '../../src/main/node/logger'
import { dialPeer } from '../../src/main/node/transport/dialPeer'
import { ed25519Identity } from '../../src/main/node/transport/noise/identity'
import type { PeerServer } from '../../src/main/node/transport/peerServer'
import { testSigner } from '../helpers/txs'
import { tempDir, waitFor } from '../helpers/tempDir'
import { connectedPair, type TestCluster } from '../unit/bridge/twoClusters'

const FLX = TOKEN_ID.FLX
const identity = () => ed25519Identity(randomBytes(32))

/** Real timers, with a reading of "now" the test moves forward. */
function steerableClock(): Clock & { advance(ms: number): void } {
  let offset = 0
  return {
    now: () => Date.now() + offset,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    advance: (ms) => {
      offset += ms
    },
  }
}

describe('bridge relay over Noise sessions', () => {
  const alice = testSigner()
  const bob = testSigner()
  const relayerA = testSigner()
  const relayerB = testSigner()
  let a: TestCluster
  let b: TestCluster
  let servers: PeerServer[]
  let relays: ClusterRelay[]
  let remove: () => Promise<void>
  const clock = steerableClock()

  /** A bridge endpoint of `cluster` on a free loopback port. */
  async function endpoint(cluster: TestCluster): Promise<PeerServer> {
    const server = await startBridgeServer({
      chain: cluster.chain,
      identity: identity(),
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
    })
    servers.push(server)
    return server
  }

  /** A relayer on `to` of the chain `from` serves, through a bridge endpoint of `from`. */
  async function relay(from: TestCluster, to: TestCluster, signer: typeof relayerA) {
    const server = await endpoint(from)
    const r = new ClusterRelay(
      from.clusterId,
      [server.url],
      {
        chain: to.chain,
        submit: (action) => void to.submit(signer, action),
        pendingCount: () => to.pendingOf(signer),
      },
      identity(),
      clock,
      silentLogger,
    )
    relays.push(r)
    return r
  }

  beforeEach(async () => {
    const dir = await tempDir('coherence-relay-')
    remove = dir.remove
    const cap = 1_000_000n * ONE_TOKEN
    ;({ a, b } = await connectedPair(dir.path, {
      accounts: [alice, bob, relayerA, relayerB],
      flowCap: [cap, cap, cap],
      flowWindow: 100,
    }))
    servers = []
    relays = []
  })

  afterEach(async () => {
    for (const r of relays) r.close()
    for (const s of servers) await s.close()
    await a.close()
    await b.close()
    await remove()
  })

  it('carries a transfer to the destination and its acknowledgement back', async () => {
    const aToB = await relay(a, b, relayerB)
    const bToA = await relay(b, a, relayerA)
    const amount = 7n * ONE_TOKEN
    const bobBefore = b.balance(bob.address, FLX)
    const supplyBefore = a.supply[FLX] + b.supply[FLX]
    a.submit(alice, {
      kind: 'bridgeSend',
      cluster: b.clusterId,
      recipient: bob.address,
      token: FLX,
      amount,
      timeoutHeight: 1_000,
    })
    await a.produce()
    await aToB.tick()
    expect(b.pendingOf(relayerB)).toBeGreaterThan(1) // headers, then the packet with its proof
    await b.produce()
    expect(b.balance(bob.address, FLX) - bobBefore).toBe(amount)
    expect(aToB.status()).toMatchObject({ connected: true, remoteTip: a.height })

    await bToA.tick()
    await a.produce()
    const [sent] = await a.chain.transfers()
    expect(sent).toMatchObject({ outcome: ACK_OUTCOME.received, settledHeight: a.height })
    expect(a.table().outbound(b.clusterId, 1)).toBeUndefined()
    expect(a.supply[FLX] + b.supply[FLX]).toBe(supplyBefore)

    // Nothing new to relay: a further round queues headers only, never the packet again.
    await aToB.tick()
    await b.produce()
    expect(b.balance(bob.address, FLX) - bobBefore).toBe(amount)
  })

  it('sends again what a crash lost, once the chain made no progress for a while', async () => {
    const aToB = await relay(a, b, relayerB)
    await a.produce()
    await a.produce()
    await aToB.tick()
    b.dropQueued() // the node holding the relay transactions crashed before a block
    await b.produce()
    expect(b.connection(a.clusterId)!.client.trustedHeight).toBe(0)
    await aToB.tick() // too soon: it still waits for what it queued
    expect(b.pendingOf(relayerB)).toBe(0)
    clock.advance(20_000)
    await aToB.tick()
    await b.produce()
    expect(b.connection(a.clusterId)!.client.trustedHeight).toBe(a.height)
  })

  it('relays a block with more packets than may be pending in parts, the rest after a restart', async () => {
    const count = 130
    const bobBefore = b.balance(bob.address, FLX)
    for (let k = 0; k < count; k++) {
      a.submit(alice, {
        kind: 'bridgeSend',
        cluster: b.clusterId,
        recipient: bob.address,
        token: FLX,
        amount: ONE_TOKEN,
        timeoutHeight: 1_000,
      })
    }
    await a.produce()
    expect(await a.messages(a.height)).toHaveLength(count)
    let aToB = await relay(a, b, relayerB)
    const received = () => b.connection(a.clusterId)!.nextRecvSeq - 1
    const rounds: number[] = []
    let restarted = false
    for (let round = 0; round < 12 && received() < count; round++) {
      await aToB.tick()
      // The mempool refuses a relayer more than 63 transactions ahead of its nonce.
      expect(b.pendingOf(relayerB)).toBeLessThanOrEqual(48)
      await b.produce()
      rounds.push(received())
      if (!restarted && received() > 0) {
        // This node stops between two parts of the block; its successor relays the rest.
        expect(received()).toBeLessThan(count)
        restarted = true
        aToB.close()
        aToB = await relay(a, b, relayerB)
      }
    }
    expect(received(), `received after each round: ${rounds.join(', ')}`).toBe(count)
    expect(restarted).toBe(true)
    expect(b.balance(bob.address, FLX) - bobBefore).toBe(BigInt(count) * ONE_TOKEN)
  })

  it('relays the ack of a packet its own node has not yet seen sent (catching up)', async () => {
    // A's bridge as a member still catching up holds it: before it sent anything to B.
    const behind = new BridgeTable(new TableView(new SortedTable<Uint8Array>()))
    behind.setConnection(b.clusterId, a.connection(b.clusterId)!)
    a.submit(alice, {
      kind: 'bridgeSend',
      cluster: b.clusterId,
      recipient: bob.address,
      token: FLX,
      amount: ONE_TOKEN,
      timeoutHeight: 1_000,
    })
    await a.produce()
    const aToB = await relay(a, b, relayerB)
    await aToB.tick()
    await b.produce()
    // B credited the packet and acknowledged it in the same block.
    const [bundle] = await readBundles(b.chain, a.clusterId, b.height, 1)
    expect(bundle!.messages.map((m) => m.message.kind)).toEqual(['ack'])
    const delivered = relayActions(bundle!, behind).filter((x) => x.kind === 'bridgeDeliver')
    expect(delivered.map((x) => x.message)).toEqual([bundle!.messages[0]!.message])
    // Up to date, A would leave out only an ack it already settled.
    expect(relayActions(bundle!, a.table()).filter((x) => x.kind === 'bridgeDeliver')).toHaveLength(
      1,
    )
  })

  it('closes a session that sends a request it cannot decode', async () => {
    const server = await endpoint(a)
    const session = await dialPeer(server.url, {
      identity: identity(),
      prologue: BRIDGE_PROLOGUE,
      logger: silentLogger,
    })
    let closed = false
    session.onClose(() => {
      closed = true
    })
    session.send(Uint8Array.of(0xff, 1, 2, 3))
    await waitFor(() => (closed ? true : undefined), 5_000, 'the session to close')
  })

  it('refuses a session from outside the bridge protocol (another prologue)', async () => {
    const server = await endpoint(a)
    const refusal = await dialPeer(server.url, {
      identity: identity(),
      prologue: new TextEncoder().encode('a peer of some cluster'),
      logger: silentLogger,
    }).then(
      () => null,
      (err: { code?: string }) => err.code,
    )
    expect(refusal).toBe('ERR_PEER_HANDSHAKE')
  })
})

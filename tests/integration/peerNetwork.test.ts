import { afterAll, describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/shared/address'
import { toHex } from '../../src/shared/encoding'
import { ONE_TOKEN } from '../../src/shared/tokens'
import { blockHash } from '../../src/main/node/chain/block'
import { genesisHash } from '../../src/main/node/chain/genesis'
import { silentLogger } from '../../src/main/node/logger'
import { decodePeerMessage, encodePeerMessage } from '../../src/main/node/p2p/messages'
import type { Network } from '../../src/main/node/p2p/networkFile'
import { PeerManager } from '../../src/main/node/p2p/peerManager'
import { systemClock } from '../../src/main/node/clock'
import { dialPeer } from '../../src/main/node/transport/dialPeer'
import type { PeerConnection } from '../../src/main/node/transport/peerConnection'
import type { PeerError } from '../../src/main/node/transport/peerError'
import { waitFor } from '../helpers/tempDir'
import {
  member,
  startTestNode,
  testNetwork,
  type Member,
  type TestNode,
} from '../helpers/testNetwork'
import { signedTransfer, testSigner, txHex } from '../helpers/txs'

const VALIDATORS = 4
const validators = Array.from({ length: VALIDATORS }, member)
const network: Network = testNetwork('peer-net-test', validators)
const clusterId = network.genesis.clusterId

interface Running extends TestNode {
  readonly peers: PeerManager
}

describe('validators joined by real Noise/WebSocket peers', () => {
  const running: Running[] = []

  async function start(m: Member, seeds: { id: string; url: string }[]): Promise<Running> {
    const peers = await PeerManager.start({
      identity: { publicKey: m.identity.publicKey(), sign: (b) => m.identity.sign(b) },
      prologue: genesisHash(network.genesis),
      listen: { host: '127.0.0.1', port: 0 },
      seeds,
      clock: systemClock,
      logger: silentLogger,
    })
    const node = await startTestNode(m, network, peers, {
      blockTimeMs: 200,
      timeouts: { proposeMs: 1000, prevoteMs: 300, precommitMs: 300, gossipMs: 300 },
    })
    const r = { ...node, peers }
    running.push(r)
    return r
  }

  const seedOf = (r: Running): { id: string; url: string } => ({
    id: r.peers.selfId,
    url: r.peers.listenUrl!,
  })

  afterAll(async () => {
    for (const r of running) {
      await r.stop()
      await r.peers.close()
    }
  })

  it('find each other from one seed, agree on every block, and relay transactions', async () => {
    const first = await start(validators[0]!, [])
    for (const m of validators.slice(1)) await start(m, [seedOf(first)])
    // Peer exchange: everyone learns everyone from the first node.
    await waitFor(
      () => (running.every((r) => r.peers.peers().length === VALIDATORS - 1) ? true : undefined),
      20_000,
      'a full mesh',
    )
    await waitFor(
      () => (running.every((r) => r.node.chain.height >= 5) ? true : undefined),
      30_000,
      'height 5 everywhere',
    )
    for (let h = 1; h <= 5; h++) {
      const hashes = new Set<string>()
      for (const r of running) hashes.add(toHex(blockHash((await r.node.chain.block(h))!.header)))
      expect(hashes.size, `height ${h}`).toBe(1)
    }
    const info = first.node.consensusInfo()
    expect(info.validators).toHaveLength(VALIDATORS)
    expect(info.recentCommits[0]!.signers.length).toBeGreaterThanOrEqual(3)
    for (const p of first.node.networkInfo().peers) expect(p.latencyMs).not.toBeNull()

    // A transaction submitted to one node reaches the proposers through gossip.
    const sender = validators[3]!.account
    const recipient = testSigner()
    const tx = signedTransfer(clusterId, sender, {
      to: recipient.address,
      token: 0,
      amount: 5n * ONE_TOKEN,
      nonce: 0,
      fee: ONE_TOKEN / 100n,
    })
    running[3]!.node.submitTx(txHex(tx))
    const to = encodeAddress(recipient.address)
    await waitFor(
      () =>
        running.every((r) => r.node.account(to).balances.CHR === (5n * ONE_TOKEN).toString())
          ? true
          : undefined,
      20_000,
      'the transfer committed everywhere',
    )
  })

  it('lets a full node sync the chain from one peer, verified, and then follow the tip', async () => {
    const follower = await start(member(), [seedOf(running[1]!)])
    expect(follower.node.consensusInfo().isValidator).toBe(false)
    const tip = (): number =>
      Math.max(...running.slice(0, VALIDATORS).map((r) => r.node.chain.height))
    await waitFor(
      () =>
        follower.node.chain.height >= tip() - 1 && follower.node.chain.height > 5
          ? true
          : undefined,
      30_000,
      'the follower to catch up',
    )
    const target = tip() + 3
    await waitFor(
      () => (follower.node.chain.height >= target ? true : undefined),
      20_000,
      'the follower to follow the tip',
    )
    const h = follower.node.chain.height
    const ours = await follower.node.chain.block(h)
    const theirs = await running[0]!.node.chain.block(h)
    expect(toHex(blockHash(ours!.header))).toBe(toHex(blockHash(theirs!.header)))
    const sync = follower.node.networkInfo().sync
    expect(sync.target).toBeGreaterThanOrEqual(h - 1)
  })

  it('scores down a peer that relays forged transactions or votes, and drops one that sends garbage', async () => {
    const target = running[0]!
    const intruder = member()
    const dial = (): Promise<PeerConnection> =>
      dialPeer(target.peers.listenUrl!, {
        identity: {
          publicKey: intruder.identity.publicKey(),
          sign: (b) => intruder.identity.sign(b),
        },
        prologue: genesisHash(network.genesis),
        logger: silentLogger,
      })
    const connection = await dial()
    const id = toHex(intruder.identity.publicKey())
    await waitFor(() => target.peers.peers().find((p) => p.id === id), 5_000, 'the intruder listed')

    const forged = signedTransfer(clusterId, intruder.account, {
      to: intruder.account.address,
      token: 0,
      amount: 1n,
      nonce: 0,
      fee: ONE_TOKEN / 100n,
    })
    forged.signature[0] = forged.signature[0]! ^ 1
    connection.send(encodePeerMessage({ kind: 'txs', txs: [Buffer.from(txHex(forged), 'hex')] }))
    await waitFor(
      () => ((target.peers.peers().find((p) => p.id === id)?.score ?? 0) < 0 ? true : undefined),
      5_000,
      'the score to fall',
    )

    // A vote in a validator's name that it never signed.
    const height = target.node.chain.height + 1
    connection.send(
      encodePeerMessage({
        kind: 'consensus',
        message: {
          kind: 'vote',
          vote: {
            body: { type: 1, height, round: 0, blockHash: null },
            validator: validators[1]!.consensus.address,
            signature: new Uint8Array(64).fill(7),
          },
        },
      }),
    )
    await waitFor(
      () => ((target.peers.peers().find((p) => p.id === id)?.score ?? 0) <= -60 ? true : undefined),
      5_000,
      'the forged vote to cost the intruder',
    )

    const closed = new Promise<PeerError>((resolve) => connection.onClose(resolve))
    connection.send(new Uint8Array([0xff, 0x00, 0x01]))
    await closed
    await waitFor(
      () => (target.peers.peers().some((p) => p.id === id) ? undefined : true),
      5_000,
      'the intruder dropped',
    )
    // The chain did not notice.
    const before = target.node.chain.height
    await waitFor(() => (target.node.chain.height > before ? true : undefined), 10_000, 'progress')
  })

  it('bans a peer that answers block sync with a block its validators never signed', async () => {
    const target = running[0]!
    const liar = member()
    const connection = await dialPeer(target.peers.listenUrl!, {
      identity: { publicKey: liar.identity.publicKey(), sign: (b) => liar.identity.sign(b) },
      prologue: genesisHash(network.genesis),
      logger: silentLogger,
    })
    const tip = (await target.node.chain.block(target.node.chain.height))!
    const requested = new Promise<number>((resolve) => {
      connection.onMessage((bytes) => {
        const message = decodePeerMessage(bytes)
        if (message.kind !== 'getBlocks') return
        const header = { ...tip.header, height: message.from }
        const commit = {
          height: message.from,
          round: 0,
          blockHash: blockHash(header),
          signatures: [{ validator: liar.consensus.address, signature: new Uint8Array(64) }],
        }
        connection.send(
          encodePeerMessage({ kind: 'blocks', blocks: [{ block: { ...tip, header }, commit }] }),
        )
        resolve(message.from)
      })
    })
    const closed = new Promise<PeerError>((resolve) => connection.onClose(resolve))
    // Claim to be far ahead, so the target asks this peer for blocks.
    connection.send(
      encodePeerMessage({ kind: 'status', height: tip.header.height + 1000, listenUrl: '' }),
    )
    const from = await requested
    await closed
    expect(target.node.chain.height).toBeGreaterThanOrEqual(from - 1)
    const stored = await target.node.chain.block(from)
    if (stored) expect(stored.header.proposer).not.toEqual(liar.consensus.address)
    // Banned: a new connection is dropped at once.
    const again = await dialPeer(target.peers.listenUrl!, {
      identity: { publicKey: liar.identity.publicKey(), sign: (b) => liar.identity.sign(b) },
      prologue: genesisHash(network.genesis),
      logger: silentLogger,
    })
    await new Promise<PeerError>((resolve) => again.onClose(resolve))
  })

  it('refuses a node of another cluster in the handshake', async () => {
    const stranger = member()
    await expect(
      dialPeer(running[0]!.peers.listenUrl!, {
        identity: {
          publicKey: stranger.identity.publicKey(),
          sign: (b) => stranger.identity.sign(b),
        },
        prologue: new Uint8Array(32),
        logger: silentLogger,
      }),
    ).rejects.toMatchObject({ code: 'ERR_PEER_HANDSHAKE' })
  })
})

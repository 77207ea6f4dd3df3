import { afterEach, describe, expect, it } from 'vitest'
import { toHex } from '../../src/shared/encoding'
import { blockHash } from '../../src/main/node/chain/block'
import type { ConsensusMessage } from '../../src/main/node/consensus/messages'
import type { PeerMessage } from '../../src/main/node/p2p/messages'
import { MessageBus, ring, type MessageBusOptions } from '../helpers/messageBus'
import { waitFor } from '../helpers/tempDir'
import { member, startTestNode, testNetwork, type TestNode } from '../helpers/testNetwork'

const running: TestNode[] = []
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop()
})

async function startCluster(
  size: number,
  bus: MessageBusOptions,
  speed: Parameters<typeof startTestNode>[3],
): Promise<TestNode[]> {
  const members = Array.from({ length: size }, member)
  const network = testNetwork(`relay-test-${size}`, members)
  const messageBus = new MessageBus(bus)
  const nodes: TestNode[] = []
  for (let i = 0; i < size; i++) {
    const node = await startTestNode(members[i]!, network, messageBus.join(i), speed)
    running.push(node)
    nodes.push(node)
  }
  return nodes
}

function heightOf(m: ConsensusMessage): number {
  if (m.kind === 'proposal') return m.body.height
  if (m.kind === 'vote') return m.vote.body.height
  return m.commit.height
}

async function sameHashes(nodes: readonly TestNode[], upTo: number): Promise<void> {
  for (let h = 1; h <= upTo; h++) {
    const hashes = new Set<string>()
    for (const { node } of nodes) {
      const block = await node.chain.block(h)
      hashes.add(toHex(blockHash(block!.header)))
    }
    expect(hashes.size, `height ${h}`).toBe(1)
  }
}

describe('consensus gossip between nodes that are not all connected', () => {
  it('decides every height with 7 validators in a ring, each connected to its two neighbours', async () => {
    const HEIGHTS = 10
    // The gossip period is longer than the propose timeout: the proposal and the votes reach the
    // validators 2 and 3 hops away in time only if each node relays what it receives at once.
    const nodes = await startCluster(
      7,
      { topology: ring(7) },
      {
        blockTimeMs: 50,
        timeouts: { proposeMs: 1000, prevoteMs: 300, precommitMs: 300, gossipMs: 2000 },
      },
    )
    await waitFor(
      () => (Math.min(...nodes.map((n) => n.node.chain.height)) >= HEIGHTS ? true : undefined),
      60_000,
      `height ${HEIGHTS} on all 7 validators`,
    )
    await sameHashes(nodes, HEIGHTS)
    // Height 1 may take another round: the nodes join the bus one after another.
    const rounds: number[] = []
    for (let h = 2; h <= HEIGHTS; h++) rounds.push((await nodes[0]!.node.chain.commitOf(h))!.round)
    expect(rounds).toEqual(rounds.map(() => 0))
  })
})

describe('consensus bandwidth in a full mesh', () => {
  it('sends a proposal over each link, each way, at most once per round, not at every gossip tick', async () => {
    const HEIGHTS = 8
    const bytes = { proposal: 0, vote: 0, decision: 0 }
    const proposalCrossings = new Map<string, number>()
    let lastHeight = 0
    const observe = (from: number, to: number, message: PeerMessage, size: number): void => {
      if (message.kind !== 'consensus') return
      const m = message.message
      // Only the heights measured: those decided after the start and before the end.
      const h = heightOf(m)
      if (h < 2 || h > HEIGHTS + 1) return
      bytes[m.kind] += size
      if (m.kind === 'proposal') {
        const key = `${from}->${to} ${h}/${m.body.round}`
        proposalCrossings.set(key, (proposalCrossings.get(key) ?? 0) + 1)
      }
      lastHeight = Math.max(lastHeight, h)
    }
    // A height lasts several gossip ticks, as with the default timeouts.
    const nodes = await startCluster(
      4,
      { observe },
      {
        blockTimeMs: 400,
        timeouts: { proposeMs: 2000, prevoteMs: 500, precommitMs: 500, gossipMs: 100 },
      },
    )
    await waitFor(
      () => (Math.min(...nodes.map((n) => n.node.chain.height)) >= HEIGHTS + 1 ? true : undefined),
      60_000,
      `height ${HEIGHTS + 1} on all`,
    )
    const perHeight = (n: number): number => Math.round(n / HEIGHTS)
    const maxCrossings = Math.max(...proposalCrossings.values())
    console.log(
      `4-node mesh, per height: proposals ${perHeight(bytes.proposal)} B, votes ${perHeight(
        bytes.vote,
      )} B, decisions ${perHeight(bytes.decision)} B; a proposal went one way over a link at most ${maxCrossings}x`,
    )
    expect(lastHeight).toBeGreaterThan(HEIGHTS)
    expect(maxCrossings).toBe(1)
  })
})

import { afterAll, describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/shared/address'
import { ONE_TOKEN } from '../../src/shared/tokens'
import type { PeerMessage } from '../../src/main/node/p2p/messages'
import type { PeerLink } from '../../src/main/node/p2p/peerLink'
import { MessageBus } from '../helpers/messageBus'
import { waitFor } from '../helpers/tempDir'
import { member, startTestNode, testNetwork, type TestNode } from '../helpers/testNetwork'

const members = Array.from({ length: 4 }, member)
const network = testNetwork('divergence-test', members)

/** Every vote the faulty validator sends: (height, round, type) in order. */
const sentVotes: string[] = []
function recording(link: PeerLink): PeerLink {
  const record = (message: PeerMessage): void => {
    if (message.kind === 'consensus' && message.message.kind === 'vote') {
      const { height, round, type } = message.message.vote.body
      sentVotes.push(`${height}/${round}/${type}`)
    }
  }
  // Consensus gossip sends each peer what it lacks (send); other messages may go by broadcast.
  return {
    ...link,
    selfId: link.selfId,
    listenUrl: link.listenUrl,
    send: (peer, message) => {
      record(message)
      link.send(peer, message)
    },
    broadcast: (message, exceptPeer) => {
      record(message)
      link.broadcast(message, exceptPeer)
    },
  }
}

describe('a validator whose state diverges from the committed chain', () => {
  const bus = new MessageBus()
  const nodes: TestNode[] = []

  afterAll(async () => {
    for (const n of nodes) await n.stop()
  })

  it('stops signing and raises a critical alert, while the others go on', async () => {
    for (const [i, m] of members.entries()) {
      const peers = i === 0 ? recording(bus.join(0)) : bus.join(i)
      nodes.push(
        await startTestNode(m, network, peers, {
          blockTimeMs: 50,
          timeouts: { proposeMs: 400, prevoteMs: 200, precommitMs: 200, gossipMs: 200 },
        }),
      )
    }
    const [faulty, ...honest] = nodes.map((n) => n.node)
    await waitFor(() => (faulty!.chain.height >= 3 ? true : undefined), 20_000, 'height 3')

    // Corrupt the faulty node's ledger in memory: it now computes a different state.
    const view = faulty!.chain.state.view()
    const address = members[0]!.account.address
    const account = view.account(address)
    view.setAccount(address, {
      ...account,
      balances: [account.balances[0] + ONE_TOKEN, account.balances[1], account.balances[2]],
    })
    faulty!.chain.state.apply(view)

    await waitFor(
      async () =>
        (await faulty!.monitor.alerts()).active.some((a) => a.id === 'state.diverged') || undefined,
      20_000,
      'the divergence alert',
    )
    const alert = (await faulty!.monitor.alerts()).active.find((a) => a.id === 'state.diverged')!
    expect(alert.severity).toBe('critical')
    const stuckAt = faulty!.chain.height
    const signedBefore = new Set(sentVotes)

    // The three others keep committing, and none of their new commits carries the faulty
    // validator's signature: it signs nothing any more.
    const from = Math.max(...honest.map((n) => n.chain.height)) + 1
    await waitFor(
      () => (honest.every((n) => n.chain.height >= from + 5) ? true : undefined),
      20_000,
      'the others to go on',
    )
    const faultyAddress = encodeAddress(faulty!.validatorAddress)
    for (let h = from + 1; h <= from + 5; h++) {
      const commit = await honest[0]!.chain.commitOf(h)
      const signers = commit!.signatures.map((s) => encodeAddress(s.validator))
      expect(signers).not.toContain(faultyAddress)
    }
    expect(faulty!.chain.height).toBe(stuckAt)
    // It may repeat what it signed before (gossip), but it signed nothing new.
    expect(sentVotes.filter((v) => !signedBefore.has(v))).toEqual([])
    expect(signedBefore.size).toBeGreaterThan(0)
  })
})

import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/shared/address'
import { VOTE_TYPE, voteSignBytes } from '../../src/main/node/chain/block'
import { MessageBus } from '../helpers/messageBus'
import { waitFor } from '../helpers/tempDir'
import { member, startTestNode, testNetwork, type TestNode } from '../helpers/testNetwork'

const members = Array.from({ length: 4 }, member)
const network = testNetwork('evidence-test', members)
const SPEED = {
  blockTimeMs: 100,
  timeouts: { proposeMs: 2000, prevoteMs: 500, precommitMs: 500, gossipMs: 300 },
}

describe('equivocation evidence', () => {
  const bus = new MessageBus()
  const nodes: TestNode[] = []

  afterAll(async () => {
    for (const n of nodes) await n.stop()
  })

  it('is kept when a validator signs two different prevotes for one height and round', async () => {
    // Three honest nodes; the fourth validator's key is used only to equivocate.
    for (let i = 0; i < 3; i++)
      nodes.push(await startTestNode(members[i]!, network, bus.join(i), SPEED))
    const liar = members[3]!
    const wire = bus.join(3)
    const watcher = nodes[0]!.node
    await waitFor(() => (watcher.chain.height >= 2 ? true : undefined), 20_000, 'height 2')
    const vote = (height: number, blockHash: Uint8Array) => {
      const body = { type: VOTE_TYPE.prevote, height, round: 0, blockHash }
      return {
        kind: 'consensus' as const,
        message: {
          kind: 'vote' as const,
          vote: {
            body,
            validator: liar.consensus.address,
            signature: liar.consensus.sign(voteSignBytes(network.genesis.clusterId, body)),
          },
        },
      }
    }
    await waitFor(
      () => {
        const height = watcher.chain.height + 1
        wire.broadcast(vote(height, new Uint8Array(randomBytes(32))))
        wire.broadcast(vote(height, new Uint8Array(randomBytes(32))))
        return watcher.consensusInfo().evidence.length > 0 ? true : undefined
      },
      20_000,
      'the evidence',
    )
    const [evidence] = watcher.consensusInfo().evidence
    expect(evidence).toMatchObject({
      type: 'prevote',
      round: 0,
      validator: encodeAddress(liar.consensus.address),
    })
    expect(evidence!.first).not.toBe(evidence!.second)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ONE } from '../../../src/shared/cee/fixedPoint'
import { ONE_TOKEN, TOKEN_ID, type Balances } from '../../../src/shared/tokens'
import { genesisSupply } from '../../../src/main/node/chain/genesis'
import { ACK_OUTCOME } from '../../../src/main/node/bridge/packet'
import { tempDir } from '../../helpers/tempDir'
import { testSigner } from '../../helpers/txs'
import { connectedPair, deliveryOf, relayHeaders, START, type TestCluster } from './twoClusters'

// The governor on a real chain: what exceeds the allowance waits in a queue, in order, and is
// credited at the end of a later block once the rolling window has room. Nothing is dropped.

const PSY = TOKEN_ID.PSY
const CAP = 10n * ONE_TOKEN
const WINDOW = 3
const alice = testSigner()
const bob = testSigner()
const relayer = testSigner()

describe('bridge governor queue', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let a: TestCluster
  let b: TestCluster

  beforeAll(async () => {
    dir = await tempDir()
    ;({ a, b } = await connectedPair(dir.path, {
      accounts: [alice, bob, relayer],
      flowCap: [CAP, CAP, CAP],
      flowWindow: WINDOW,
    }))
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    await dir.remove()
  })

  /** Sequences B acknowledged in block `height`, all as received. */
  async function ackedAt(height: number): Promise<number[]> {
    const messages = await b.messages(height)
    for (const m of messages)
      expect(m).toMatchObject({ kind: 'ack', outcome: ACK_OUTCOME.received })
    return messages.map((m) => m.sequence)
  }

  it('credits past the allowance only as the window rolls, in sequence order', async () => {
    // 6 fits the cap of 10; a second 6 would not; 15 exceeds the cap on its own.
    const amounts = [6n, 6n, 15n].map((n) => n * ONE_TOKEN)
    for (const amount of amounts) {
      a.submit(alice, {
        kind: 'bridgeSend',
        cluster: b.clusterId,
        recipient: bob.address,
        token: PSY,
        amount,
        timeoutHeight: b.height + 100,
      })
    }
    const sentAt = (await a.produce()).header.height
    await relayHeaders(a, b, relayer)
    // The full Ψ of A leaves the allowance at the cap itself.
    const psis = b.connection(a.clusterId)!.psis
    expect(psis.length).toBeGreaterThan(0)
    expect(psis.every((psi) => psi === ONE)).toBe(true)

    const deliveries = []
    for (const i of [0, 1, 2]) deliveries.push(b.submit(relayer, await deliveryOf(a, sentAt, i)))
    const k = (await b.produce()).header.height
    for (const tx of deliveries) expect(await b.failureOf(tx)).toBeNull()
    // Every packet is received (no replay possible), but only the first is credited.
    expect(b.connection(a.clusterId)!.nextRecvSeq).toBe(4)
    expect(b.balance(bob.address, PSY)).toBe(START + amounts[0]!)
    expect([...b.table().queued(a.clusterId)].map((p) => p.sequence)).toEqual([2, 3])
    expect(await ackedAt(k)).toEqual([1])

    // Block k's credit leaves the window at k + WINDOW: then the second goes, and the third,
    // alone larger than the cap, waits for an empty window at k + 2·WINDOW.
    const acks: Record<number, number[]> = {}
    const credited: bigint[] = []
    for (let h = k + 1; h <= k + 2 * WINDOW; h++) {
      await b.produce()
      acks[h] = await ackedAt(h)
      credited.push(b.balance(bob.address, PSY) - START)
    }
    expect(acks).toEqual({
      [k + 1]: [],
      [k + 2]: [],
      [k + 3]: [2],
      [k + 4]: [],
      [k + 5]: [],
      [k + 6]: [3],
    })
    const [x, y, z] = amounts as [bigint, bigint, bigint]
    expect(credited).toEqual([x, x, x + y, x + y, x + y, x + y + z])
    expect([...b.table().queued(a.clusterId)]).toEqual([])
  })

  it('settles every packet on A once the acks are relayed, conserving supply', async () => {
    await relayHeaders(b, a, relayer)
    for (let h = 1; h <= b.height; h++) {
      const messages = await b.messages(h)
      for (let i = 0; i < messages.length; i++) {
        expect(await a.run(relayer, await deliveryOf(b, h, i))).toBeNull()
      }
    }
    expect([...a.table().outboundTo(b.clusterId)]).toEqual([])
    const total = (x: Balances, y: Balances) => x.map((v, t) => v + y[t]!)
    expect(total(a.supply, b.supply)).toEqual(
      total(genesisSupply(a.genesis), genesisSupply(b.genesis)),
    )
  })
})

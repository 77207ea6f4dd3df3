import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toHex } from '../../../src/shared/encoding'
import { ONE_TOKEN, TOKEN_ID, type Balances } from '../../../src/shared/tokens'
import { genesisSupply } from '../../../src/main/node/chain/genesis'
import { ValidatorSet } from '../../../src/main/node/chain/validators'
import { ACK_OUTCOME } from '../../../src/main/node/bridge/packet'
import type { Account } from '../../../src/main/node/ledger/account'
import type { Action } from '../../../src/main/node/ledger/tx'
import { tempDir } from '../../helpers/tempDir'
import { testSigner } from '../../helpers/txs'
import { equalStakes, membersOf, signCommit } from './remoteCluster'
import {
  connectedPair,
  deliveryOf,
  FEE,
  headerUpdates,
  relayHeaders,
  START,
  type BridgeDeliver,
  type TestCluster,
} from './twoClusters'

// The bridge end to end between two real chains, with the relayer played by the test: honest
// relays move tokens exactly once, and every lie is refused at the cost of the liar's fee alone.

const PSY = TOKEN_ID.PSY
const FLX = TOKEN_ID.FLX
const alice = testSigner()
const bob = testSigner()
const relayer = testSigner()

let dir: Awaited<ReturnType<typeof tempDir>>
let a: TestCluster
let b: TestCluster
let genesisTotal: Balances

beforeAll(async () => {
  dir = await tempDir()
  // A cap far above every amount here: the governor's queue has its own test.
  const cap = 1_000_000n * ONE_TOKEN
  ;({ a, b } = await connectedPair(dir.path, {
    accounts: [alice, bob, relayer],
    flowCap: [cap, cap, cap],
    flowWindow: 1_000,
  }))
  genesisTotal = sum(genesisSupply(a.genesis), genesisSupply(b.genesis))
})
afterAll(async () => {
  await a.close()
  await b.close()
  await dir.remove()
})

function sum(x: Balances, y: Balances): Balances {
  return [x[0] + y[0], x[1] + y[1], x[2] + y[2]]
}

function minus(total: Balances, token: number, amount: bigint): Balances {
  return total.map((v, t) => (t === token ? v - amount : v)) as unknown as Balances
}

/** Alice sends `amount` PSY to Bob on B in a block of A; returns that block's height. */
async function send(amount: bigint, timeoutHeight = b.height + 100): Promise<number> {
  const code = await a.run(alice, {
    kind: 'bridgeSend',
    cluster: b.clusterId,
    recipient: bob.address,
    token: PSY,
    amount,
    timeoutHeight,
  })
  expect(code).toBeNull()
  return a.height
}

/** Delivers a message with its proof on `to`; returns the height of the block it ran in. */
async function deliver(to: TestCluster, delivery: BridgeDeliver): Promise<number> {
  expect(await to.run(relayer, delivery)).toBeNull()
  return to.height
}

interface Snapshot {
  readonly accounts: Map<string, Account>
  readonly supply: Balances
  readonly bridge: string[]
}

function snapshot(cluster: TestCluster): Snapshot {
  const accounts = new Map<string, Account>()
  for (const [address, account] of cluster.chain.state.entries())
    accounts.set(toHex(address), account)
  const bridge = [...cluster.chain.state.bridge.entries()].map(([k, v]) => `${k}=${toHex(v)}`)
  return { accounts, supply: cluster.chain.state.supply, bridge }
}

/**
 * Includes the relayer's `action` on `cluster` and checks it failed with `code`, changing nothing
 * but the fee moving from the relayer to the block's proposer.
 */
async function expectRefused(cluster: TestCluster, action: Action, code: string): Promise<void> {
  const before = snapshot(cluster)
  const tx = cluster.submit(relayer, action)
  const block = await cluster.produce()
  expect(await cluster.failureOf(tx)).toBe(code)
  const after = snapshot(cluster)
  expect(after.supply).toEqual(before.supply)
  expect(after.bridge).toEqual(before.bridge)
  const expected = new Map(before.accounts)
  const charged = before.accounts.get(toHex(relayer.address))!
  expected.set(toHex(relayer.address), {
    ...charged,
    nonce: charged.nonce + 1,
    balances: minus(charged.balances, FLX, FEE),
  })
  const proposer = toHex(block.header.proposer)
  const paid = before.accounts.get(proposer) ?? { balances: [0n, 0n, 0n], nonce: 0, shares: 0n }
  expected.set(proposer, { ...paid, balances: minus(paid.balances, FLX, -FEE) })
  expect(after.accounts).toEqual(expected)
}

describe('bridge transfers between two clusters', () => {
  it('escrows on A, credits Bob on B, and settles on the ack, conserving total supply', async () => {
    const amount = 5n * ONE_TOKEN
    const sentAt = await send(amount)
    expect(a.balance(alice.address, PSY)).toBe(START - amount)
    expect(sum(a.supply, b.supply)).toEqual(minus(genesisTotal, PSY, amount))
    expect(a.table().outbound(b.clusterId, 1)).toMatchObject({ sequence: 1, amount })
    expect(await a.messages(sentAt)).toMatchObject([{ kind: 'packet', sequence: 1, amount }])

    await relayHeaders(a, b, relayer)
    const ackAt = await deliver(b, await deliveryOf(a, sentAt, 0))
    expect(b.balance(bob.address, PSY)).toBe(START + amount)
    expect(sum(a.supply, b.supply)).toEqual(genesisTotal)
    expect(await b.messages(ackAt)).toMatchObject([
      { kind: 'ack', sequence: 1, outcome: ACK_OUTCOME.received },
    ])

    await relayHeaders(b, a, relayer)
    await deliver(a, await deliveryOf(b, ackAt, 0))
    expect(a.table().outbound(b.clusterId, 1)).toBeUndefined()
    expect(a.balance(alice.address, PSY)).toBe(START - amount)
    expect(sum(a.supply, b.supply)).toEqual(genesisTotal)
  })

  it('refunds a packet that reaches B at its timeout height', async () => {
    const alicePsy = a.balance(alice.address, PSY)
    const bobPsy = b.balance(bob.address, PSY)
    // B makes one block relaying the header, then the delivery lands at the timeout height.
    const sentAt = await send(3n * ONE_TOKEN, b.height + 2)
    await relayHeaders(a, b, relayer)
    const ackAt = await deliver(b, await deliveryOf(a, sentAt, 0))
    expect(b.balance(bob.address, PSY)).toBe(bobPsy)
    expect(b.connection(a.clusterId)!.nextRecvSeq).toBe(3)
    expect(await b.messages(ackAt)).toMatchObject([
      { kind: 'ack', sequence: 2, outcome: ACK_OUTCOME.timedOut },
    ])

    await relayHeaders(b, a, relayer)
    await deliver(a, await deliveryOf(b, ackAt, 0))
    expect(a.balance(alice.address, PSY)).toBe(alicePsy)
    expect(a.table().outbound(b.clusterId, 2)).toBeUndefined()
    expect(sum(a.supply, b.supply)).toEqual(genesisTotal)
  })

  it('refuses a send whose timeout height B has already reached', async () => {
    await relayHeaders(b, a, relayer)
    const code = await a.run(alice, {
      kind: 'bridgeSend',
      cluster: b.clusterId,
      recipient: bob.address,
      token: PSY,
      amount: ONE_TOKEN,
      timeoutHeight: a.connection(b.clusterId)!.client.trustedHeight,
    })
    expect(code).toBe('ERR_BRIDGE_TIMEOUT_PASSED')
  })
})

describe('a lying relayer', () => {
  /** The block of A that emitted packets 4 and 5. */
  let pairAt = 0

  it('cannot pass a header with a forged commit signature', async () => {
    await send(ONE_TOKEN)
    const [update] = await headerUpdates(a, b)
    const signatures = update!.commit.signatures.map((s, i) =>
      i === 0 ? { ...s, signature: s.signature.map((x, j) => (j === 0 ? x ^ 1 : x)) } : s,
    )
    const forged = { ...update!, commit: { ...update!.commit, signatures } }
    await expectRefused(b, forged, 'ERR_LC_BAD_SIGNATURE')
  })

  it('cannot pass a header of a forked validator set, nor a commit with unknown signers', async () => {
    const [update] = await headerUpdates(a, b)
    const usurpers = equalStakes(3, 10n * ONE_TOKEN)
    const header = {
      ...update!.header,
      validatorsHash: new ValidatorSet(membersOf(usurpers)).hash(),
      stateHash: new Uint8Array(32).fill(9),
    }
    const fork = {
      ...update!,
      header,
      commit: signCommit(
        a.clusterId,
        header,
        usurpers.map((s) => s.signer),
      ),
    }
    await expectRefused(b, fork, 'ERR_LC_VALIDATORS_MISMATCH')
    const outsider = testSigner()
    const padded = signCommit(a.clusterId, update!.header, [...a.validators, outsider])
    await expectRefused(b, { ...update!, commit: padded }, 'ERR_LC_UNKNOWN_SIGNER')
  })

  it('cannot deliver a packet at a height B does not trust yet', async () => {
    const sentAt = a.height
    expect(b.connection(a.clusterId)!.client.trustedHeight).toBeLessThan(sentAt)
    await expectRefused(b, await deliveryOf(a, sentAt, 0), 'ERR_BRIDGE_UNKNOWN_HEIGHT')
    await relayHeaders(a, b, relayer)
    await deliver(b, await deliveryOf(a, sentAt, 0))
    expect(b.balance(bob.address, PSY)).toBe(START + 6n * ONE_TOKEN)
  })

  it('cannot deliver a packet twice', async () => {
    const sentAt = a.height
    await expectRefused(b, await deliveryOf(a, sentAt, 0), 'ERR_BRIDGE_REPLAYED')
  })

  it('cannot deliver the second of two packets before the first', async () => {
    a.submit(alice, transfer(2n * ONE_TOKEN))
    a.submit(alice, transfer(7n * ONE_TOKEN))
    pairAt = (await a.produce()).header.height
    await relayHeaders(a, b, relayer)
    const [first, second] = [await deliveryOf(a, pairAt, 0), await deliveryOf(a, pairAt, 1)]
    expect([first.message, second.message]).toMatchObject([{ sequence: 4 }, { sequence: 5 }])
    await expectRefused(b, second, 'ERR_BRIDGE_OUT_OF_ORDER')
  })

  it('cannot change the amount or the recipient of a proven packet', async () => {
    const first = await deliveryOf(a, pairAt, 0)
    const packet = first.message
    if (packet.kind !== 'packet') throw new Error('not a packet')
    const richer = { ...first, message: { ...packet, amount: 1_000n * ONE_TOKEN } }
    await expectRefused(b, richer, 'ERR_BRIDGE_BAD_PROOF')
    const thief = { ...first, message: { ...packet, recipient: relayer.address } }
    await expectRefused(b, thief, 'ERR_BRIDGE_BAD_PROOF')
  })

  it('cannot prove a packet against another height', async () => {
    const first = await deliveryOf(a, pairAt, 0)
    const trusted = b.connection(a.clusterId)!.client.trustedHeight
    // Heights B trusts: the one before emitted another packet, the one before that nothing.
    const withPacket = pairAt - 1
    expect(await a.messages(withPacket)).toHaveLength(1)
    await expectRefused(b, { ...first, height: withPacket }, 'ERR_BRIDGE_BAD_PROOF')
    const empty = pairAt - 2
    expect(await a.messages(empty)).toHaveLength(0)
    await expectRefused(b, { ...first, height: empty }, 'ERR_BRIDGE_BAD_PROOF')
    await expectRefused(b, { ...first, height: trusted + 1 }, 'ERR_BRIDGE_UNKNOWN_HEIGHT')
  })

  it('cannot deliver a message to a cluster it is not for', async () => {
    const first = await deliveryOf(a, pairAt, 0)
    const packet = first.message
    if (packet.kind !== 'packet') throw new Error('not a packet')
    const elsewhere = { ...first, message: { ...packet, destCluster: 'cluster-c' } }
    await expectRefused(b, elsewhere, 'ERR_BRIDGE_WRONG_DESTINATION')
    // A's own packet relayed back to A.
    await expectRefused(a, first, 'ERR_BRIDGE_WRONG_DESTINATION')
  })

  it('still lets the honest relay through afterwards, in order', async () => {
    const bobPsy = b.balance(bob.address, PSY)
    const submitted = []
    for (const i of [0, 1]) submitted.push(b.submit(relayer, await deliveryOf(a, pairAt, i)))
    await b.produce()
    for (const tx of submitted) expect(await b.failureOf(tx)).toBeNull()
    expect(b.balance(bob.address, PSY)).toBe(bobPsy + 9n * ONE_TOKEN)
  })

  it('cannot settle an ack twice', async () => {
    const ackAt = b.height
    expect(await b.messages(ackAt)).toHaveLength(2)
    await relayHeaders(b, a, relayer)
    await deliver(a, await deliveryOf(b, ackAt, 0))
    await expectRefused(a, await deliveryOf(b, ackAt, 0), 'ERR_BRIDGE_REPLAYED')
    await deliver(a, await deliveryOf(b, ackAt, 1))
    await expectRefused(a, await deliveryOf(b, ackAt, 1), 'ERR_BRIDGE_REPLAYED')
    expect(a.table().outbound(b.clusterId, 5)).toBeUndefined()
    // Every packet sent was credited once on B: the two supplies still add up to genesis.
    expect(sum(a.supply, b.supply)).toEqual(genesisTotal)
  })
})

function transfer(amount: bigint): Action {
  return {
    kind: 'bridgeSend',
    cluster: b.clusterId,
    recipient: bob.address,
    token: PSY,
    amount,
    timeoutHeight: b.height + 100,
  }
}

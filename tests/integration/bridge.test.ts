// The bridge between two clusters of four validator processes each (`coherence localnet
// --clusters 2`), over real Noise sessions on loopback: a thousand random transfers both ways
// while validators crash and come back, the relayer of one side among them. Afterwards every
// packet was received exactly once or refunded, and no token was made or lost across the two.
import { randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/shared/address'
import { TOKENS, ONE_TOKEN, type Token } from '../../src/shared/tokens'
import { ACK_OUTCOME } from '../../src/main/node/bridge/packet'
import type { TransferRecord } from '../../src/main/node/bridge/transferLog'
import { dataDirLayout } from '../../src/main/node/dataDir'
import { ChainStore } from '../../src/main/node/storage/store'
import { startBridgedLocalnet, type BridgedLocalnet } from '../helpers/localnet'
import {
  balancesOf,
  bridgeOpen,
  bridgeSendAction,
  clusterHandles,
  connectionTo,
  fundAccounts,
  fundFromMembers,
  genesisTotals,
  headerSupply,
  sleep,
  TestAccount,
  TxPump,
  type ClusterHandle,
} from '../helpers/bridgeTraffic'
import { waitFor } from '../helpers/tempDir'

const VALIDATORS = 4
const BLOCK_TIME_MS = 1000
/** Transfers each way: a thousand in all. */
const PER_DIRECTION = 500
/** Sends offered per second each way: the traffic lasts through both crashes. */
const SEND_RATE = 12
const SENDERS = 8
const RECIPIENTS = 12
/** What each sender gets of every token (amounts sent are below one token). */
const SENDER_FUNDS = 1000n * ONE_TOKEN
/** A few transfers get a timeout a few blocks away: some arrive too late and are refunded. */
const SHORT_SHARE = 0.05
const SHORT_BLOCKS = 4
const LONG_BLOCKS = 5000
/** Amounts are multiples of this plus a number unique to the transfer, so each is recognisable. */
const AMOUNT_UNIT = 10n ** 12n

type Amounts = Record<Token, bigint>
const zero = (): Amounts => ({ CHR: 0n, PSY: 0n, FLX: 0n })

/** One transfer the test meant to make. */
interface Intended {
  readonly sender: TestAccount
  readonly recipient: string
  readonly token: Token
  readonly amount: bigint
  readonly short: boolean
}

/** Everything about one direction of traffic. */
interface Direction {
  readonly name: string
  readonly from: ClusterHandle
  readonly to: ClusterHandle
  readonly senders: TestAccount[]
  readonly recipients: string[]
  readonly intended: Intended[]
  /** The destination height the source's light client trusts, kept fresh while sending. */
  trusted: number
}

/** Every transfer record a stopped member's store holds (bridge.info lists only the newest). */
async function storedTransfers(dataDir: string): Promise<TransferRecord[]> {
  const store = await ChainStore.open(dataDirLayout(dataDir).db)
  try {
    return await store.transfers()
  } finally {
    await store.close()
  }
}

const tokenOf = (record: TransferRecord): Token => TOKENS[record.packet.token]!
const sequences = (records: readonly TransferRecord[]) => records.map((r) => r.packet.sequence)
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('bridge: two clusters of four validator processes', () => {
  let net: BridgedLocalnet
  let a: ClusterHandle
  let b: ClusterHandle

  beforeAll(async () => {
    net = await startBridgedLocalnet({ validators: VALIDATORS, blockTimeMs: BLOCK_TIME_MS })
    ;[a, b] = await clusterHandles(net)
    // Each member approves the connection by a transaction (scrypt first): it opens past 2/3.
    await bridgeOpen(a, b, 150_000)
  }, 300_000)

  afterAll(async () => {
    a?.clients.close()
    b?.clients.close()
    await net?.stop()
  }, 60_000)

  it('carries 1,000 transfers both ways exactly once through crashes, and conserves supply', async () => {
    const directions: Direction[] = [
      { name: 'A→B', from: a, to: b, senders: [], recipients: [], intended: [], trusted: 0 },
      { name: 'B→A', from: b, to: a, senders: [], recipients: [], intended: [], trusted: 0 },
    ]
    // Test keys on each side: a root funded by the members' genesis accounts funds the senders.
    await Promise.all(
      directions.map(async (d) => {
        const root = new TestAccount()
        d.senders.push(...Array.from({ length: SENDERS }, () => new TestAccount()))
        d.recipients.push(...Array.from({ length: RECIPIENTS }, () => new TestAccount().address))
        await fundFromMembers(d.from, root, 2n * BigInt(SENDERS) * SENDER_FUNDS)
        await fundAccounts(d.from, root, d.senders, SENDER_FUNDS)
      }),
    )
    const supplyBefore = await Promise.all([headerSupply(a), headerSupply(b)])

    const pumps = directions.map((d) => new TxPump(d.from))
    const started = performance.now()
    // Each source's view of the destination, kept fresh for timeouts; a line of progress every
    // five seconds, printed if the test fails.
    const progress: string[] = []
    let watching = true
    const watcher = (async () => {
      for (let tick = 0; watching; tick++) {
        const views = await Promise.all(
          directions.flatMap((d) => [connectionTo(d.from, d.to), connectionTo(d.to, d.from)]),
        ).catch(() => undefined)
        directions.forEach((d, k) => {
          const c = views?.[2 * k]
          if (c) d.trusted = c.trustedHeight
          if (tick % 5 !== 0 || !views) return
          const back = views[2 * k + 1]
          progress.push(
            `${Math.round((performance.now() - started) / 1000)} s ${d.name}: ` +
              `${pumps[k]!.outstanding()} to commit, next seq ${c?.nextSendSeq}, ` +
              `${c?.inFlight} in flight, received ${(back?.nextRecvSeq ?? 1) - 1}, ` +
              `queued ${back?.queued}, trusted ${back?.trustedHeight}, ` +
              `refusals ${JSON.stringify(pumps[k]!.refusals)}`,
          )
        })
        await sleep(1000)
      }
    })()
    for (const d of directions) d.trusted = (await connectionTo(d.from, d.to))!.trustedHeight

    try {
      // One validator of each side crashes and comes back while the traffic flows: A's first
      // member is the relayer that brings B's packets and acks to A.
      const crashes = (async () => {
        await sleep(6_000)
        await a.kill(0)
        await sleep(15_000)
        await a.restart(0)
        await sleep(3_000)
        await b.kill(2)
        await sleep(12_000)
        await b.restart(2)
      })()

      await Promise.all(
        directions.map(async (d, k) => {
          const pump = pumps[k]!
          for (let n = 0; n < PER_DIRECTION; n++) {
            const due = started + (n * 1000) / SEND_RATE
            if (due > performance.now()) await sleep(due - performance.now())
            const intended: Intended = {
              sender: d.senders[randomInt(d.senders.length)]!,
              recipient: d.recipients[randomInt(d.recipients.length)]!,
              token: TOKENS[randomInt(3)]!,
              // Below one token; the low digits number it.
              amount: BigInt(randomInt(1, 1_000_000)) * AMOUNT_UNIT + BigInt(n + 1),
              short: Math.random() < SHORT_SHARE,
            }
            d.intended.push(intended)
            const { sender, recipient, token, amount, short } = intended
            pump.add(sender, (nonce, again) => {
              // Counted from what the source trusts of the destination, as `bridge send` does.
              const timeout = d.trusted + (short && !again ? SHORT_BLOCKS : LONG_BLOCKS)
              const action = bridgeSendAction(d.to.clusterId, recipient, token, amount, timeout)
              return sender.sign(d.from.clusterId, action, nonce, d.from.genesis.minFee)
            })
          }
        }),
      )
      await crashes
      await Promise.all(pumps.map((p, k) => p.drain(120_000, `${directions[k]!.name} sends`)))
      await Promise.all(pumps.map((p) => p.stop()))

      // Every packet answered: nothing in flight or queued on either side, as every member sees.
      await waitFor(
        async () => {
          for (const [from, to] of [
            [a, b],
            [b, a],
          ] as const) {
            for (let i = 0; i < VALIDATORS; i++) {
              const c = await from.clients.call(i, 'bridge.info', {}).then(
                (info) => info.connections.find((x) => x.cluster === to.clusterId),
                () => undefined,
              )
              if (!c || c.inFlight > 0 || c.queued > 0) return undefined
            }
          }
          return true
        },
        180_000,
        'every transfer to be acknowledged or refunded on every member',
        2_000,
      )
    } catch (err) {
      console.info(progress.join('\n'))
      throw err
    } finally {
      watching = false
      await watcher
    }

    // Balances and supply, from the nodes.
    const supplyAfter = await Promise.all([headerSupply(a), headerSupply(b)])
    const genesis = [genesisTotals(a), genesisTotals(b)]
    for (const t of TOKENS) {
      expect(supplyAfter[0].supply[t] + supplyAfter[1].supply[t], `${t} across both`).toBe(
        genesis[0]![t] + genesis[1]![t],
      )
      expect(supplyBefore[0].supply[t] + supplyBefore[1].supply[t]).toBe(
        genesis[0]![t] + genesis[1]![t],
      )
    }
    const connections = await Promise.all(directions.map((d) => connectionTo(d.from, d.to)))
    const reverse = await Promise.all(directions.map((d) => connectionTo(d.to, d.from)))
    const sent = connections.map((c) => c!.nextSendSeq - 1)
    for (const [k, c] of connections.entries()) {
      expect(c!.escrow).toEqual({ CHR: '0', PSY: '0', FLX: '0' })
      expect(reverse[k]!.nextRecvSeq - 1, directions[k]!.name).toBe(sent[k])
    }
    const recipientBalances = await Promise.all(
      directions.map((d) => Promise.all(d.recipients.map((r) => balancesOf(d.to, r)))),
    )
    const senderState = await Promise.all(
      directions.map((d) =>
        Promise.all(
          d.senders.map(async (s) => ({
            balances: await balancesOf(d.from, s.address),
            nonce: (await d.from.call('account.get', { address: s.address })).nonce,
          })),
        ),
      ),
    )

    // Every record, from the stores of a member of each side that never crashed (stopped now).
    await a.kill(3)
    await b.kill(3)
    const records = await Promise.all([a, b].map((c) => storedTransfers(c.members[3]!.dataDir)))

    const summary: string[] = []
    for (const [k, d] of directions.entries()) {
      const outgoing = records[k]!.filter((r) => r.packet.sourceCluster === d.from.clusterId)
      const incoming = records[1 - k]!.filter((r) => r.packet.sourceCluster === d.from.clusterId)
      // Sequences 1…n, each exactly once on each side.
      expect(sequences(outgoing), `${d.name} sent`).toEqual(range(sent[k]!))
      expect(sequences(incoming), `${d.name} received`).toEqual(range(sent[k]!))

      const byAmount = new Map(d.intended.map((t) => [t.amount, t]))
      const credited = new Map<string, Amounts>()
      const spent = new Map<string, Amounts>()
      let refunded = 0
      for (const [n, out] of outgoing.entries()) {
        const into = incoming[n]!
        // The destination received the very packet the source committed.
        expect(into.packet).toEqual(out.packet)
        expect(out.outcome, `${d.name} #${out.packet.sequence} settled`).not.toBeNull()
        expect(into.outcome, `${d.name} #${out.packet.sequence} answered`).toBe(out.outcome)
        expect(out.remoteHeight).toBe(into.settledHeight)
        if (out.outcome === ACK_OUTCOME.received) {
          // Credited on arrival, before its timeout height.
          expect(into.height).toBeLessThan(out.packet.timeoutHeight)
          const to = encodeAddress(out.packet.recipient)
          const sum = credited.get(to) ?? zero()
          sum[tokenOf(out)] += out.packet.amount
          credited.set(to, sum)
          const from = encodeAddress(out.packet.sender)
          const paid = spent.get(from) ?? zero()
          paid[tokenOf(out)] += out.packet.amount
          spent.set(from, paid)
        } else {
          expect(out.outcome).toBe(ACK_OUTCOME.timedOut)
          expect(into.height).toBeGreaterThanOrEqual(out.packet.timeoutHeight)
          refunded++
        }
        // It is one the test sent, and no other record claims it.
        const meant = byAmount.get(out.packet.amount)
        expect(meant, `${d.name} #${out.packet.sequence} was sent by the test`).toBeDefined()
        expect(meant!.sender.address).toBe(encodeAddress(out.packet.sender))
        expect(meant!.recipient).toBe(encodeAddress(out.packet.recipient))
        expect(meant!.token).toBe(tokenOf(out))
        byAmount.delete(out.packet.amount)
      }
      // A transfer with no packet can only be a short one whose timeout passed before its block.
      for (const missing of byAmount.values()) expect(missing.short).toBe(true)

      // Recipients got exactly what was credited to them, senders paid exactly what arrived.
      d.recipients.forEach((r, i) => {
        expect(recipientBalances[k]![i], `${d.name} recipient ${r}`).toEqual(
          credited.get(r) ?? zero(),
        )
      })
      d.senders.forEach((s, i) => {
        const { balances, nonce } = senderState[k]![i]!
        const paid = spent.get(s.address) ?? zero()
        expect(nonce).toBe(s.nextNonce)
        expect(balances, `${d.name} sender ${s.address}`).toEqual({
          CHR: SENDER_FUNDS - paid.CHR,
          PSY: SENDER_FUNDS - paid.PSY,
          FLX: SENDER_FUNDS - paid.FLX - BigInt(nonce) * d.from.genesis.minFee,
        })
      })
      summary.push(
        `${d.name}: ${outgoing.length} packets, ${outgoing.length - refunded} credited, ` +
          `${refunded} refunded, ${byAmount.size} refused at send`,
      )
    }
    // Each side's supply moved by exactly what crossed: out when acknowledged, in when credited.
    for (const [k, d] of directions.entries()) {
      const out = records[k]!.filter(
        (r) => r.packet.sourceCluster === d.from.clusterId && r.outcome === ACK_OUTCOME.received,
      )
      const into = records[k]!.filter(
        (r) => r.packet.destCluster === d.from.clusterId && r.outcome === ACK_OUTCOME.received,
      )
      for (const t of TOKENS) {
        const sum = (rs: TransferRecord[]) =>
          rs.filter((r) => tokenOf(r) === t).reduce((s, r) => s + r.packet.amount, 0n)
        expect(supplyAfter[k]!.supply[t], `${d.from.clusterId} ${t}`).toBe(
          genesis[k]![t] - sum(out) + sum(into),
        )
      }
    }
    expect(sent[0]! + sent[1]!).toBeGreaterThan(0.9 * 2 * PER_DIRECTION)
    console.info(summary.join('\n'))
  }, 600_000)
})

// `npm run bench:bridge`: how long a cross-cluster transfer takes, from 'tx.submit' returning on
// the source to its acknowledgement there. It runs the built command, so `npm run build` comes
// first; about three minutes.
//
// Two clusters of four validators on loopback, one process each (`coherence localnet --clusters 2`:
// Noise-encrypted links, 1 s blocks, each cluster's first member relaying the other). Keys held
// here, funded from a member's genesis account, send FLX from A to B: first one at a time (each
// waits for the previous one's ack), then a batch submitted all at once. Times are read from the
// nodes' block announcements: a transfer is committed, credited or acknowledged when the block
// that did it was announced. Prints one JSON line per phase.
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import type { BridgeTransfer } from '../src/shared/ipc/contract'
import { ONE_TOKEN } from '../src/shared/tokens'
import { startBridgedLocalnet } from '../tests/helpers/localnet'
import {
  bridgeOpen,
  bridgeSendAction,
  clusterHandles,
  connectionTo,
  fundAccounts,
  fundFromMembers,
  TestAccount,
  type ClusterHandle,
} from '../tests/helpers/bridgeTraffic'
import { waitFor } from '../tests/helpers/tempDir'

const VALIDATORS = 4
const BLOCK_TIME_MS = 1000
/** The member of each cluster the benchmark watches (not the relayer). */
const OBSERVER = 1
const TIMEOUT_BLOCKS = 1000
const SETTLE_TIMEOUT_MS = 180_000

const { values } = parseArgs({
  options: {
    sequential: { type: 'string', default: '20' },
    batch: { type: 'string', default: '200' },
    senders: { type: 'string', default: '10' },
  },
})
const SEQUENTIAL = Number(values.sequential)
const BATCH = Number(values.batch)
const SENDERS = Number(values.senders)

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!)
}

function stats(values: readonly number[]) {
  const sorted = [...values].sort((x, y) => x - y)
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted.length > 0 ? Math.round(sorted.at(-1)!) : null,
  }
}

/** When each height was announced by one member of a cluster, and its view of the bridge. */
class Watch {
  readonly announced = new Map<number, number>()
  /** Transfers by sequence, as the newest 'bridge.info' listed them. */
  readonly transfers = new Map<number, BridgeTransfer>()
  private polling = Promise.resolve()

  private constructor(readonly cluster: ClusterHandle) {}

  static async start(cluster: ClusterHandle): Promise<Watch> {
    const watch = new Watch(cluster)
    const client = await cluster.clients.client(OBSERVER)
    client.on('BlockCommitted', (block) => {
      watch.announced.set(block.height, performance.now())
      watch.polling = watch.polling.then(() => watch.poll())
    })
    return watch
  }

  /** When block `height` was announced (now if it was missed). */
  at(height: number): number {
    return this.announced.get(height) ?? performance.now()
  }

  /** Mean and spread of the time between the blocks announced in [from, to]. */
  intervals(from: number, to: number) {
    const times = [...this.announced.values()].filter((t) => t >= from && t <= to).sort()
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    const mean = gaps.length > 0 ? Math.round(gaps.reduce((s, g) => s + g, 0) / gaps.length) : null
    return { blocks: times.length, meanMs: mean, ...stats(gaps) }
  }

  private async poll(): Promise<void> {
    try {
      const info = await this.cluster.clients.call(OBSERVER, 'bridge.info', {})
      for (const t of info.transfers) this.transfers.set(t.sequence, t)
    } catch {
      // Read again at the next block.
    }
  }
}

interface Sent {
  readonly amount: bigint
  /** When 'tx.submit' returned. */
  submittedAt: number
}

async function run(): Promise<void> {
  const net = await startBridgedLocalnet({ validators: VALIDATORS, blockTimeMs: BLOCK_TIME_MS })
  process.once('SIGINT', () => void net.stop().finally(() => process.exit(130)))
  const [a, b] = await clusterHandles(net)
  try {
    await bridgeOpen(a, b, 180_000)
    const root = new TestAccount()
    const senders = Array.from({ length: SENDERS }, () => new TestAccount())
    const recipient = new TestAccount().address
    await fundFromMembers(a, root, BigInt(SENDERS + 1) * 1000n * ONE_TOKEN, ['FLX'])
    await fundAccounts(a, root, senders, 1000n * ONE_TOKEN, ['FLX'])
    const [watchA, watchB] = await Promise.all([Watch.start(a), Watch.start(b)])
    const fee = a.genesis.minFee
    let tag = 0n

    /** Signs a send of a recognisable amount from `sender`, with its next nonce. */
    const sign = (sender: TestAccount, trusted: number): { hex: string; amount: bigint } => {
      const amount = ONE_TOKEN / 1000n + ++tag
      const action = bridgeSendAction(
        b.clusterId,
        recipient,
        'FLX',
        amount,
        trusted + TIMEOUT_BLOCKS,
      )
      return { hex: sender.sign(a.clusterId, action, sender.nextNonce++, fee), amount }
    }
    const trusted = async () => (await connectionTo(a, b))!.trustedHeight
    const submit = async (hex: string): Promise<number> => {
      await a.clients.call(2, 'tx.submit', { tx: hex })
      return performance.now()
    }

    /** Waits until every one of `sent` is acknowledged on A, then reports its phase. */
    const settle = async (phase: string, sent: readonly Sent[], started: number): Promise<void> => {
      const byAmount = new Map(sent.map((s) => [s.amount, s]))
      const outgoing = () =>
        [...watchA.transfers.values()].filter((t) => byAmount.has(BigInt(t.amount)))
      await waitFor(
        () =>
          outgoing().filter((t) => t.state === 'acknowledged').length === sent.length
            ? true
            : undefined,
        SETTLE_TIMEOUT_MS,
        `${phase}: every transfer to be acknowledged`,
        100,
      )
      // B credits in the block that takes the packet (no governor wait at the default cap).
      await waitFor(
        () =>
          [...watchB.transfers.values()].filter(
            (t) => byAmount.has(BigInt(t.amount)) && t.state === 'credited',
          ).length === sent.length
            ? true
            : undefined,
        30_000,
        `${phase}: B's records of the credits`,
        100,
      )
      const ended = performance.now()
      const committed: number[] = []
      const credited: number[] = []
      const acknowledged: number[] = []
      for (const t of outgoing()) {
        const s = byAmount.get(BigInt(t.amount))!
        const incoming = watchB.transfers.get(t.sequence)!
        committed.push(watchA.at(t.height) - s.submittedAt)
        credited.push(watchB.at(incoming.settledHeight!) - s.submittedAt)
        acknowledged.push(watchA.at(t.settledHeight!) - s.submittedAt)
      }
      console.log(
        JSON.stringify({
          bench: 'bridge',
          phase,
          transfers: sent.length,
          blockTimeMs: BLOCK_TIME_MS,
          submitToAckMs: stats(acknowledged),
          submitToCommitMs: stats(committed),
          submitToCreditMs: stats(credited),
          phaseSeconds: +((ended - started) / 1000).toFixed(1),
          blockIntervalA: watchA.intervals(started, ended),
          blockIntervalB: watchB.intervals(started, ended),
          cores: availableParallelism(),
        }),
      )
    }

    // One at a time: each submitted once the previous one is acknowledged.
    const sequential: Sent[] = []
    const started = performance.now()
    for (let n = 0; n < SEQUENTIAL; n++) {
      const { hex, amount } = sign(senders[0]!, await trusted())
      const sent = { amount, submittedAt: await submit(hex) }
      sequential.push(sent)
      await waitFor(
        () =>
          [...watchA.transfers.values()].some(
            (t) => BigInt(t.amount) === amount && t.state === 'acknowledged',
          ) || undefined,
        SETTLE_TIMEOUT_MS,
        `sequential transfer ${n + 1} to be acknowledged`,
        50,
      )
    }
    await settle('sequential', sequential, started)

    // A batch: signed first, then submitted at once (each sender's in nonce order).
    const from = await trusted()
    const signed = Array.from({ length: BATCH }, (_, n) => senders[n % SENDERS]!).map((s) => ({
      sender: s,
      ...sign(s, from),
    }))
    const batchStarted = performance.now()
    const batch: Sent[] = await Promise.all(
      senders.map(async (s) => {
        const mine: Sent[] = []
        for (const t of signed.filter((x) => x.sender === s)) {
          mine.push({ amount: t.amount, submittedAt: await submit(t.hex) })
        }
        return mine
      }),
    ).then((all) => all.flat())
    await settle('batch', batch, batchStarted)
  } finally {
    a.clients.close()
    b.clients.close()
    await net.stop()
  }
}

await run()

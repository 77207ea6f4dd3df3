// `npm run bench:localnet`: finalized transfers per second, submission-to-commit latency and CPU
// of a real cluster. It runs the built command, so `npm run build` comes first; Linux only (CPU
// is read from /proc); about three minutes. Options: --rates 1000,2000 --step-seconds 12.
//
// Four validators on loopback, one process each (`coherence localnet`: Noise-encrypted links,
// 1 s blocks). The first member's genesis account funds keys held here ('wallet.submit' with its
// password), which fund the load accounts; then FLX transfers signed here are offered open-loop
// at each rate in turn over the nodes' RPC (each account's through one node, the accounts dealt
// out over the nodes), and the backlog is drained before the next rate. Prints one JSON line per
// rate, then a summary line.
import { randomInt } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { connectToNode } from '../src/main/cli/rpcClient'
import { parseNetworkFile } from '../src/main/node/p2p/networkFile'
import type { IpcClient } from '../src/shared/ipc/client'
import { ONE_TOKEN } from '../src/shared/tokens'
import { waitFor } from '../tests/helpers/tempDir'
import { LoadAccount, LoadDriver, type BlockSeen } from './loadDriver'
import { runLocalnet, type LocalnetProcess } from '../tests/helpers/localnet'
import { cpuPercents, cpuSeconds, machineCpuSeconds } from './procCpu'

const VALIDATORS = 4
const BLOCK_TIME_MS = 1000
/** Enough senders that the highest rate fits their nonce windows with seconds of latency. */
const LOAD_ACCOUNTS = 400
/** FLX each load account gets: fees for far more transfers than one run sends. */
const LOAD_FUNDS = 10n * ONE_TOKEN
/** Load accounts funded by each hub: well within one nonce window, so all go out at once. */
const HUB_FAN_OUT = 20
/** Commits in a step's first seconds still follow its ramp-up: not counted in its throughput. */
const WARMUP_MS = 2_000
const DRAIN_TIMEOUT_MS = 15_000
const TICK_MS = 5
/** A rate is kept up with when this share of it is finalized and every transfer was sent. */
const KEPT_UP = 0.9

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,1500,2000,3000,4000,6000' },
    'step-seconds': { type: 'string', default: '12' },
  },
})
const RATES = values.rates.split(',').map(Number)
const STEP_MS = Number(values['step-seconds']) * 1000

interface StepResult {
  readonly offeredTxPerSec: number
  readonly finalizedTxPerSec: number
  readonly keptUp: boolean
  readonly p50Ms: number | null
  readonly p95Ms: number | null
  readonly cpuPercentPerNode: number[]
}

function report(figures: object): void {
  console.log(JSON.stringify({ bench: 'localnet', validators: VALIDATORS, ...figures }))
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!)
}

/** Transactions per second, and time between blocks, of the blocks announced in [from, to]. */
function blockFigures(
  blocks: readonly BlockSeen[],
  from: number,
  to: number,
): { finalizedTxPerSec: number; meanBlockIntervalMs: number | null } {
  const inWindow = blocks.filter((b) => b.at >= from && b.at <= to)
  if (inWindow.length < 2) return { finalizedTxPerSec: 0, meanBlockIntervalMs: null }
  const txs = inWindow.slice(1).reduce((n, b) => n + b.txCount, 0)
  const ms = inWindow.at(-1)!.at - inWindow[0]!.at
  return {
    finalizedTxPerSec: Math.round(txs / (ms / 1000)),
    meanBlockIntervalMs: Math.round(ms / (inWindow.length - 1)),
  }
}

function countsSince(before: Record<string, number>, after: Record<string, number>) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([code, n]) => [code, n - (before[code] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  )
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Resolves once `check` holds on every node. */
function onEveryNode(
  clients: readonly IpcClient[],
  check: (client: IpcClient) => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<true> {
  return waitFor(
    async () => ((await Promise.all(clients.map(check))).every(Boolean) ? true : undefined),
    timeoutMs,
    what,
  )
}

async function reachedHeight(clients: readonly IpcClient[], height: number): Promise<void> {
  await onEveryNode(
    clients,
    async (c) => (await c.call('node.status', {})).height >= height,
    60_000,
    `height ${height} on every node`,
  )
}

/** Offers `txs` at `rate` per second from now on, whatever has been committed (open loop). */
async function offerOpenLoop(
  driver: LoadDriver,
  txs: readonly { account: LoadAccount; hex: string }[],
  rate: number,
): Promise<void> {
  const start = performance.now()
  let next = 0
  while (next < txs.length) {
    const due = Math.min(txs.length, Math.floor(((performance.now() - start) * rate) / 1000))
    for (; next < due; next++) driver.offer(txs[next]!.account, txs[next]!.hex)
    await sleep(TICK_MS)
  }
}

/** Sends each of `to` `amount` FLX from `from` (round-robin), and waits until all committed. */
async function fanOut(
  clients: readonly IpcClient[],
  from: readonly LoadAccount[],
  to: readonly LoadAccount[],
  amount: bigint,
  sign: (from: LoadAccount, to: LoadAccount, amount: bigint) => string,
): Promise<void> {
  const driver = new LoadDriver(clients, from)
  to.forEach((a, i) => {
    const sender = from[i % from.length]!
    driver.offer(sender, sign(sender, a, amount))
  })
  await waitFor(() => driver.idle() || undefined, 60_000, 'funding transfers to commit')
  driver.dispose()
  // A node still a block behind would refuse the new accounts' first transfers.
  await reachedHeight(clients, (await clients[0]!.call('node.status', {})).height)
}

/**
 * Funds the load accounts from the first member's genesis account: one 'wallet.submit' (it
 * checks the password with scrypt, seconds on a busy machine) to a root key held here, which
 * funds hubs that fund the load accounts, each level a block or two.
 */
async function fund(
  net: LocalnetProcess,
  clients: readonly IpcClient[],
  load: readonly LoadAccount[],
  fee: bigint,
  sign: (from: LoadAccount, to: LoadAccount, amount: bigint) => string,
): Promise<void> {
  const hubs = Array.from({ length: Math.ceil(load.length / HUB_FAN_OUT) }, () => new LoadAccount())
  const hubFunds = BigInt(HUB_FAN_OUT) * (LOAD_FUNDS + fee)
  const root = new LoadAccount()
  const member = net.manifest.members[0]!
  await clients[0]!.call('wallet.submit', {
    index: 0,
    action: {
      kind: 'transfer',
      to: root.address,
      token: 'FLX',
      amount: `${BigInt(hubs.length) * (hubFunds + fee)}`,
    },
    fee: `${fee}`,
    password: (await readFile(member.passwordFile, 'utf8')).split('\n')[0]!,
  })
  await onEveryNode(
    clients,
    async (c) => (await c.call('account.get', { address: root.address })).balances.FLX !== '0',
    60_000,
    'the root key to be funded',
  )
  await fanOut(clients, [root], hubs, hubFunds, sign)
  await fanOut(clients, hubs, load, LOAD_FUNDS, sign)
}

async function step(
  driver: LoadDriver,
  load: readonly LoadAccount[],
  pids: readonly number[],
  rate: number,
  sign: (from: LoadAccount, to: LoadAccount, amount: bigint) => string,
): Promise<StepResult> {
  // Round-robin over the accounts, each paying the next: signed before the clock starts.
  const txs = Array.from({ length: Math.round((rate * STEP_MS) / 1000) }, (_, i) => {
    const account = load[i % load.length]!
    return { account, hex: sign(account, load[(i + 1) % load.length]!, 1n) }
  })
  const refusalsBefore = { ...driver.refusals }
  const cpuBefore = pids.map(cpuSeconds)
  const ownCpuBefore = process.cpuUsage()
  const machineCpuBefore = machineCpuSeconds()
  const start = performance.now()
  await offerOpenLoop(driver, txs, rate)
  const end = performance.now()
  const seconds = (end - start) / 1000
  const cpuAfter = pids.map(cpuSeconds)
  const ownCpu = process.cpuUsage(ownCpuBefore)
  const ownCpuSeconds = (ownCpu.user + ownCpu.system) / 1e6
  const machineCpu = machineCpuSeconds() - machineCpuBefore
  const nodesCpu = cpuAfter.reduce((a, b) => a + b, 0) - cpuBefore.reduce((a, b) => a + b, 0)
  const unsent = driver.dropHeld()
  const backlogAtEnd = driver.outstanding()
  const drained = await waitFor(() => driver.idle() || undefined, DRAIN_TIMEOUT_MS, 'drain').then(
    () => true,
    () => false,
  )
  const latencies = driver.commits
    .filter((c) => c.submittedAt >= start && c.submittedAt <= end)
    .map((c) => c.committedAt - c.submittedAt)
    .sort((a, b) => a - b)
  const submitted = txs.length - unsent
  const { finalizedTxPerSec, meanBlockIntervalMs } = blockFigures(
    driver.blocks,
    start + WARMUP_MS,
    end,
  )
  const result: StepResult = {
    offeredTxPerSec: rate,
    finalizedTxPerSec,
    keptUp: unsent === 0 && drained && finalizedTxPerSec >= KEPT_UP * rate,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    cpuPercentPerNode: cpuPercents(cpuBefore, cpuAfter, seconds),
  }
  report({
    blockTimeMs: BLOCK_TIME_MS,
    ...result,
    submittedTxPerSec: Math.round(submitted / seconds),
    committed: latencies.length,
    uncommitted: submitted - latencies.length,
    unsent,
    backlogAtEnd,
    meanBlockIntervalMs,
    // CPU the four nodes together spent per transfer offered: what bounds throughput on a
    // machine shared with other work.
    nodesCpuMsPerTx: submitted > 0 ? +((nodesCpu * 1000) / submitted).toFixed(3) : null,
    refusals: countsSince(refusalsBefore, driver.refusals),
    loadGeneratorCpuPercent: Math.round((ownCpuSeconds / seconds) * 100),
    // The machine is shared: CPU that neither the nodes nor this process used, in % of a core.
    otherProcessesCpuPercent: Math.round(((machineCpu - nodesCpu - ownCpuSeconds) / seconds) * 100),
    cores: availableParallelism(),
  })
  return result
}

async function run(net: LocalnetProcess): Promise<void> {
  const { genesis } = parseNetworkFile(JSON.parse(await readFile(net.manifest.network, 'utf8')))
  const fee = genesis.minFee
  const connections = await Promise.all(net.manifest.members.map((m) => connectToNode(m.dataDir)))
  try {
    const clients = connections.map((c) => c.client)
    await reachedHeight(clients, 2)
    const sign = (from: LoadAccount, to: LoadAccount, amount: bigint): string =>
      from.transfer(genesis.clusterId, to.signer.address, amount, fee)
    const load = Array.from({ length: LOAD_ACCOUNTS }, () => new LoadAccount())
    await fund(net, clients, load, fee, sign)
    const driver = new LoadDriver(clients, load)
    const pids = net.manifest.members.map((m) => m.pid!)
    const results: StepResult[] = []
    for (const rate of RATES) {
      const bestSoFar = Math.max(0, ...results.map((r) => r.finalizedTxPerSec))
      const result = await step(driver, load, pids, rate, sign)
      results.push(result)
      // Saturated: a higher rate would finalize no more, only take longer to drain.
      if (!result.keptUp && result.finalizedTxPerSec <= bestSoFar) break
    }
    driver.dispose()
    const best = results.reduce((a, b) => (b.finalizedTxPerSec > a.finalizedTxPerSec ? b : a))
    const keptUp = results.filter((r) => r.keptUp).at(-1)
    report({
      summary: true,
      blockTimeMs: BLOCK_TIME_MS,
      loadAccounts: LOAD_ACCOUNTS,
      maxFinalizedTxPerSec: best.finalizedTxPerSec,
      atOfferedTxPerSec: best.offeredTxPerSec,
      highestKeptUpTxPerSec: keptUp?.offeredTxPerSec ?? null,
      p50Ms: keptUp?.p50Ms ?? null,
      p95Ms: keptUp?.p95Ms ?? null,
      cpuPercentPerNode: keptUp?.cpuPercentPerNode ?? null,
    })
  } finally {
    for (const c of connections) c.close()
  }
}

const net = await runLocalnet({
  validators: VALIDATORS,
  basePort: randomInt(30_000, 40_000 - VALIDATORS),
  blockTimeMs: BLOCK_TIME_MS,
})
process.once('SIGINT', () => void net.stop().finally(() => process.exit(130)))
try {
  await run(net)
} finally {
  await net.stop()
}

// Cross-cluster traffic against a running `coherence localnet --clusters 2`, for the bridge's
// integration tests and benchmark: persistent RPC connections to the members, test keys funded
// from the members' genesis accounts, and a pump that submits transactions signed here (no scrypt
// per transaction), resubmitting what a crashed member took with it.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalnetManifest } from '../../src/main/cli/localnetCommand'
import { connectToNode } from '../../src/main/cli/rpcClient'
import { genesisSupply, type Genesis } from '../../src/main/node/chain/genesis'
import { parseNetworkFile } from '../../src/main/node/p2p/networkFile'
import type { Action } from '../../src/main/node/ledger/tx'
import { decodeAddress, encodeAddress } from '../../src/shared/address'
import type { IpcClient } from '../../src/shared/ipc/client'
import type {
  BridgeConnection,
  Channel,
  ChannelRequest,
  ChannelResponse,
} from '../../src/shared/ipc/contract'
import { TOKEN_ID, TOKENS, type Token } from '../../src/shared/tokens'
import type { BridgedLocalnet, LocalnetCluster } from './localnet'
import { waitFor } from './tempDir'
import { signedAction, testSigner, txHex } from './txs'

/** Codes of a call that never reached a node, or whose node went away: try another. */
const UNREACHABLE = new Set(['ERR_NODE_NOT_RUNNING', 'ERR_DISCONNECTED', 'ERR_TIMEOUT'])

export function errorCode(err: unknown): string {
  return (err as { code?: string }).code ?? 'ERR_UNKNOWN'
}

/** One RPC connection per member, opened on first use and again after the member restarted. */
export class MemberClients {
  private readonly open = new Map<number, Promise<{ client: IpcClient; close: () => void }>>()

  constructor(private readonly dataDirs: readonly string[]) {}

  get size(): number {
    return this.dataDirs.length
  }

  async client(i: number): Promise<IpcClient> {
    let conn = this.open.get(i)
    if (!conn) {
      conn = connectToNode(this.dataDirs[i]!)
      this.open.set(i, conn)
      conn.catch(() => this.open.delete(i))
    }
    return (await conn).client
  }

  async call<C extends Channel>(
    i: number,
    channel: C,
    req: ChannelRequest<C>,
  ): Promise<ChannelResponse<C>> {
    const client = await this.client(i)
    try {
      return await client.call(channel, req)
    } catch (err) {
      if (UNREACHABLE.has(errorCode(err))) this.drop(i)
      throw err
    }
  }

  /** Forgets member i's connection (it was killed, or stopped answering). */
  drop(i: number): void {
    const conn = this.open.get(i)
    this.open.delete(i)
    void conn?.then(
      (c) => c.close(),
      () => undefined,
    )
  }

  close(): void {
    for (const i of [...this.open.keys()]) this.drop(i)
  }
}

/** What the tests need of one cluster of a bridged localnet. */
export interface ClusterHandle {
  readonly net: LocalnetCluster
  readonly genesis: Genesis
  readonly clusterId: string
  readonly members: LocalnetManifest['clusters'][number]['members']
  readonly clients: MemberClients
  /** Members the test took down: calls go to the others. */
  readonly down: Set<number>
  /** The next live member, round-robin. */
  live(): number
  /** A call to the live members in turn until one answers (or refuses for a reason of its own). */
  call<C extends Channel>(channel: C, req: ChannelRequest<C>): Promise<ChannelResponse<C>>
  /** Kills member i (SIGKILL) and stops calling it. */
  kill(i: number): Promise<void>
  /** Starts member i again from its data directory and calls it again. */
  restart(i: number): Promise<void>
}

export async function clusterHandles(
  net: BridgedLocalnet,
): Promise<readonly [ClusterHandle, ClusterHandle]> {
  const manifest = JSON.parse(
    await readFile(join(net.dir, 'localnet.json'), 'utf8'),
  ) as LocalnetManifest
  const handles = await Promise.all(
    net.clusters.map(async (cluster, c) => {
      const members = manifest.clusters[c]!.members
      const { genesis } = parseNetworkFile(JSON.parse(await readFile(cluster.network, 'utf8')))
      const clients = new MemberClients(members.map((m) => m.dataDir))
      const down = new Set<number>()
      let next = 0
      const handle: ClusterHandle = {
        net: cluster,
        genesis,
        clusterId: genesis.clusterId,
        members,
        clients,
        down,
        live() {
          for (let k = 0; k < members.length; k++) {
            const i = next++ % members.length
            if (!down.has(i)) return i
          }
          throw new Error(`every member of ${genesis.clusterId} is down`)
        },
        async call(channel, req) {
          let last: unknown
          for (let k = 0; k < members.length; k++) {
            const i = handle.live()
            try {
              return await clients.call(i, channel, req)
            } catch (err) {
              if (!UNREACHABLE.has(errorCode(err))) throw err
              last = err
            }
          }
          throw last
        },
        async kill(i) {
          down.add(i)
          clients.drop(i)
          await cluster.kill(i)
        },
        async restart(i) {
          await cluster.restart(i)
          clients.drop(i)
          down.delete(i)
        },
      }
      return handle
    }),
  )
  return [handles[0]!, handles[1]!]
}

/** The connection of `from` to `to`, as a live member of `from` sees it (undefined: not open). */
export async function connectionTo(
  from: ClusterHandle,
  to: ClusterHandle,
): Promise<BridgeConnection | undefined> {
  const info = await from.call('bridge.info', {})
  return info.connections.find((c) => c.cluster === to.clusterId)
}

/** Waits until both clusters opened their connection and each light client follows the other. */
export async function bridgeOpen(
  a: ClusterHandle,
  b: ClusterHandle,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    async () => {
      const ab = await connectionTo(a, b)
      const ba = await connectionTo(b, a)
      return (ab?.trustedHeight ?? 0) > 0 && (ba?.trustedHeight ?? 0) > 0 ? true : undefined
    },
    timeoutMs,
    'both clusters to open the bridge and verify each other',
    1000,
  )
}

/** Genesis supply of each token, by symbol. */
export function genesisTotals(cluster: ClusterHandle): Record<Token, bigint> {
  const s = genesisSupply(cluster.genesis)
  return { CHR: s[0], PSY: s[1], FLX: s[2] }
}

/** A key held by the test, with the nonce its next transaction carries. */
export class TestAccount {
  readonly signer = testSigner()
  readonly address = encodeAddress(this.signer.address)
  nextNonce = 0

  /** Signs `action` with nonce `nonce` for `clusterId`, as hex for 'tx.submit'. */
  sign(clusterId: string, action: Action, nonce: number, fee: bigint): string {
    return txHex(signedAction(clusterId, this.signer, { action, nonce, fee }))
  }
}

export function transferAction(to: string, token: Token, amount: bigint): Action {
  return { kind: 'transfer', to: decodeAddress(to), token: TOKEN_ID[token], amount }
}

export function bridgeSendAction(
  cluster: string,
  to: string,
  token: Token,
  amount: bigint,
  timeoutHeight: number,
): Action {
  return {
    kind: 'bridgeSend',
    cluster,
    recipient: decodeAddress(to),
    token: TOKEN_ID[token],
    amount,
    timeoutHeight,
  }
}

/**
 * Signs a transaction for the pump when it is first due; `again` after a node refused the last
 * signature outright (a bridge send whose timeout height passed meanwhile, say).
 */
export type PumpSigner = (nonce: number, again: boolean) => string

/** One queued transaction: its nonce, its signature once made, and whether a node holds it. */
interface Slot {
  readonly sign: PumpSigner
  readonly nonce: number
  hex: string | null
  sent: boolean
  /** The codes of the outright refusals it met. */
  readonly refused: string[]
}

/** How far ahead of its committed nonce an account's transactions go (the mempool allows 63). */
const NONCE_WINDOW = 48
const TICK_MS = 250
/** An account whose nonce has not moved for this long has its transactions offered again. */
const STALL_MS = 6_000
/** Refusals that mean "not now": the transaction is offered again later. */
const TRANSIENT = new Set([...UNREACHABLE, 'ERR_NONCE_TOO_FAR', 'ERR_MEMPOOL_FULL'])
/** Refusals that mean a node already holds this nonce (or it is committed). */
const HELD = new Set(['ERR_TX_DUPLICATE', 'ERR_BAD_NONCE', 'ERR_REPLACEMENT_UNDERPRICED'])

/**
 * Submits transactions of test accounts to a cluster's live members, in nonce order within a
 * window, and watches their nonces commit. An account whose nonce stalls (its transactions died
 * with a member's mempool) has them submitted again.
 */
export class TxPump {
  private readonly slots = new Map<TestAccount, Slot[]>()
  private readonly committed = new Map<TestAccount, { nonce: number; movedAt: number }>()
  private running: Promise<void> | null = null
  private stopped = false
  readonly refusals: Record<string, number> = {}

  constructor(private readonly cluster: ClusterHandle) {}

  /** Queues a transaction of `account` with its next nonce. */
  add(account: TestAccount, sign: PumpSigner): void {
    const list = this.slots.get(account) ?? []
    this.slots.set(account, list)
    if (!this.committed.has(account)) {
      this.committed.set(account, { nonce: account.nextNonce, movedAt: performance.now() })
    }
    list.push({ sign, nonce: account.nextNonce++, hex: null, sent: false, refused: [] })
    this.start()
  }

  /** Transactions queued and not yet seen committed. */
  outstanding(): number {
    let n = 0
    for (const list of this.slots.values()) n += list.length
    return n
  }

  /** Resolves once every queued transaction is committed. */
  async drain(timeoutMs: number, what: string): Promise<void> {
    await waitFor(() => (this.outstanding() === 0 ? true : undefined), timeoutMs, what, 100).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${this.describe()}`)
      },
    )
  }

  /** Where each account with transactions outstanding stands, and the refusals met. */
  describe(): string {
    const lines = [`refusals ${JSON.stringify(this.refusals)}`]
    for (const [account, list] of this.slots) {
      if (list.length === 0) continue
      const seen = this.committed.get(account)!
      const sent = list.filter((s) => s.sent).length
      const refused = [...new Set(list.flatMap((s) => s.refused))]
      lines.push(
        `${account.address}: committed ${seen.nonce} (moved ${Math.round(performance.now() - seen.movedAt)} ms ago), ` +
          `outstanding ${list[0]!.nonce}…${list.at(-1)!.nonce} (${sent} sent), refused ${refused.join(',')}`,
      )
    }
    return lines.join('\n')
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.running
  }

  private start(): void {
    if (this.running || this.stopped) return
    this.running = this.loop()
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const accounts = [...this.slots.entries()].filter(([, list]) => list.length > 0)
      await Promise.all(accounts.map(([account, list]) => this.serve(account, list)))
      await sleep(TICK_MS)
    }
  }

  private async serve(account: TestAccount, list: Slot[]): Promise<void> {
    const now = performance.now()
    const seen = this.committed.get(account)!
    try {
      const { nonce } = await this.cluster.call('account.get', { address: account.address })
      if (nonce > seen.nonce) {
        seen.nonce = nonce
        seen.movedAt = now
      }
    } catch {
      return
    }
    while (list.length > 0 && list[0]!.nonce < seen.nonce) list.shift()
    if (list.length === 0) return
    if (now - seen.movedAt > STALL_MS) {
      // Nothing committed for a while: what was sent may have died with a member. Again.
      for (const slot of list) slot.sent = false
      seen.movedAt = now
    }
    for (const slot of list) {
      if (slot.nonce >= seen.nonce + NONCE_WINDOW) break
      if (slot.sent) continue
      if (!(await this.submit(slot))) break
    }
  }

  /** Offers one transaction; false when the account's later ones should wait. */
  private async submit(slot: Slot): Promise<boolean> {
    slot.hex ??= slot.sign(slot.nonce, false)
    try {
      await this.cluster.call('tx.submit', { tx: slot.hex })
    } catch (err) {
      const code = errorCode(err)
      this.refusals[code] = (this.refusals[code] ?? 0) + 1
      if (HELD.has(code)) {
        slot.sent = true
        return true
      }
      if (!TRANSIENT.has(code)) {
        // Refused outright (e.g. a bridge timeout already passed): signed again next time.
        slot.refused.push(code)
        slot.hex = slot.sign(slot.nonce, true)
      }
      return false
    }
    slot.sent = true
    return true
  }
}

/**
 * Funds `root` on `cluster` with `amount` of each of `tokens` from the genesis accounts of
 * members 0, 1 and 2 (one token each), and waits until it holds them. 'wallet.submit' checks the
 * password with scrypt, seconds on a busy machine: one at a time, and one that timed out may
 * still have gone through, so the balance decides.
 */
export async function fundFromMembers(
  cluster: ClusterHandle,
  root: TestAccount,
  amount: bigint,
  tokens: readonly Token[] = TOKENS,
): Promise<void> {
  const funded = async (token: Token): Promise<boolean> => {
    const { balances } = await cluster.call('account.get', { address: root.address })
    return BigInt(balances[token]) >= amount
  }
  for (const [i, token] of tokens.entries()) {
    const member = cluster.members[i]!
    const password = (await readFile(member.passwordFile, 'utf8')).split('\n')[0]!
    for (let attempt = 0; ; attempt++) {
      try {
        await cluster.clients.call(i, 'wallet.submit', {
          index: 0,
          action: { kind: 'transfer', to: root.address, token, amount: `${amount}` },
          fee: `${cluster.genesis.minFee}`,
          password,
        })
      } catch (err) {
        if (errorCode(err) !== 'ERR_TIMEOUT' || attempt > 0) throw err
      }
      const done = await waitFor(
        async () => ((await funded(token)) ? true : undefined),
        30_000,
        `${token} for the root key of ${cluster.clusterId}`,
        500,
      ).catch((err: unknown) => {
        if (attempt > 0) throw err
        return false
      })
      if (done) break
    }
  }
}

/**
 * Pays each of `accounts` `amount` of each of `tokens` from `root` (transactions signed here), and
 * waits until they are committed. `root` pays the 1 % PSY flow fee on top.
 */
export async function fundAccounts(
  cluster: ClusterHandle,
  root: TestAccount,
  accounts: readonly TestAccount[],
  amount: bigint,
  tokens: readonly Token[] = TOKENS,
): Promise<void> {
  const pump = new TxPump(cluster)
  const fee = cluster.genesis.minFee
  for (const account of accounts) {
    for (const token of tokens) {
      pump.add(root, (nonce) =>
        root.sign(cluster.clusterId, transferAction(account.address, token, amount), nonce, fee),
      )
    }
  }
  try {
    await pump.drain(60_000, `funding transfers on ${cluster.clusterId}`)
  } finally {
    await pump.stop()
  }
}

/** Balances of an address, by symbol. */
export async function balancesOf(
  cluster: ClusterHandle,
  address: string,
): Promise<Record<Token, bigint>> {
  const { balances } = await cluster.call('account.get', { address })
  return { CHR: BigInt(balances.CHR), PSY: BigInt(balances.PSY), FLX: BigInt(balances.FLX) }
}

/** The supply in the header of the latest block a live member holds, with its height. */
export async function headerSupply(
  cluster: ClusterHandle,
): Promise<{ height: number; supply: Record<Token, bigint> }> {
  const i = cluster.live()
  const { height } = await cluster.clients.call(i, 'node.status', {})
  const block = await cluster.clients.call(i, 'block.get', { height })
  const s = block.supply
  return { height, supply: { CHR: BigInt(s.CHR), PSY: BigInt(s.PSY), FLX: BigInt(s.FLX) } }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

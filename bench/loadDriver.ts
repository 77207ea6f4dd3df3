// Feeds signed transfers to a running cluster over its RPC, the senders dealt out over the nodes,
// and sees each one commit. Blocks only say how many transactions they hold, so commits are read from the
// senders' nonces: after every block the observer (the first node) is asked for the nonce of each
// account with transactions in flight, and a nonce that moved past k commits that sender's
// transaction k at the time the block was announced.
import { encodeAddress } from '../src/shared/address'
import type { IpcClient } from '../src/shared/ipc/client'
import { TOKEN_ID } from '../src/shared/tokens'
import { signedTransfer, testSigner, txHex } from '../tests/helpers/txs'

/**
 * Transactions an account may have in flight. The mempool refuses nonces 64 or more ahead of the
 * committed one; a node a block behind the observer must still take the newest.
 */
const NONCE_WINDOW = 48

/** Refusals worth another try once a block has committed; any other is counted and dropped. */
const RETRIED = new Set(['ERR_NONCE_TOO_FAR', 'ERR_MEMPOOL_FULL', 'ERR_TIMEOUT'])

/** An account whose key the benchmark holds. */
export class LoadAccount {
  readonly signer = testSigner()
  readonly address = encodeAddress(this.signer.address)
  /** Nonces below this are committed, as the observer last reported. */
  committed = 0
  /** Nonces below this have been submitted. */
  sent = 0
  /** The nonce of the next transaction signed. */
  signed = 0
  /** Signed transactions that are due but held back by the window, in nonce order. */
  readonly held: string[] = []
  /** When each nonce was first submitted (performance.now()). */
  readonly submittedAt: number[] = []

  /** A signed FLX transfer carrying this account's next nonce, as hex for 'tx.submit'. */
  transfer(clusterId: string, to: Uint8Array, amount: bigint, fee: bigint): string {
    const nonce = this.signed++
    return txHex(
      signedTransfer(clusterId, this.signer, { to, token: TOKEN_ID.FLX, amount, nonce, fee }),
    )
  }
}

export interface BlockSeen {
  readonly height: number
  readonly txCount: number
  /** When the observer announced it (performance.now()). */
  readonly at: number
}

interface Commit {
  readonly submittedAt: number
  readonly committedAt: number
}

export class LoadDriver {
  readonly blocks: BlockSeen[] = []
  readonly commits: Commit[] = []
  /** Refusals by error code, retried ones included. */
  readonly refusals: Record<string, number> = {}
  private readonly announcedAt = new Map<number, number>()
  private retries: { account: LoadAccount; nonce: number; hex: string }[] = []
  /** Each account's node: a wallet talks to one node, and every node takes its share. */
  private readonly home: Map<LoadAccount, IpcClient>
  private polling = false
  private pollAgain = false
  private readonly unsubscribe: () => void

  constructor(
    private readonly clients: readonly IpcClient[],
    private readonly accounts: readonly LoadAccount[],
  ) {
    this.home = new Map(accounts.map((a, i) => [a, clients[i % clients.length]!]))
    this.unsubscribe = clients[0]!.on('BlockCommitted', (block) => {
      const at = performance.now()
      this.announcedAt.set(block.height, at)
      this.blocks.push({ height: block.height, txCount: block.txCount, at })
      this.requestPoll()
    })
  }

  /** Submits the account's next signed transaction now, or as soon as its window allows. */
  offer(account: LoadAccount, hex: string): void {
    account.held.push(hex)
    this.pump(account)
  }

  /** Submitted and not yet seen committed. */
  outstanding(): number {
    return this.accounts.reduce((n, a) => n + a.sent - a.committed, 0)
  }

  /** Drops every held transaction; the accounts' next signatures reuse their nonces. */
  dropHeld(): number {
    let dropped = 0
    for (const a of this.accounts) {
      dropped += a.held.length
      a.held.length = 0
      a.signed = a.sent
    }
    return dropped
  }

  /** Everything submitted is committed and nothing waits to be sent. */
  idle(): boolean {
    return (
      this.retries.length === 0 &&
      this.accounts.every((a) => a.held.length === 0 && a.sent === a.committed)
    )
  }

  dispose(): void {
    this.unsubscribe()
  }

  private pump(a: LoadAccount): void {
    while (a.held.length > 0 && a.sent - a.committed < NONCE_WINDOW) {
      a.submittedAt[a.sent] = performance.now()
      this.submit(a, a.sent++, a.held.shift()!)
    }
  }

  private submit(account: LoadAccount, nonce: number, hex: string): void {
    const client = this.home.get(account)!
    void client.call('tx.submit', { tx: hex }).then(
      () => undefined,
      (err: unknown) => {
        const code = codeOf(err)
        this.count(code)
        if (RETRIED.has(code)) this.retries.push({ account, nonce, hex })
      },
    )
  }

  private count(code: string): void {
    this.refusals[code] = (this.refusals[code] ?? 0) + 1
  }

  private requestPoll(): void {
    if (this.polling) {
      this.pollAgain = true
      return
    }
    this.polling = true
    void this.pollUntilCurrent()
  }

  private async pollUntilCurrent(): Promise<void> {
    do {
      this.pollAgain = false
      try {
        await this.pollOnce()
      } catch (err) {
        // A timed-out read is retried at the next block.
        this.count(`poll:${codeOf(err)}`)
      }
    } while (this.pollAgain)
    this.polling = false
  }

  private async pollOnce(): Promise<void> {
    const observer = this.clients[0]!
    const watched = this.accounts.filter((a) => a.sent > a.committed)
    // The node reads requests in the order sent, so the height in a status asked for last is
    // the newest block any of these nonces can reflect: its announcement is the commit time.
    const reads = watched.map((a) => observer.call('account.get', { address: a.address }))
    const status = await observer.call('node.status', {})
    const accounts = await Promise.all(reads)
    const at = this.announcedAt.get(status.height) ?? performance.now()
    watched.forEach((a, i) => {
      const nonce = Math.min(accounts[i]!.nonce, a.sent)
      for (; a.committed < nonce; a.committed++) {
        this.commits.push({ submittedAt: a.submittedAt[a.committed]!, committedAt: at })
      }
      this.pump(a)
    })
    const retries = this.retries
    this.retries = []
    for (const r of retries)
      if (r.nonce >= r.account.committed) this.submit(r.account, r.nonce, r.hex)
  }
}

/** The stable code of a failed call (a node's refusal or the client's timeout). */
function codeOf(err: unknown): string {
  return (err as { code?: string }).code ?? 'ERR_UNKNOWN'
}

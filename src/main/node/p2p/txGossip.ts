import type { Clock } from '../clock'
import { sha256 } from '../crypto'
import { toHex } from '../../../shared/encoding'
import { MAX_TX_BATCH } from './messages'
import type { PeerLink } from './peerLink'

/** How long new transactions wait to be relayed together (fewer, larger messages). */
const FLUSH_MS = 50
/** Transactions remembered as already seen, so a relayed one is not checked twice. */
const SEEN_LIMIT = 200_000

/**
 * Mempool gossip: each transaction that entered the mempool is relayed once, in batches, to every
 * peer but the one it came from. Ones already seen are dropped before any decoding.
 */
export class TxGossip {
  private batches = new Map<string | null, Uint8Array[]>()
  private timer: unknown = null
  private seen = new Set<string>()
  private previousSeen = new Set<string>()

  constructor(
    private readonly link: PeerLink,
    private readonly clock: Clock,
  ) {}

  /** True the first time these bytes are offered; remembers them. */
  firstSeen(bytes: Uint8Array): boolean {
    const key = toHex(sha256(bytes))
    if (this.seen.has(key) || this.previousSeen.has(key)) return false
    this.seen.add(key)
    // Two generations: the older one is dropped whole, which bounds memory without an LRU.
    if (this.seen.size >= SEEN_LIMIT) {
      this.previousSeen = this.seen
      this.seen = new Set()
    }
    return true
  }

  /** Queues a transaction that entered the mempool, from `fromPeer` or (null) from this node. */
  relay(bytes: Uint8Array, fromPeer: string | null): void {
    let batch = this.batches.get(fromPeer)
    if (!batch) this.batches.set(fromPeer, (batch = []))
    batch.push(bytes)
    if (batch.length >= MAX_TX_BATCH) this.flushOne(fromPeer)
    else if (this.timer === null) this.timer = this.clock.setTimeout(() => this.flush(), FLUSH_MS)
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }

  private flush(): void {
    this.timer = null
    for (const origin of [...this.batches.keys()]) this.flushOne(origin)
  }

  private flushOne(origin: string | null): void {
    const txs = this.batches.get(origin)
    this.batches.delete(origin)
    if (txs && txs.length > 0) this.link.broadcast({ kind: 'txs', txs }, origin ?? undefined)
  }
}

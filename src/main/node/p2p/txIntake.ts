/** Transactions checked in one go before consensus messages and timers get their turn. */
const SLICE = 64
/** Transactions from peers waiting to be checked; beyond this new ones are dropped. */
const MAX_WAITING = 20_000

/**
 * Transactions relayed by peers wait here and are checked (a signature each) a slice at a time,
 * yielding to the event loop between slices: a flood of transactions then slows their intake,
 * never consensus. Each one is still in the senders' mempools if it is dropped here.
 */
export class TxIntakeQueue {
  private waiting: { bytes: Uint8Array; peer: string }[] = []
  private head = 0
  private scheduled = false
  private stopped = false

  constructor(private readonly check: (bytes: Uint8Array, peer: string) => void) {}

  /** Queues a transaction; false when the queue is full and it was dropped. */
  push(bytes: Uint8Array, peer: string): boolean {
    if (this.waiting.length - this.head >= MAX_WAITING) return false
    this.waiting.push({ bytes, peer })
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.drain())
    }
    return true
  }

  stop(): void {
    this.stopped = true
  }

  private drain(): void {
    this.scheduled = false
    if (this.stopped) return
    const end = Math.min(this.head + SLICE, this.waiting.length)
    for (; this.head < end; this.head++) {
      const { bytes, peer } = this.waiting[this.head]!
      this.check(bytes, peer)
    }
    if (this.head === this.waiting.length) {
      this.waiting = []
      this.head = 0
    } else {
      this.scheduled = true
      setImmediate(() => this.drain())
    }
  }
}

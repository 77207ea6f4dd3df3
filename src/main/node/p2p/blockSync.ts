import type { Block, Commit } from '../chain/block'
import { encodeBlock } from '../chain/block'
import type { Clock } from '../clock'
import type { CatchUpResult } from '../consensus/engine'
import type { Logger } from '../logger'
import { MAX_SYNC_BATCH, type PeerMessageOf } from './messages'
import type { PeerLink } from './peerLink'

/** How often sync decides whether to ask for blocks. */
const TICK_MS = 250
/** How long a peer may take to answer a request before another is asked. */
const REQUEST_TIMEOUT_MS = 5_000
/** Bytes of blocks in one answer; well under the largest message. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024

export interface BlockSyncOptions {
  readonly link: PeerLink
  /** The latest committed height. */
  readonly height: () => number
  readonly decided: (height: number) => Promise<{ block: Block; commit: Commit } | null>
  /** Verifies a fetched block's commit against its validators and commits it. */
  readonly catchUp: (block: Block, commit: Commit) => Promise<CatchUpResult>
  /** A node one block behind waits this long for consensus to catch up before syncing. */
  readonly graceMs: number
  readonly clock: Clock
  readonly logger: Logger
}

interface Request {
  readonly peer: string
  readonly from: number
  readonly sentAt: number
}

/**
 * Block sync: a node that is behind its peers fetches decided blocks with their commits, in
 * batches from one peer at a time, and hands each to consensus to verify and commit. It also
 * answers other nodes' requests. A peer that sends blocks that do not verify is penalized.
 */
export class BlockSync {
  private readonly peerHeights = new Map<string, number>()
  private request: Request | null = null
  private behindSince: number | null = null
  private timer: unknown = null
  private stopped = false

  constructor(private readonly o: BlockSyncOptions) {
    this.schedule()
  }

  /** Whether the node fetches blocks now, and how far it has to go. */
  progress(): { syncing: boolean; height: number; target: number } {
    const height = this.o.height()
    return { syncing: this.request !== null, height, target: Math.max(height, this.target()) }
  }

  peerHeight(peer: string, height: number): void {
    this.peerHeights.set(peer, height)
  }

  peerGone(peer: string): void {
    this.peerHeights.delete(peer)
    if (this.request?.peer === peer) this.request = null
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer)
  }

  /** Answers a peer's request with as many consecutive decided blocks as fit. */
  async answer(peer: string, from: number, count: number): Promise<void> {
    const blocks: { block: Block; commit: Commit }[] = []
    let bytes = 0
    const last = Math.min(from + Math.min(count, MAX_SYNC_BATCH) - 1, this.o.height())
    for (let h = Math.max(from, 1); h <= last; h++) {
      const decided = await this.o.decided(h)
      if (!decided) break
      bytes += encodeBlock(decided.block).length
      if (blocks.length > 0 && bytes > MAX_ANSWER_BYTES) break
      blocks.push(decided)
    }
    this.o.link.send(peer, { kind: 'blocks', blocks })
  }

  /** Blocks from a peer: applied in order; the first that does not verify condemns the batch. */
  async receive(peer: string, message: PeerMessageOf<'blocks'>): Promise<void> {
    const request = this.request
    if (!request || request.peer !== peer) {
      this.o.link.penalize(peer, 'unrequested-blocks')
      return
    }
    this.request = null
    for (const { block, commit } of message.blocks) {
      const result = await this.o.catchUp(block, commit)
      if (result === 'invalid') {
        this.o.logger.warn('peer sent a block that does not verify', {
          peer: peer.slice(0, 12),
          height: block.header.height,
        })
        this.o.link.penalize(peer, 'invalid-blocks')
        return
      }
      // Out of order, or valid blocks this node computes differently (its own fault): stop here.
      if (result === 'out-of-order' || result === 'diverged') break
    }
    if (message.blocks.length === 0) this.peerHeights.set(peer, this.o.height())
    this.tick()
  }

  private target(): number {
    let max = 0
    for (const h of this.peerHeights.values()) if (h > max) max = h
    return max
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = this.o.clock.setTimeout(() => {
      this.tick()
      this.schedule()
    }, TICK_MS)
  }

  private tick(): void {
    if (this.stopped) return
    const now = this.o.clock.now()
    if (this.request) {
      if (now - this.request.sentAt < REQUEST_TIMEOUT_MS) return
      this.o.link.penalize(this.request.peer, 'sync-timeout')
      this.peerHeights.delete(this.request.peer)
      this.request = null
    }
    const height = this.o.height()
    const target = this.target()
    if (target <= height) {
      this.behindSince = null
      return
    }
    this.behindSince ??= now
    // One block behind is normal between a peer's commit and ours: let consensus finish it.
    if (target === height + 1 && now - this.behindSince < this.o.graceMs) return
    const peers = [...this.peerHeights].filter(([, h]) => h > height).map(([id]) => id)
    const peer = peers[Math.floor(Math.random() * peers.length)]
    if (peer === undefined) return
    this.request = { peer, from: height + 1, sentAt: now }
    this.o.link.send(peer, {
      kind: 'getBlocks',
      from: height + 1,
      count: Math.min(MAX_SYNC_BATCH, target - height),
    })
  }
}

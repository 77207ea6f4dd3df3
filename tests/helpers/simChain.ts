// The pieces of an in-process Tendermint cluster that simulations and scenario tests share:
// seeded randomness, virtual time, and a minimal chain whose block rules are the real ones.
import { bytesEqual, toHex } from '../../src/shared/encoding'
import {
  blockHash,
  commitHash,
  type Block,
  type Commit,
  type Header,
} from '../../src/main/node/chain/block'
import type { ValidatorSet } from '../../src/main/node/chain/validators'
import type { Clock } from '../../src/main/node/clock'
import { verifyCommit } from '../../src/main/node/consensus/commitVerify'
import type { ConsensusApp } from '../../src/main/node/consensus/engine'
import { merkleRoot } from '../../src/main/node/chain/merkle'
import { packetRoot } from '../../src/main/node/bridge/packet'

export const SIM_CLUSTER = 'sim'
const ZERO32 = new Uint8Array(32)

/** Mulberry32: a small seeded generator, so every run replays exactly from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface SimTimer {
  readonly at: number
  readonly seq: number
  readonly fn: () => void
}

/**
 * Virtual time: timers run in (time, insertion) order when the simulation advances. Timers sit in
 * a binary heap (a simulation holds thousands of messages in flight, and a scan of all of them on
 * every step made runs quadratic); cleared timers are only forgotten and skipped when they surface.
 */
export class SimClock implements Clock {
  private time = 1_000_000
  private seq = 0
  private readonly heap: SimTimer[] = []
  private readonly pending = new Set<number>()

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const seq = ++this.seq
    this.push({ at: this.time + Math.max(0, ms), seq, fn })
    this.pending.add(seq)
    return seq
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }

  /** Runs the next due timer; false when none is left. */
  step(): boolean {
    for (;;) {
      const next = this.pop()
      if (!next) return false
      if (!this.pending.delete(next.seq)) continue
      this.time = next.at
      next.fn()
      return true
    }
  }

  private static before(a: SimTimer, b: SimTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  private push(timer: SimTimer): void {
    const heap = this.heap
    let i = heap.push(timer) - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!SimClock.before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  private pop(): SimTimer | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length === 0 || last === undefined) return top
    heap[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let least = i
      if (left < heap.length && SimClock.before(heap[left]!, heap[least]!)) least = left
      if (right < heap.length && SimClock.before(heap[right]!, heap[least]!)) least = right
      if (least === i) return top
      ;[heap[i], heap[least]] = [heap[least]!, heap[i]!]
      i = least
    }
  }
}

/** A minimal chain for consensus to order: empty blocks, with every header rule that matters. */
export class SimApp implements ConsensusApp {
  readonly blocks: Block[] = []
  readonly commits: Commit[] = []
  /** The set of each height, index = height (each is derived from the one before). */
  private readonly sets: ValidatorSet[] = []
  /**
   * Last-commit checks already made, by height and commit hash. The engine asks about the same
   * block many times per round, and each answer costs several signature verifications; the
   * answer cannot change, since the chain below a height never changes.
   */
  private readonly lastCommitChecks = new Map<string, boolean>()

  constructor(
    private readonly validators: ValidatorSet,
    private readonly clock: Clock,
  ) {}

  get height(): number {
    return this.blocks.length
  }

  private lastHash(): Uint8Array {
    const last = this.blocks.at(-1)
    return last ? blockHash(last.header) : ZERO32
  }

  validatorSet(height: number): ValidatorSet {
    this.sets[1] ??= this.validators
    for (let h = this.sets.length; h <= height; h++) this.sets[h] = this.sets[h - 1]!.next()
    return this.sets[Math.max(1, height)]!
  }

  createBlock(height: number, proposer: Uint8Array, lastCommit: Commit | null): Block {
    const set = this.validatorSet(height)
    const header: Header = {
      clusterId: SIM_CLUSTER,
      height,
      time: Math.max(this.clock.now(), (this.blocks.at(-1)?.header.time ?? 0) + 1),
      prevHash: this.lastHash(),
      txRoot: merkleRoot([]),
      stateHash: ZERO32,
      validatorsHash: set.hash(),
      nextValidatorsHash: set.hash(),
      proposer,
      lastCommitHash: commitHash(lastCommit),
      packetRoot: packetRoot([]),
      supply: [0n, 0n, 0n],
      poolReserves: [0n, 0n, 0n],
      poolWeights: [0n, 0n, 0n],
      swapFee: 0n,
    }
    return { header, txs: [], lastCommit }
  }

  isValidBlock(block: Block): boolean {
    const h = block.header
    const height = this.height + 1
    if (h.height !== height || !bytesEqual(h.prevHash, this.lastHash())) return false
    if (!bytesEqual(h.lastCommitHash, commitHash(block.lastCommit))) return false
    if (h.time <= (this.blocks.at(-1)?.header.time ?? 0)) return false
    if (this.validatorSet(height).indexOf(h.proposer) < 0) return false
    if (height === 1) return block.lastCommit === null
    if (block.lastCommit === null) return false
    const key = `${height}/${toHex(commitHash(block.lastCommit))}`
    let valid = this.lastCommitChecks.get(key)
    if (valid === undefined) {
      valid = this.verifiesLastCommit(block.lastCommit, height - 1)
      this.lastCommitChecks.set(key, valid)
    }
    return valid
  }

  private verifiesLastCommit(commit: Commit, height: number): boolean {
    try {
      verifyCommit(SIM_CLUSTER, this.validatorSet(height), commit, height, this.lastHash())
      return true
    } catch {
      return false
    }
  }

  keepCommit(commit: Commit): Promise<void> {
    if (commit.height === this.height) this.commits[commit.height - 1] = commit
    return Promise.resolve()
  }

  decided(height: number): Promise<{ block: Block; commit: Commit } | null> {
    const block = this.blocks[height - 1]
    const commit = this.commits[height - 1]
    return Promise.resolve(block && commit ? { block, commit } : null)
  }

  commitBlock(block: Block, commit: Commit): Promise<void> {
    if (!this.isValidBlock(block)) throw new Error('committing an invalid block')
    this.blocks.push(block)
    this.commits.push(commit)
    return Promise.resolve()
  }
}

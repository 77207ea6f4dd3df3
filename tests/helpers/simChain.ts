// The pieces of an in-process Tendermint cluster that simulations and scenario tests share:
// seeded randomness, virtual time, and a minimal chain whose block rules are the real ones.
import { bytesEqual } from '../../src/shared/encoding'
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

/** Virtual time: timers run in (time, insertion) order when the simulation advances. */
export class SimClock implements Clock {
  private time = 1_000_000
  private seq = 0
  private readonly timers = new Map<number, { at: number; seq: number; fn: () => void }>()

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq
    this.timers.set(id, { at: this.time + Math.max(0, ms), seq: id, fn })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }

  /** Runs the next due timer; false when none is left. */
  step(): boolean {
    let next: { id: number; at: number; seq: number; fn: () => void } | null = null
    for (const [id, t] of this.timers) {
      if (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = { id, ...t }
    }
    if (!next) return false
    this.timers.delete(next.id)
    this.time = next.at
    next.fn()
    return true
  }
}

/** A minimal chain for consensus to order: empty blocks, with every header rule that matters. */
export class SimApp implements ConsensusApp {
  readonly blocks: Block[] = []
  readonly commits: Commit[] = []

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
    let set = this.validators
    for (let h = 1; h < height; h++) set = set.next()
    return set
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
    try {
      verifyCommit(
        SIM_CLUSTER,
        this.validatorSet(height - 1),
        block.lastCommit,
        height - 1,
        this.lastHash(),
      )
      return true
    } catch {
      return false
    }
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

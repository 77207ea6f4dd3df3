import { bytesEqual, fromHex, toHex } from '../../../shared/encoding'
import {
  blockHash,
  MAX_BLOCK_TX_BYTES,
  VOTE_TYPE,
  voteSignBytes,
  type Block,
  type Commit,
  type CommitSig,
  type VoteType,
} from '../chain/block'
import type { Synchrony } from '../chain/genesis'
import type { ValidatorSet } from '../chain/validators'
import type { Clock } from '../clock'
import { addressOf, ed25519Verify } from '../crypto'
import type { Logger } from '../logger'
import {
  proposalSignBytes,
  type ConsensusMessage,
  type ProposalMessage,
  type SignedVote,
} from './messages'
import { NO_ROUND_STATE, type PrivValidator, type RoundState } from './privValidator'
import { verifyCommit } from './commitVerify'
import { NIL_VOTE, RoundVoteSet, type Equivocation } from './voteSet'

/** What consensus needs from the chain it orders blocks for. */
export interface ConsensusApp {
  /** The validators that vote at `height`. */
  validatorSet(height: number): ValidatorSet
  /** A new block for this node to propose at `height`, carrying `lastCommit`. */
  createBlock(height: number, proposer: Uint8Array, lastCommit: Commit | null): Block
  /**
   * Full validity: structure, last commit, time advancing past the previous block's, and
   * execution to the header's state hash. Deterministic: never the local clock (timeliness is
   * judged here, and only for a fresh proposal).
   */
  isValidBlock(block: Block): boolean
  /** Makes a decided block durable, with the commit certificate that decided it. */
  commitBlock(block: Block, commit: Commit): Promise<void>
  /**
   * Keeps a fuller commit certificate for the latest block (late precommits joined it), so that
   * after a restart this node proposes with every signature it held.
   */
  keepCommit(commit: Commit): Promise<void>
  /** A block decided earlier, with its commit, to help a peer that is behind. */
  decided(height: number): Promise<{ block: Block; commit: Commit } | null>
}

/**
 * How consensus messages leave this node (the node's own messages are applied directly). Peers
 * are named by the opaque id their messages arrived with.
 */
export interface ConsensusNetwork {
  /** This node's own proposal or vote, for every peer. */
  broadcast(message: ConsensusMessage): void
  /**
   * Another validator's proposal or vote of the current height, verified and new to this node,
   * for the peers that lack it (`fromPeer` sent it). Without relaying, a validator that is not
   * connected to every other one would never see a quorum.
   */
  relay?(message: ConsensusMessage, fromPeer: string | null): void
  /** A message for one peer only (a decided block for a peer that is behind). */
  sendTo?(peer: string, message: ConsensusMessage): void
}

/** Timeouts of the Tendermint algorithm; each grows linearly with the round. */
export interface ConsensusTimeouts {
  readonly proposeMs: number
  readonly proposeDeltaMs: number
  readonly prevoteMs: number
  readonly prevoteDeltaMs: number
  readonly precommitMs: number
  readonly precommitDeltaMs: number
  /** Wait after a decision before the next height: the block time. */
  readonly commitMs: number
  /** How often a validator re-sends its own messages of the current height (lost ones recover). */
  readonly gossipMs: number
}

export const DEFAULT_TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 3000,
  proposeDeltaMs: 500,
  prevoteMs: 1000,
  prevoteDeltaMs: 500,
  precommitMs: 1000,
  precommitDeltaMs: 500,
  commitMs: 1000,
  gossipMs: 1000,
}

export type Step = 'propose' | 'prevote' | 'precommit' | 'commit'

/** Called when a peer's message turns out forged. */
export type ForgedReport = () => void

/** What became of a block offered by block sync. */
export type CatchUpResult = 'applied' | 'stale' | 'out-of-order' | 'invalid' | 'diverged'

export interface ConsensusStatus {
  readonly height: number
  readonly round: number
  readonly step: Step
  /** The validators of this height and the proposer of this round. */
  readonly validators: ValidatorSet
  readonly proposer: Uint8Array
  /** Messages of the next height held until this node gets there, and their size. */
  readonly nextHeightBuffered: { readonly messages: number; readonly bytes: number }
}

export interface ConsensusEvents {
  onDecided?(height: number, round: number): void
  onEvidence?(evidence: Equivocation): void
  /**
   * More than 2/3 of the validators committed a block this node finds invalid: its state has
   * diverged. The engine stops signing for good (until restart) before this is called.
   */
  onDivergence?(height: number): void
}

interface ReceivedProposal {
  readonly message: ProposalMessage
  readonly round: number
  readonly polRound: number
  readonly block: Block
  readonly hashHex: string
  /** This node's clock when the proposal first arrived: its timeliness is judged by it. */
  readonly receivedAt: number
}

/** A message of the next height, verified, held until this node gets there. */
interface BufferedMessage {
  readonly message: ConsensusMessage
  readonly fromPeer: string | null
  readonly receivedAt: number
  readonly bytes: number
}

// Messages more than this many rounds ahead are dropped: they cannot be needed yet and would let
// a peer grow our memory without bound.
const MAX_ROUNDS_AHEAD = 64
/**
 * The next height's messages worth keeping come from its validators' first rounds: a proposal,
 * a prevote and a precommit each, in a round or two. More from one validator is dropped, and so
 * is anything past a byte budget of two full blocks.
 */
const MAX_BUFFERED_PER_VALIDATOR = 6
const MAX_BUFFERED_BYTES = 2 * MAX_BLOCK_TX_BYTES + 1024 * 1024
// Rough sizes for the budget: a vote is ~100 bytes on the wire, a block's header and commit a few
// KiB at most beside its transactions.
const VOTE_BYTES = 128
const BLOCK_OVERHEAD_BYTES = 1024

/**
 * Tendermint BFT as in "The latest gossip on BFT consensus" (Buchman, Kwon, Milosevic, 2018),
 * Algorithm 1. Each numbered rule below names the line of the paper it implements. Events
 * (messages, timeouts) are processed one at a time, so the state machine is deterministic for a
 * given order of events. A validator set of one runs exactly this code.
 */
export class TendermintEngine {
  private height = 0
  private round = 0
  private step: Step = 'propose'
  private lockedValue: Block | null = null
  private lockedHashHex: string | null = null
  private lockedRound = -1
  private validValue: Block | null = null
  private validRound = -1
  private validators: ValidatorSet
  private lastCommit: Commit | null

  private proposals = new Map<number, ReceivedProposal>()
  private prevotes = new Map<number, RoundVoteSet>()
  private precommits = new Map<number, RoundVoteSet>()
  private firedOnce = new Set<string>()
  private nextHeightBuffer: BufferedMessage[] = []
  private nextHeightBytes = 0
  private readonly nextHeightCounts = new Map<string, number>()
  /** What this validator sent at the current height, re-sent on every gossip tick. */
  private ownMessages: ConsensusMessage[] = []
  /** Peers sent a decided block in this gossip period. */
  private readonly answeredPeers = new Set<string>()
  private gossipTimer: unknown = null
  private readonly timers = new Set<unknown>()

  private readonly queue: (() => Promise<void>)[] = []
  private draining = false
  private stopped = true
  /** Set once this node's state diverged from a committed block: it must never sign again. */
  private signingHalted = false
  private readonly myAddress: Uint8Array | null

  constructor(
    private readonly opts: {
      clusterId: string
      app: ConsensusApp
      network: ConsensusNetwork
      /** Null for a full node that follows but does not vote. */
      privValidator: PrivValidator | null
      clock: Clock
      logger: Logger
      timeouts: ConsensusTimeouts
      /** The genesis bounds on clocks and delays by which a fresh proposal's time is judged. */
      synchrony: Synchrony
      events?: ConsensusEvents
    },
    startHeight: number,
    lastCommit: Commit | null,
  ) {
    this.height = startHeight
    this.lastCommit = lastCommit
    this.validators = opts.app.validatorSet(startHeight)
    this.myAddress = opts.privValidator ? addressOf(opts.privValidator.publicKey()) : null
  }

  start(): void {
    this.stopped = false
    this.enqueue(async () => {
      const restored = this.opts.privValidator?.roundState(this.height) ?? NO_ROUND_STATE
      await this.enterHeight(this.height, this.lastCommit, this.resumeRound(), restored)
      this.restoreOwnVotes()
      await this.applyRules()
    })
    this.scheduleGossip()
  }

  /**
   * Messages can be lost (drops, partitions, a peer restarting). Tendermint stays live because
   * peers keep gossiping: here each validator re-sends what it said at the current height.
   */
  private scheduleGossip(): void {
    this.gossipTimer = this.opts.clock.setTimeout(() => {
      if (this.stopped) return
      for (const m of this.ownMessages) this.opts.network.broadcast(m)
      // Also relay the prevotes that justify this node's valid value (its proof of lock): a peer
      // that missed some of them, from a validator that crashed since, could never accept a
      // re-proposal of that value otherwise, and the rounds would go on without a decision.
      if (this.validRound >= 0) {
        for (const vote of this.prevoteSet(this.validRound).all()) {
          this.opts.network.broadcast({ kind: 'vote', vote })
        }
      }
      this.answeredPeers.clear()
      this.scheduleGossip()
    }, this.opts.timeouts.gossipMs)
  }

  /**
   * After a restart in the middle of a height, the validator resumes in the round it last signed
   * in (the double-sign guard keeps it from signing anything different there).
   */
  private resumeRound(): number {
    const last = this.opts.privValidator?.lastSigned()
    return last && last.height === this.height ? last.round : 0
  }

  /**
   * Counts and re-sends the votes signed at this height before a restart, and takes up the step
   * after the last of them: the others may be waiting for votes that were lost with the crash.
   */
  private restoreOwnVotes(): void {
    if (!this.opts.privValidator || !this.myAddress) return
    for (const { body, signature } of this.opts.privValidator.votesAtLastHeight()) {
      if (body.height !== this.height) continue
      const vote: SignedVote = { body, validator: this.myAddress, signature }
      this.ownMessages.push({ kind: 'vote', vote })
      this.opts.network.broadcast({ kind: 'vote', vote })
      this.ingest({ kind: 'vote', vote })
      if (body.round === this.round) {
        this.step = body.type === VOTE_TYPE.prevote ? 'prevote' : 'precommit'
      }
    }
  }

  /** Stops processing and cancels timers; waits for the event being processed to finish. */
  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.timers) this.opts.clock.clearTimeout(t)
    this.timers.clear()
    if (this.gossipTimer !== null) this.opts.clock.clearTimeout(this.gossipTimer)
    while (this.draining) await new Promise((resolve) => setImmediate(resolve))
  }

  status(): ConsensusStatus {
    return {
      height: this.height,
      round: this.round,
      step: this.step,
      validators: this.validators,
      proposer: this.validators.proposer(this.round).address,
      nextHeightBuffered: { messages: this.nextHeightBuffer.length, bytes: this.nextHeightBytes },
    }
  }

  /**
   * Block sync: commits a block fetched from a peer once its commit certificate verifies against
   * the validators of its height, and moves consensus on to the next height at once. Runs in the
   * event queue, so it never races a decision of the same height.
   */
  catchUp(block: Block, commit: Commit): Promise<CatchUpResult> {
    return new Promise((resolve) => {
      this.enqueue(async () => {
        const next = this.step === 'commit' ? this.height + 1 : this.height
        if (commit.height < next) return resolve('stale')
        if (commit.height > next || block.header.height !== commit.height) {
          return resolve('out-of-order')
        }
        const hash = blockHash(block.header)
        try {
          verifyCommit(this.opts.clusterId, this.opts.app.validatorSet(next), commit, next, hash)
        } catch {
          return resolve('invalid')
        }
        if (next !== this.height) this.advanceTo(next, this.lastCommit)
        if (!this.opts.app.isValidBlock(block)) {
          this.haltSigning(next)
          return resolve('diverged')
        }
        this.clearTimers()
        // Like a decision of its own, a synced block is followed by the commit wait: the next
        // block syncs within it, and after the last one this node does not propose before the
        // others have had the block time to gather precommits.
        await this.commitDecided(block, commit, toHex(hash))
        resolve('applied')
      })
    })
  }

  /**
   * Hands a message from a peer to the state machine. Invalid messages are dropped; `forged` is
   * called for one whose signature or commit does not verify (no honest peer relays those).
   */
  receive(
    message: ConsensusMessage,
    forged: ForgedReport = () => {},
    fromPeer: string | null = null,
  ): void {
    this.enqueue(async () => {
      this.ingest(message, forged, fromPeer)
      await this.applyRules()
    })
  }

  /**
   * The proposals and votes of the current height this node holds, for a gossip layer that sends
   * each peer the ones it lacks.
   */
  gossipSnapshot(): ConsensusMessage[] {
    const out: ConsensusMessage[] = []
    for (const round of [...this.proposals.keys()].sort((a, b) => a - b)) {
      out.push(this.proposals.get(round)!.message)
    }
    for (const sets of [this.prevotes, this.precommits]) {
      for (const round of [...sets.keys()].sort((a, b) => a - b)) {
        for (const vote of sets.get(round)!.all()) out.push({ kind: 'vote', vote })
      }
    }
    return out
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue.push(task)
    if (!this.draining) void this.drain()
  }

  private async drain(): Promise<void> {
    this.draining = true
    try {
      while (!this.stopped && this.queue.length > 0) {
        const task = this.queue.shift()!
        try {
          await task()
        } catch (err) {
          this.opts.logger.error('consensus event failed', { err: String(err) })
        }
      }
    } finally {
      this.draining = false
    }
  }

  // ---- state transitions ---------------------------------------------------------------------

  /**
   * Enters `height` in `round`, with the lock and valid value a restart restored (none
   * otherwise), then takes in what was buffered for it.
   */
  private async enterHeight(
    height: number,
    lastCommit: Commit | null,
    round = 0,
    restored: RoundState = NO_ROUND_STATE,
  ): Promise<void> {
    const buffered = this.height + 1 === height ? this.nextHeightBuffer : []
    this.advanceTo(height, lastCommit)
    this.setLock(restored.lockedBlock, restored.lockedRound)
    this.validValue = restored.validBlock
    this.validRound = restored.validRound
    await this.startRound(round)
    for (const { message, fromPeer, receivedAt } of buffered) {
      this.ingest(message, () => {}, fromPeer, receivedAt)
    }
    await this.applyRules()
  }

  /** Resets the per-height state for `height` without starting a round. */
  private advanceTo(height: number, lastCommit: Commit | null): void {
    this.height = height
    this.lastCommit = lastCommit
    this.validators = this.opts.app.validatorSet(height)
    this.setLock(null, -1)
    this.validValue = null
    this.validRound = -1
    this.proposals = new Map()
    this.prevotes = new Map()
    this.precommits = new Map()
    this.firedOnce = new Set()
    this.ownMessages = []
    this.nextHeightBuffer = []
    this.nextHeightBytes = 0
    this.nextHeightCounts.clear()
  }

  private setLock(block: Block | null, round: number): void {
    this.lockedValue = block
    this.lockedHashHex = block ? toHex(blockHash(block.header)) : null
    this.lockedRound = round
  }

  /** The paper state a restart must restore, persisted with each precommit for a block. */
  private roundState(): RoundState {
    return {
      lockedRound: this.lockedRound,
      lockedBlock: this.lockedValue,
      validRound: this.validRound,
      validBlock: this.validValue,
    }
  }

  /** StartRound (lines 11-21). */
  private async startRound(round: number): Promise<void> {
    this.round = round
    this.step = 'propose'
    const height = this.height
    const proposer = this.validators.proposer(round)
    if (this.myAddress && bytesEqual(proposer.address, this.myAddress)) {
      const block =
        this.validValue ?? this.opts.app.createBlock(height, this.myAddress, this.lastCommit)
      await this.propose(block, this.validValue ? this.validRound : -1)
    }
    // Scheduled for the proposer too: if its own proposal cannot be signed (e.g. after a restart
    // the double-sign guard refuses), the round still moves on.
    this.schedule(this.timeoutFor('propose', round), () => this.onTimeoutPropose(height, round))
  }

  private haltSigning(height: number): void {
    if (this.signingHalted) return
    this.signingHalted = true
    this.opts.logger.error('state diverged from a committed block: signing stopped', { height })
    this.opts.events?.onDivergence?.(height)
  }

  private async propose(block: Block, polRound: number): Promise<void> {
    if (this.signingHalted) return
    const hash = blockHash(block.header)
    const body = {
      height: this.height,
      round: this.round,
      polRoundPlusOne: polRound + 1,
      blockHash: hash,
    }
    let signature: Uint8Array
    try {
      signature = await this.opts.privValidator!.signProposal(body)
    } catch (err) {
      this.opts.logger.warn('not proposing', { reason: (err as Error).message })
      return
    }
    const message: ProposalMessage = { kind: 'proposal', body, block, signature }
    this.ownMessages.push(message)
    this.opts.network.broadcast(message)
    this.ingest(message)
  }

  /** Signs and sends a vote; `roundState` is persisted with it (see PrivValidator.signVote). */
  private async castVote(
    type: VoteType,
    blockHashHex: string | null,
    roundState?: RoundState,
  ): Promise<void> {
    const priv = this.opts.privValidator
    if (!priv || !this.myAddress || this.validators.indexOf(this.myAddress) < 0) return
    if (this.signingHalted) return
    const body = {
      type,
      height: this.height,
      round: this.round,
      blockHash: blockHashHex === null ? null : fromHex(blockHashHex),
    }
    let signature: Uint8Array
    try {
      signature = await priv.signVote(body, roundState)
    } catch (err) {
      this.opts.logger.warn('not voting', { reason: (err as Error).message })
      return
    }
    const vote: SignedVote = { body, validator: this.myAddress, signature }
    this.ownMessages.push({ kind: 'vote', vote })
    this.opts.network.broadcast({ kind: 'vote', vote })
    this.ingest({ kind: 'vote', vote })
  }

  /**
   * Line 49. A validator that holds the round's polka for the decided block still prevotes and
   * precommits it first, as CometBFT enters precommit before commit: one that arrives a moment
   * late, with the whole round already in its buffer, would otherwise never sign, and its absence
   * from every commit would carry over from height to height.
   */
  private async decide(proposal: ReceivedProposal, round: number): Promise<void> {
    if (round === this.round && this.step !== 'precommit') {
      const polka = this.prevotes.get(round)?.powerFor(proposal.hashHex) ?? 0n
      if (this.validators.hasTwoThirds(polka)) {
        if (this.step === 'propose') {
          this.step = 'prevote'
          await this.castVote(VOTE_TYPE.prevote, proposal.hashHex)
        }
        this.setLock(proposal.block, round)
        this.validValue = proposal.block
        this.validRound = round
        this.step = 'precommit'
        await this.castVote(VOTE_TYPE.precommit, proposal.hashHex, this.roundState())
      }
    }
    const votes = this.precommitSet(round).votesFor(proposal.hashHex)
    const commit: Commit = {
      height: this.height,
      round,
      blockHash: fromHex(proposal.hashHex),
      signatures: votes.map((v) => ({ validator: v.validator, signature: v.signature })),
    }
    await this.commitDecided(proposal.block, commit, proposal.hashHex)
  }

  /** Commits a block decided with `commit`, then waits out the block time. */
  private async commitDecided(block: Block, commit: Commit, hashHex: string): Promise<void> {
    const height = this.height
    const round = commit.round
    this.step = 'commit'
    await this.opts.app.commitBlock(block, commit)
    this.opts.events?.onDecided?.(height, round)
    this.clearTimers()
    // Wait out the block time; precommits that arrive meanwhile join the next block's last commit.
    this.schedule(this.opts.timeouts.commitMs, async () => {
      if (this.height !== height) return
      const fuller = this.withLatePrecommits(commit, hashHex)
      if (fuller !== commit) await this.opts.app.keepCommit(fuller)
      await this.enterHeight(height + 1, fuller)
    })
  }

  /**
   * The commit with every verified precommit for its block and round this node holds added:
   * the union of signatures, in validator order, so the next block credits every validator that
   * signed in time, whichever certificate arrived first.
   */
  private withLatePrecommits(commit: Commit, hashHex: string): Commit {
    const byAddress = new Map<string, CommitSig>()
    for (const sig of commit.signatures) byAddress.set(toHex(sig.validator), sig)
    for (const vote of this.precommitSet(commit.round).votesFor(hashHex)) {
      byAddress.set(toHex(vote.validator), { validator: vote.validator, signature: vote.signature })
    }
    if (byAddress.size === commit.signatures.length) return commit
    const signatures = [...byAddress.values()].sort(
      (a, b) => this.validators.indexOf(a.validator) - this.validators.indexOf(b.validator),
    )
    return { ...commit, signatures }
  }

  // ---- the upon-rules of Algorithm 1 ---------------------------------------------------------

  private async applyRules(): Promise<void> {
    while (!this.stopped && (await this.applyOneRule()));
  }

  /** Applies the first rule whose condition holds; returns whether anything changed. */
  private async applyOneRule(): Promise<boolean> {
    if (this.step === 'commit') return false
    const r = this.round

    // Line 49: a proposal with precommits of more than 2/3 for it, in any round, decides.
    for (const [round, proposal] of this.proposals) {
      const pc = this.precommits.get(round)
      if (pc && this.validators.hasTwoThirds(pc.powerFor(proposal.hashHex))) {
        if (this.opts.app.isValidBlock(proposal.block)) {
          await this.decide(proposal, round)
          return true
        }
      }
    }

    // Line 55: more than 1/3 of the power is already in a later round: skip to it.
    for (const round of this.laterRounds()) {
      if (this.validators.hasOneThird(this.powerSeenInRound(round))) {
        this.clearTimers()
        await this.startRound(round)
        return true
      }
    }

    const proposal = this.proposals.get(r)
    if (this.step === 'propose' && proposal) {
      // Line 22: a fresh proposal; its time must also agree with this node's clock.
      if (proposal.polRound === -1) {
        const accept =
          this.isTimely(proposal) &&
          this.opts.app.isValidBlock(proposal.block) &&
          (this.lockedRound === -1 || this.isLockedOn(proposal.hashHex))
        this.step = 'prevote'
        await this.castVote(VOTE_TYPE.prevote, accept ? proposal.hashHex : null)
        return true
      }
      // Line 28: a re-proposal backed by a proof of lock from round vr < r.
      const vr = proposal.polRound
      const polVotes = this.prevotes.get(vr)
      if (vr < r && polVotes && this.validators.hasTwoThirds(polVotes.powerFor(proposal.hashHex))) {
        const accept =
          this.opts.app.isValidBlock(proposal.block) &&
          (this.lockedRound <= vr || this.isLockedOn(proposal.hashHex))
        this.step = 'prevote'
        await this.castVote(VOTE_TYPE.prevote, accept ? proposal.hashHex : null)
        return true
      }
    }

    const prevotes = this.prevotes.get(r)
    // Line 34: any 2/3 of prevotes starts the prevote timeout.
    if (
      this.step === 'prevote' &&
      prevotes?.hasTwoThirdsAny() &&
      this.once(`prevote-timeout/${r}`)
    ) {
      const height = this.height
      this.schedule(this.timeoutFor('prevote', r), () => this.onTimeoutPrevote(height, r))
      return true
    }

    // Line 36: 2/3 of prevotes for a valid proposal, while step >= prevote: lock (if still
    // prevoting) and remember it. The step condition matters: fired during the propose step, the
    // one-shot rule would be spent, and after the propose timeout the node could never lock.
    if (
      this.step !== 'propose' &&
      proposal &&
      prevotes &&
      this.validators.hasTwoThirds(prevotes.powerFor(proposal.hashHex)) &&
      this.opts.app.isValidBlock(proposal.block) &&
      this.once(`polka/${r}`)
    ) {
      this.validValue = proposal.block
      this.validRound = r
      if (this.step === 'prevote') {
        this.setLock(proposal.block, r)
        this.step = 'precommit'
        // The lock is written with the precommit's guard, before the precommit leaves.
        await this.castVote(VOTE_TYPE.precommit, proposal.hashHex, this.roundState())
      } else {
        await this.opts.privValidator?.saveRoundState(this.height, this.roundState())
      }
      return true
    }

    // Line 44: 2/3 of prevotes for nil.
    if (
      this.step === 'prevote' &&
      prevotes &&
      this.validators.hasTwoThirds(prevotes.powerFor(NIL_VOTE))
    ) {
      this.step = 'precommit'
      await this.castVote(VOTE_TYPE.precommit, null)
      return true
    }

    // Line 47: any 2/3 of precommits starts the precommit timeout.
    if (this.precommits.get(r)?.hasTwoThirdsAny() && this.once(`precommit-timeout/${r}`)) {
      const height = this.height
      this.schedule(this.timeoutFor('precommit', r), () => this.onTimeoutPrecommit(height, r))
      return true
    }
    return false
  }

  /** Line 57. */
  private async onTimeoutPropose(height: number, round: number): Promise<void> {
    if (height !== this.height || round !== this.round || this.step !== 'propose') return
    this.step = 'prevote'
    await this.castVote(VOTE_TYPE.prevote, null)
    await this.applyRules()
  }

  /** Line 61. */
  private async onTimeoutPrevote(height: number, round: number): Promise<void> {
    if (height !== this.height || round !== this.round || this.step !== 'prevote') return
    this.step = 'precommit'
    await this.castVote(VOTE_TYPE.precommit, null)
    await this.applyRules()
  }

  /** Line 65. */
  private async onTimeoutPrecommit(height: number, round: number): Promise<void> {
    if (height !== this.height || round !== this.round || this.step === 'commit') return
    await this.startRound(round + 1)
    await this.applyRules()
  }

  // ---- message intake ------------------------------------------------------------------------

  /** Checks a message and records it; never throws for bad input from peers. */
  private ingest(
    message: ConsensusMessage,
    forged: ForgedReport = () => {},
    fromPeer: string | null = null,
    receivedAt = this.opts.clock.now(),
  ): void {
    if (message.kind === 'decision') {
      this.enqueue(() => this.ingestDecision(message.block, message.commit, forged))
      return
    }
    const height = message.kind === 'proposal' ? message.body.height : message.vote.body.height
    const round = message.kind === 'proposal' ? message.body.round : message.vote.body.round
    if (height < this.height) {
      if (message.kind === 'vote' && fromPeer !== null) {
        this.enqueue(() => this.answerLaggingPeer(message.vote, fromPeer, forged))
      }
      return
    }
    if (height === this.height + 1) {
      this.bufferNextHeight(message, forged, fromPeer, receivedAt)
      return
    }
    if (height !== this.height || round > this.round + MAX_ROUNDS_AHEAD) return
    const fresh =
      message.kind === 'proposal'
        ? this.ingestProposal(message, forged, receivedAt)
        : this.ingestVote(message.vote, forged)
    if (fresh && !this.isOwn(message)) this.opts.network.relay?.(message, fromPeer)
  }

  private isOwn(message: ConsensusMessage): boolean {
    if (!this.myAddress) return false
    if (message.kind === 'vote') return bytesEqual(message.vote.validator, this.myAddress)
    return (
      message.kind === 'proposal' &&
      bytesEqual(this.validators.proposer(message.body.round).address, this.myAddress)
    )
  }

  /**
   * A peer still votes at a height this node decided: send that peer (and no other) the block and
   * its commit. Only a vote signed by a member of that height's set earns an answer, and each peer
   * at most one per gossip period, so no one can make this node send blocks for free.
   */
  private async answerLaggingPeer(
    vote: SignedVote,
    peer: string,
    forged: ForgedReport,
  ): Promise<void> {
    if (this.answeredPeers.has(peer) || !this.opts.network.sendTo) return
    const { height } = vote.body
    let validators: ValidatorSet
    try {
      validators = this.opts.app.validatorSet(height)
    } catch {
      return
    }
    const index = validators.indexOf(vote.validator)
    if (index < 0) return
    const signBytes = voteSignBytes(this.opts.clusterId, vote.body)
    if (!ed25519Verify(validators.validators[index]!.publicKey, signBytes, vote.signature)) {
      forged()
      return
    }
    this.answeredPeers.add(peer)
    const decided = await this.opts.app.decided(height)
    if (decided) this.opts.network.sendTo(peer, { kind: 'decision', ...decided })
  }

  /** The decision of the current height, certified by more than 2/3 of its validators. */
  private async ingestDecision(block: Block, commit: Commit, forged: ForgedReport): Promise<void> {
    if (this.step === 'commit' || commit.height !== this.height) return
    const hash = blockHash(block.header)
    try {
      verifyCommit(this.opts.clusterId, this.validators, commit, this.height, hash)
    } catch {
      this.opts.logger.warn('dropping a decision with an invalid commit', { height: commit.height })
      forged()
      return
    }
    if (!this.opts.app.isValidBlock(block)) {
      this.haltSigning(this.height)
      return
    }
    this.clearTimers()
    await this.commitDecided(block, commit, toHex(hash))
  }

  /**
   * Holds a message of the next height, which a validator a moment ahead sends before this node
   * has committed. Only a message signed by a member of that height's set is kept (the set is
   * known a height ahead), within a count per validator and a byte budget; the rest is dropped
   * (the sender re-sends it, or block sync catches this node up).
   */
  private bufferNextHeight(
    message: Exclude<ConsensusMessage, { kind: 'decision' }>,
    forged: ForgedReport,
    fromPeer: string | null,
    receivedAt: number,
  ): void {
    if (message.kind === 'proposal' && message.body.round > MAX_ROUNDS_AHEAD) return
    let validators: ValidatorSet
    try {
      validators = this.opts.app.validatorSet(this.height + 1)
    } catch {
      return
    }
    const signer = this.signerOf(message, validators)
    if (!signer) return
    const key = toHex(signer.address)
    const count = this.nextHeightCounts.get(key) ?? 0
    const bytes =
      message.kind === 'vote'
        ? VOTE_BYTES
        : BLOCK_OVERHEAD_BYTES + message.block.txs.reduce((sum, tx) => sum + tx.length, 0)
    if (count >= MAX_BUFFERED_PER_VALIDATOR || this.nextHeightBytes + bytes > MAX_BUFFERED_BYTES) {
      return
    }
    if (!ed25519Verify(signer.publicKey, this.signBytesOf(message), this.signatureOf(message))) {
      forged()
      return
    }
    this.nextHeightCounts.set(key, count + 1)
    this.nextHeightBytes += bytes
    this.nextHeightBuffer.push({ message, fromPeer, receivedAt, bytes })
  }

  /** Who must have signed a proposal or vote in `validators`, or null for a non-member. */
  private signerOf(
    message: Exclude<ConsensusMessage, { kind: 'decision' }>,
    validators: ValidatorSet,
  ): { address: Uint8Array; publicKey: Uint8Array } | null {
    if (message.kind === 'proposal') return validators.proposer(message.body.round)
    const index = validators.indexOf(message.vote.validator)
    return index < 0 ? null : validators.validators[index]!
  }

  private signBytesOf(message: Exclude<ConsensusMessage, { kind: 'decision' }>): Uint8Array {
    return message.kind === 'proposal'
      ? proposalSignBytes(this.opts.clusterId, message.body)
      : voteSignBytes(this.opts.clusterId, message.vote.body)
  }

  private signatureOf(message: Exclude<ConsensusMessage, { kind: 'decision' }>): Uint8Array {
    return message.kind === 'proposal' ? message.signature : message.vote.signature
  }

  /** Records a proposal of the current height; true when it is new and verified. */
  private ingestProposal(
    message: ProposalMessage,
    forged: ForgedReport,
    receivedAt: number,
  ): boolean {
    const { body, block, signature } = message
    if (this.proposals.has(body.round)) return false
    const proposer = this.validators.proposer(body.round)
    if (
      !ed25519Verify(proposer.publicKey, proposalSignBytes(this.opts.clusterId, body), signature)
    ) {
      this.opts.logger.warn('dropping proposal with a bad signature', { round: body.round })
      forged()
      return false
    }
    const hash = blockHash(block.header)
    if (!bytesEqual(hash, body.blockHash) || block.header.height !== this.height) return false
    const polRound = body.polRoundPlusOne - 1
    if (polRound >= body.round) return false
    this.proposals.set(body.round, {
      message,
      round: body.round,
      polRound,
      block,
      hashHex: toHex(hash),
      receivedAt,
    })
    return true
  }

  /** Records a vote of the current height; true when it is new and verified. */
  private ingestVote(vote: SignedVote, forged: ForgedReport = () => {}): boolean {
    const index = this.validators.indexOf(vote.validator)
    if (index < 0) return false
    const { type } = vote.body
    if (type !== VOTE_TYPE.prevote && type !== VOTE_TYPE.precommit) return false
    const set =
      type === VOTE_TYPE.prevote
        ? this.prevoteSet(vote.body.round)
        : this.precommitSet(vote.body.round)
    if (set.hasSameVote(index, vote)) return false
    const validator = this.validators.validators[index]!
    if (
      !ed25519Verify(
        validator.publicKey,
        voteSignBytes(this.opts.clusterId, vote.body),
        vote.signature,
      )
    ) {
      this.opts.logger.warn('dropping vote with a bad signature')
      forged()
      return false
    }
    const evidence = set.add(vote, index)
    if (evidence) this.opts.events?.onEvidence?.(evidence)
    return true
  }

  // ---- helpers -------------------------------------------------------------------------------

  private prevoteSet(round: number): RoundVoteSet {
    let set = this.prevotes.get(round)
    if (!set) this.prevotes.set(round, (set = new RoundVoteSet(this.validators)))
    return set
  }

  private precommitSet(round: number): RoundVoteSet {
    let set = this.precommits.get(round)
    if (!set) this.precommits.set(round, (set = new RoundVoteSet(this.validators)))
    return set
  }

  private isLockedOn(hashHex: string): boolean {
    return this.lockedHashHex === hashHex
  }

  /**
   * Proposer-based timestamps: a fresh proposal's time must lie within the genesis bounds of
   * this node's clock when the proposal arrived, so no proposer can move block time by more than
   * the bounds. The allowed delay grows by a tenth per round, as in CometBFT, so that a slow
   * network still decides. Only the prevote on a fresh proposal asks this; a decided block is
   * never judged by the clock.
   */
  private isTimely(proposal: ReceivedProposal): boolean {
    const { precisionMs, messageDelayMs } = this.opts.synchrony
    const delay = messageDelayMs + Math.floor((messageDelayMs * proposal.round) / 10)
    const time = proposal.block.header.time
    return (
      proposal.receivedAt >= time - precisionMs && proposal.receivedAt <= time + delay + precisionMs
    )
  }

  private laterRounds(): number[] {
    const rounds = new Set<number>()
    for (const m of [this.proposals, this.prevotes, this.precommits]) {
      for (const round of m.keys()) if (round > this.round) rounds.add(round)
    }
    return [...rounds].sort((a, b) => a - b)
  }

  /** Power of the distinct validators that sent any message in `round`. */
  private powerSeenInRound(round: number): bigint {
    const indices = new Set<number>([
      ...(this.prevotes.get(round)?.indices() ?? []),
      ...(this.precommits.get(round)?.indices() ?? []),
    ])
    if (this.proposals.has(round)) {
      indices.add(this.validators.indexOf(this.validators.proposer(round).address))
    }
    let power = 0n
    for (const i of indices) power += this.validators.validators[i]!.power
    return power
  }

  private once(key: string): boolean {
    if (this.firedOnce.has(key)) return false
    this.firedOnce.add(key)
    return true
  }

  private timeoutFor(kind: 'propose' | 'prevote' | 'precommit', round: number): number {
    const t = this.opts.timeouts
    if (kind === 'propose') return t.proposeMs + round * t.proposeDeltaMs
    if (kind === 'prevote') return t.prevoteMs + round * t.prevoteDeltaMs
    return t.precommitMs + round * t.precommitDeltaMs
  }

  private schedule(ms: number, fn: () => Promise<void>): void {
    const handle = this.opts.clock.setTimeout(() => {
      this.timers.delete(handle)
      this.enqueue(fn)
    }, ms)
    this.timers.add(handle)
  }

  private clearTimers(): void {
    for (const t of this.timers) this.opts.clock.clearTimeout(t)
    this.timers.clear()
  }
}

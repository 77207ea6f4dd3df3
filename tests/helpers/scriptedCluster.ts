// A cluster of real Tendermint engines whose every message is delivered by the test, one by one:
// the scenario tests of consensus rules script exactly who hears what, and when. Validators that
// run no engine are played by the test itself, signing whatever it likes with their keys (a
// Byzantine validator). Time is virtual; signatures, the double-sign guard and commit checks are
// the real ones.
import { bytesEqual, toHex } from '../../src/shared/encoding'
import { Ed25519Signer } from '../../src/main/keys/signer'
import {
  blockHash,
  VOTE_TYPE,
  voteSignBytes,
  type Block,
  type Commit,
  type VoteType,
} from '../../src/main/node/chain/block'
import type { Synchrony } from '../../src/main/node/chain/genesis'
import { ValidatorSet } from '../../src/main/node/chain/validators'
import type { Clock } from '../../src/main/node/clock'
import { TendermintEngine, type ConsensusTimeouts } from '../../src/main/node/consensus/engine'
import {
  proposalSignBytes,
  type ConsensusMessage,
  type ProposalMessage,
  type SignedVote,
} from '../../src/main/node/consensus/messages'
import { PrivValidator, type SignGuardStore } from '../../src/main/node/consensus/privValidator'
import { addressOf, sha256 } from '../../src/main/node/crypto'
import { silentLogger } from '../../src/main/node/logger'
import { SIM_CLUSTER, SimApp, SimClock } from './simChain'

export const SCRIPTED_TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 300,
  proposeDeltaMs: 100,
  prevoteMs: 200,
  prevoteDeltaMs: 100,
  precommitMs: 200,
  precommitDeltaMs: 100,
  commitMs: 100,
  gossipMs: 1000,
}

export const SCRIPTED_SYNCHRONY: Synchrony = { precisionMs: 500, messageDelayMs: 1000 }

/** One validator's process and its "disk" (guard record and committed chain survive a crash). */
export class ScriptedNode {
  engine: TendermintEngine | null = null
  privValidator: PrivValidator | null = null
  /** Every message this node broadcast, in order, across restarts. */
  readonly sent: ConsensusMessage[] = []
  /** Messages this node sent to one peer (decided blocks for a peer that is behind). */
  readonly sentTo: { peer: string; message: ConsensusMessage }[] = []
  readonly guard: SignGuardStore & { value?: Uint8Array }
  readonly app: SimApp
  /** Halted-signing reports (divergence). */
  divergences = 0
  /** How many messages this node reported as forged. */
  forged = 0

  constructor(
    readonly index: number,
    readonly signer: Ed25519Signer,
    readonly clock: Clock,
    validators: ValidatorSet,
  ) {
    const guard: SignGuardStore & { value?: Uint8Array } = {
      signGuard: () => Promise.resolve(guard.value),
      putSignGuard: (value) => {
        guard.value = value
        return Promise.resolve()
      },
    }
    this.guard = guard
    this.app = new SimApp(validators, clock)
  }

  /** Votes this node broadcast of one type at a height and round (the latest last). */
  votes(type: VoteType, height: number, round: number): SignedVote[] {
    return this.sent
      .filter((m): m is Extract<ConsensusMessage, { kind: 'vote' }> => m.kind === 'vote')
      .map((m) => m.vote)
      .filter((v) => v.body.type === type && v.body.height === height && v.body.round === round)
  }

  proposal(height: number, round: number): ProposalMessage | undefined {
    return this.sent.find(
      (m): m is ProposalMessage =>
        m.kind === 'proposal' && m.body.height === height && m.body.round === round,
    )
  }
}

export class ScriptedCluster {
  readonly clock = new SimClock()
  readonly signers: Ed25519Signer[]
  readonly validators: ValidatorSet
  readonly nodes: ScriptedNode[]
  /** The chain as the test's own Byzantine validators see it, to build their blocks on. */
  readonly reference: SimApp

  constructor(size: number, options: { skewMs?: readonly number[] } = {}) {
    this.signers = Array.from(
      { length: size },
      (_, i) => new Ed25519Signer(sha256(new TextEncoder().encode(`scripted-key/${i}`))),
    )
    this.validators = new ValidatorSet(
      this.signers.map((s) => ({ publicKey: s.publicKey(), power: 10n })),
    )
    this.reference = new SimApp(this.validators, this.clock)
    this.nodes = this.signers.map((signer, i) => {
      const skew = options.skewMs?.[i] ?? 0
      const clock: Clock = {
        now: () => this.clock.now() + skew,
        setTimeout: (fn, ms) => this.clock.setTimeout(fn, ms),
        clearTimeout: (handle) => this.clock.clearTimeout(handle),
      }
      return new ScriptedNode(i, signer, clock, this.validators)
    })
  }

  /** The index of the validator that proposes `round` at `height`. */
  proposerOf(height: number, round: number): number {
    const address = this.reference.validatorSet(height).proposer(round).address
    return this.signers.findIndex((s) => bytesEqual(addressOf(s.publicKey()), address))
  }

  address(index: number): Uint8Array {
    return addressOf(this.signers[index]!.publicKey())
  }

  /** Starts (or restarts, after a crash) a node's engine from what its disk holds. */
  async start(index: number): Promise<void> {
    const node = this.nodes[index]!
    node.privValidator = await PrivValidator.load(node.signer, node.guard, SIM_CLUSTER)
    const engine = new TendermintEngine(
      {
        clusterId: SIM_CLUSTER,
        app: node.app,
        network: {
          broadcast: (message) => {
            if (node.engine === engine) node.sent.push(message)
          },
          sendTo: (peer, message) => {
            if (node.engine === engine) node.sentTo.push({ peer, message })
          },
        },
        privValidator: node.privValidator,
        clock: node.clock,
        logger: silentLogger,
        timeouts: SCRIPTED_TIMEOUTS,
        synchrony: SCRIPTED_SYNCHRONY,
        events: { onDivergence: () => node.divergences++ },
      },
      node.app.height + 1,
      node.app.commits.at(-1) ?? null,
    )
    node.engine = engine
    engine.start()
    await this.settle()
  }

  /** Stops a node at once, as a crash would: whatever it had not written is gone. */
  async crash(index: number): Promise<void> {
    const node = this.nodes[index]!
    const engine = node.engine
    node.engine = null
    await engine?.stop()
  }

  /** Hands `messages` to a running node, as if from peer `fromPeer`, and lets it react. */
  async deliver(index: number, ...messages: ConsensusMessage[]): Promise<void> {
    const node = this.nodes[index]!
    for (const message of messages) {
      node.engine?.receive(message, () => node.forged++, 'peer')
      await this.settle()
    }
  }

  /** Runs virtual time forward by `ms`, firing every timer due meanwhile. */
  async advance(ms: number): Promise<void> {
    let reached = false
    this.clock.setTimeout(() => (reached = true), ms)
    while (!reached && this.clock.step()) await this.settle()
  }

  /** Lets the engines finish what the last event started (all of it is promise-based). */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
  }

  /** A block for `height` proposed by validator `by`, built on the reference chain. */
  block(height: number, by: number, lastCommit: Commit | null = null): Block {
    return this.reference.createBlock(height, this.address(by), lastCommit)
  }

  /** A proposal signed by validator `by` (no guard: the test may make it equivocate). */
  proposal(by: number, round: number, block: Block, polRound = -1): ProposalMessage {
    const body = {
      height: block.header.height,
      round,
      polRoundPlusOne: polRound + 1,
      blockHash: blockHash(block.header),
    }
    const signature = this.signers[by]!.sign(proposalSignBytes(SIM_CLUSTER, body))
    return { kind: 'proposal', body, block, signature }
  }

  /** A vote signed by validator `by` for `block` (or nil). */
  vote(
    by: number,
    type: VoteType,
    height: number,
    round: number,
    block: Block | null,
  ): ConsensusMessage {
    const body = { type, height, round, blockHash: block ? blockHash(block.header) : null }
    const signature = this.signers[by]!.sign(voteSignBytes(SIM_CLUSTER, body))
    return { kind: 'vote', vote: { body, validator: this.address(by), signature } }
  }

  prevote(by: number, height: number, round: number, block: Block | null): ConsensusMessage {
    return this.vote(by, VOTE_TYPE.prevote, height, round, block)
  }

  precommit(by: number, height: number, round: number, block: Block | null): ConsensusMessage {
    return this.vote(by, VOTE_TYPE.precommit, height, round, block)
  }

  /** A commit certificate for `block` signed by `signers` in `round`. */
  commit(block: Block, round: number, signers: readonly number[]): Commit {
    const height = block.header.height
    return {
      height,
      round,
      blockHash: blockHash(block.header),
      signatures: [...signers]
        .sort(
          (a, b) =>
            this.validators.indexOf(this.address(a)) - this.validators.indexOf(this.address(b)),
        )
        .map((i) => {
          const m = this.precommit(i, height, round, block)
          if (m.kind !== 'vote') throw new Error('unreachable')
          return { validator: m.vote.validator, signature: m.vote.signature }
        }),
    }
  }
}

/** The hash a vote is for, in hex, or null for nil. */
export function votedFor(vote: SignedVote | undefined): string | null | undefined {
  if (!vote) return undefined
  return vote.body.blockHash === null ? null : toHex(vote.body.blockHash)
}

export function hashOf(block: Block): string {
  return toHex(blockHash(block.header))
}

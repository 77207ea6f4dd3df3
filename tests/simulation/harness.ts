// A deterministic simulation of a Tendermint cluster in one process: virtual time, a seeded
// network with delays, drops and partitions, crash-restarts, and Byzantine validators. Only time
// and randomness are simulated; consensus, signatures and commit verification are the real code.
import { toHex } from '../../src/shared/encoding'
import { Ed25519Signer } from '../../src/main/keys/signer'
import { blockHash, VOTE_TYPE, voteSignBytes } from '../../src/main/node/chain/block'
import type { Synchrony } from '../../src/main/node/chain/genesis'
import { ValidatorSet } from '../../src/main/node/chain/validators'
import { TendermintEngine, type ConsensusTimeouts } from '../../src/main/node/consensus/engine'
import type { ConsensusMessage, SignedVote } from '../../src/main/node/consensus/messages'
import { PrivValidator, type SignGuardStore } from '../../src/main/node/consensus/privValidator'
import { sha256 } from '../../src/main/node/crypto'
import { silentLogger } from '../../src/main/node/logger'
import { SIM_CLUSTER as CLUSTER, SimApp, SimClock, seededRandom } from '../helpers/simChain'

export type Behaviour = 'honest' | 'equivocator' | 'silent' | 'garbage'

/** One validator: its keys and "disk" (double-sign guard, committed chain) survive crashes. */
class SimNode {
  engine: TendermintEngine | null = null
  readonly guard: SignGuardStore & { value?: Uint8Array }
  readonly app: SimApp
  privValidator!: PrivValidator

  constructor(
    readonly index: number,
    readonly signer: Ed25519Signer,
    readonly behaviour: Behaviour,
    validators: ValidatorSet,
    clock: SimClock,
  ) {
    const guard: SignGuardStore & { value?: Uint8Array } = {
      signGuard: () => Promise.resolve(guard.value),
      putSignGuard: (v) => {
        guard.value = v
        return Promise.resolve()
      },
    }
    this.guard = guard
    this.app = new SimApp(validators, clock)
  }
}

export interface SimOptions {
  readonly seed: number
  readonly validators: number
  /** Indices of Byzantine validators and what they do (fewer than a third of the power). */
  readonly byzantine?: readonly { index: number; behaviour: Exclude<Behaviour, 'honest'> }[]
  /** Probability that a message is lost while the network is faulty. */
  readonly dropRate: number
  /** Largest one-way delay, in ms. */
  readonly maxDelayMs: number
  /** Until this virtual time (ms from start) the network is faulty; then it heals. */
  readonly faultyForMs: number
  /** How many crash-restarts of honest validators happen while the network is faulty. */
  readonly crashes: number
  /** Split the validators in two groups while faulty. */
  readonly partition: boolean
}

export interface SimResult {
  /** Committed block hashes per honest node, by height. */
  readonly chains: string[][]
  /** Heights where two honest nodes committed different blocks. */
  readonly conflicts: number[]
  readonly minHeight: number
  readonly evidence: number
}

/** Clocks here are exact and delays bounded well within these. */
const SYNCHRONY: Synchrony = { precisionMs: 500, messageDelayMs: 1000 }

const TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 300,
  proposeDeltaMs: 100,
  prevoteMs: 200,
  prevoteDeltaMs: 100,
  precommitMs: 200,
  precommitDeltaMs: 100,
  commitMs: 100,
  gossipMs: 300,
}

/** Runs one seeded simulation until every honest node has `targetHeight` blocks (or time runs out). */
export async function simulate(
  options: SimOptions,
  targetHeight: number,
  maxTimeMs: number,
): Promise<SimResult> {
  const random = seededRandom(options.seed)
  const clock = new SimClock()
  const start = clock.now()
  // Keys come from the seed too, so the validator order (and every proposer) replays exactly.
  const signers = Array.from(
    { length: options.validators },
    (_, i) => new Ed25519Signer(sha256(new TextEncoder().encode(`sim-key/${options.seed}/${i}`))),
  )
  const validators = new ValidatorSet(
    signers.map((s) => ({ publicKey: s.publicKey(), power: 10n })),
  )
  const behaviourOf = (i: number): Behaviour =>
    options.byzantine?.find((b) => b.index === i)?.behaviour ?? 'honest'
  const nodes = signers.map((s, i) => new SimNode(i, s, behaviourOf(i), validators, clock))
  let evidence = 0

  const faulty = (): boolean => clock.now() - start < options.faultyForMs
  const groupOf = (i: number): number => (i < Math.ceil(options.validators / 2) ? 0 : 1)

  const deliver = (from: number, to: number, message: ConsensusMessage): void => {
    if (faulty()) {
      if (random() < options.dropRate) return
      if (options.partition && groupOf(from) !== groupOf(to)) return
    }
    const delay = 1 + Math.floor(random() * options.maxDelayMs)
    clock.setTimeout(() => nodes[to]!.engine?.receive(message, () => {}, String(from)), delay)
  }

  const broadcastFrom = (node: SimNode) => (message: ConsensusMessage) => {
    if (node.behaviour === 'silent') return
    for (const other of nodes) {
      if (other.index === node.index) continue
      deliver(node.index, other.index, message)
      // Odd peers also get a second, conflicting vote: they hold evidence of the equivocation.
      if (node.behaviour === 'equivocator' && message.kind === 'vote' && other.index % 2 === 1) {
        deliver(node.index, other.index, equivocate(node, message.vote))
      }
    }
    if (node.behaviour === 'garbage') {
      for (const other of nodes) {
        if (other.index !== node.index) deliver(node.index, other.index, garbage(message, random))
      }
    }
  }

  const startNode = async (node: SimNode): Promise<void> => {
    node.privValidator = await PrivValidator.load(node.signer, node.guard, CLUSTER)
    const lastCommit = node.app.commits.at(-1) ?? null
    node.engine = new TendermintEngine(
      {
        clusterId: CLUSTER,
        app: node.app,
        network: {
          broadcast: broadcastFrom(node),
          sendTo: (peer, message) => deliver(node.index, Number(peer), message),
        },
        privValidator: node.privValidator,
        clock,
        logger: silentLogger,
        timeouts: TIMEOUTS,
        synchrony: SYNCHRONY,
        events: { onEvidence: () => evidence++ },
      },
      node.app.height + 1,
      lastCommit,
    )
    node.engine.start()
  }

  for (const node of nodes) await startNode(node)

  // Crash-restarts of honest validators at seeded moments while the network is faulty.
  const honest = nodes.filter((n) => n.behaviour === 'honest')
  for (let c = 0; c < options.crashes; c++) {
    const victim = honest[Math.floor(random() * honest.length)]!
    const at = Math.floor(random() * Math.max(1, options.faultyForMs))
    const downFor = 50 + Math.floor(random() * 500)
    clock.setTimeout(() => {
      // A node that is already down cannot crash again (and must never run twice).
      const engine = victim.engine
      if (!engine) return
      victim.engine = null
      void engine.stop()
      clock.setTimeout(() => void startNode(victim), downFor)
    }, at)
  }

  const done = (): boolean => honest.every((n) => n.app.height >= targetHeight)
  while (!done() && clock.now() - start < maxTimeMs) {
    if (!clock.step()) break
    // Let the engines finish processing what this event started (all of it is promise-based).
    await new Promise((resolve) => setImmediate(resolve))
  }
  for (const node of nodes) await node.engine?.stop()

  const chains = honest.map((n) => n.app.blocks.map((b) => toHex(blockHash(b.header))))
  const conflicts: number[] = []
  const longest = Math.max(...chains.map((c) => c.length))
  for (let h = 0; h < longest; h++) {
    const seen = new Set(chains.map((c) => c[h]).filter((x): x is string => x !== undefined))
    if (seen.size > 1) conflicts.push(h + 1)
  }
  return { chains, conflicts, minHeight: Math.min(...chains.map((c) => c.length)), evidence }
}

/** A second, conflicting vote for the same height, round and type, validly signed. */
function equivocate(node: SimNode, vote: SignedVote): ConsensusMessage {
  const body = {
    ...vote.body,
    blockHash: vote.body.blockHash === null ? new Uint8Array(32).fill(7) : null,
  }
  const signature = node.signer.sign(voteSignBytes(CLUSTER, body))
  return { kind: 'vote', vote: { body, validator: vote.validator, signature } }
}

/** A message that must be refused: a forged signature on a vote, or a precommit for junk. */
function garbage(message: ConsensusMessage, random: () => number): ConsensusMessage {
  const noise = (n: number): Uint8Array =>
    Uint8Array.from({ length: n }, () => Math.floor(random() * 256))
  if (message.kind === 'decision') return message
  if (message.kind === 'vote') {
    return {
      kind: 'vote',
      vote: { ...message.vote, signature: noise(64) },
    }
  }
  return {
    kind: 'vote',
    vote: {
      body: {
        type: VOTE_TYPE.precommit,
        height: message.body.height,
        round: message.body.round,
        blockHash: noise(32),
      },
      validator: new Uint8Array(20),
      signature: new Uint8Array(64),
    },
  }
}

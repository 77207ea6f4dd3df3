import { bytesEqual } from '../../../src/shared/encoding'
import { ONE_TOKEN } from '../../../src/shared/tokens'
import {
  blockHash,
  commitHash,
  VOTE_TYPE,
  voteSignBytes,
  type Commit,
  type Header,
} from '../../../src/main/node/chain/block'
import { DEFAULT_SYNCHRONY, genesisHash, type Genesis } from '../../../src/main/node/chain/genesis'
import { merkleRoot } from '../../../src/main/node/chain/merkle'
import { ValidatorSet, type Member } from '../../../src/main/node/chain/validators'
import { DEVNET_POOL_WEIGHTS } from '../../../src/main/node/devnet'
import type { LightClientUpdate } from '../../../src/main/node/bridge/lightClient'
import { packetRoot } from '../../../src/main/node/bridge/packet'
import { sha256 } from '../../../src/main/node/crypto'
import { testSigner } from '../../helpers/txs'

export type TestSigner = ReturnType<typeof testSigner>

/** A validator of the remote cluster: its key and its voting power. */
export interface Stake {
  readonly signer: TestSigner
  readonly power: bigint
}

/** `count` fresh validators of power `power` each. */
export function equalStakes(count: number, power = 10n): Stake[] {
  return Array.from({ length: count }, () => ({ signer: testSigner(), power }))
}

export function membersOf(stakes: readonly Stake[]): Member[] {
  return stakes.map((s) => ({ publicKey: s.signer.publicKey(), power: s.power }))
}

/** A genesis whose validators are `stakes` (every power counts: the least stake is 1 unit). */
export function remoteGenesis(clusterId: string, stakes: readonly Stake[]): Genesis {
  const owner = testSigner().address
  const reserve = 1000n * ONE_TOKEN
  return {
    clusterId,
    genesisTime: 1_000,
    minFee: ONE_TOKEN / 1000n,
    unbondingBlocks: 100,
    minValidatorStake: 1n,
    synchrony: DEFAULT_SYNCHRONY,
    validators: stakes.map((s) => ({ publicKey: s.signer.publicKey(), power: s.power, owner })),
    accounts: [{ address: owner, balances: [reserve, reserve, reserve] }],
    pool: {
      reserves: [reserve, reserve, reserve],
      weights: [...DEVNET_POOL_WEIGHTS],
      swapFee: ONE_TOKEN / 1000n,
    },
  }
}

/** A commit of `header` in `round` with the precommits of `signers`, signed for `clusterId`. */
export function signCommit(
  clusterId: string,
  header: Header,
  signers: readonly TestSigner[],
  round = 0,
): Commit {
  const hash = blockHash(header)
  const message = voteSignBytes(clusterId, {
    type: VOTE_TYPE.precommit,
    height: header.height,
    round,
    blockHash: hash,
  })
  return {
    height: header.height,
    round,
    blockHash: hash,
    signatures: signers.map((s) => ({ validator: s.address, signature: s.sign(message) })),
  }
}

/** A header not yet signed, with the validators of its height and of the next. */
export interface Draft {
  readonly header: Header
  readonly stakes: readonly Stake[]
  readonly nextStakes: readonly Stake[]
  /** The commit of the previous height that the header carries (null at height 1). */
  readonly lastCommit: Commit | null
}

/**
 * A remote cluster as its validators build it: headers chained from its genesis, each naming the
 * set of its height and of the next (as src/main/node/chain does), committed with real keys.
 */
export class RemoteCluster {
  readonly genesis: Genesis
  height = 0
  private tipHash: Uint8Array
  /** The commit of the tip, which the next header carries as its last commit. */
  private tipCommit: Commit | null = null
  /** The validators of height + 1. */
  private stakes: readonly Stake[]

  constructor(clusterId: string, stakes: readonly Stake[]) {
    this.genesis = remoteGenesis(clusterId, stakes)
    this.tipHash = genesisHash(this.genesis)
    this.stakes = stakes
  }

  get clusterId(): string {
    return this.genesis.clusterId
  }

  /**
   * The header after the tip, whose validators choose `nextStakes` (the same set by default) for
   * the height after it. `time` tells apart two headers at one height.
   */
  draft(opts: { nextStakes?: readonly Stake[]; time?: number } = {}): Draft {
    const height = this.height + 1
    const nextStakes = opts.nextStakes ?? this.stakes
    const header: Header = {
      clusterId: this.clusterId,
      height,
      time: opts.time ?? this.genesis.genesisTime + height * 1_000,
      prevHash: this.tipHash,
      txRoot: merkleRoot([]),
      stateHash: sha256(new TextEncoder().encode(`state ${height}`)),
      validatorsHash: setHash(this.stakes),
      nextValidatorsHash: setHash(nextStakes),
      proposer: new ValidatorSet(membersOf(this.stakes)).proposer(0).address,
      lastCommitHash: commitHash(this.tipCommit),
      packetRoot: packetRoot([]),
      supply: [0n, 0n, 0n],
      poolReserves: [0n, 0n, 0n],
      poolWeights: [...DEVNET_POOL_WEIGHTS],
      swapFee: 0n,
    }
    return { header, stakes: this.stakes, nextStakes, lastCommit: this.tipCommit }
  }

  /**
   * What a relayer delivers for `draft`, committed by `signers` (every validator by default). The
   * next validators are sent only when they differ from the signing set, as a relayer would.
   */
  update(draft: Draft, signers = draft.stakes.map((s) => s.signer)): LightClientUpdate {
    const unchanged = bytesEqual(setHash(draft.nextStakes), setHash(draft.stakes))
    return {
      header: draft.header,
      commit: signCommit(this.clusterId, draft.header, signers),
      lastCommit: draft.lastCommit,
      nextValidators: unchanged ? null : membersOf(draft.nextStakes),
    }
  }

  /**
   * Makes `draft` the cluster's latest block, certified by `commit` (every validator's precommit
   * by default): the next header carries that commit, so its signers make the tip's Ψ.
   */
  accept(
    draft: Draft,
    commit = signCommit(this.clusterId, draft.header, signersOf(draft.stakes)),
  ): void {
    this.height = draft.header.height
    this.tipHash = blockHash(draft.header)
    this.tipCommit = commit
    this.stakes = draft.nextStakes
  }

  /** The next block, committed by every validator, as a relayer delivers it. */
  produce(nextStakes?: readonly Stake[]): LightClientUpdate {
    const draft = this.draft({ nextStakes })
    const update = this.update(draft)
    this.accept(draft, update.commit)
    return update
  }
}

function signersOf(stakes: readonly Stake[]): TestSigner[] {
  return stakes.map((s) => s.signer)
}

function setHash(stakes: readonly Stake[]): Uint8Array {
  return new ValidatorSet(membersOf(stakes)).hash()
}

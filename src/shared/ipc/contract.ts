import { z } from 'zod'
import {
  AddressSchema,
  AmountSchema,
  BalancesSchema,
  HashSchema,
  HeightSchema,
  HexSchema,
  TimestampMsSchema,
} from './primitives'
import { MAX_RPC_MESSAGE_BYTES } from './wire'

/** What the node reports about itself; pushed on every committed block. */
export const NodeStatusSchema = z.object({
  clusterId: z.string(),
  height: HeightSchema,
  latestBlockHash: HashSchema,
  latestBlockTime: TimestampMsSchema,
  validatorAddress: AddressSchema,
  accountAddress: AddressSchema,
  balances: BalancesSchema,
  blockTimeMs: z.number().int().positive(),
  mempoolSize: z.number().int().nonnegative(),
})
export type NodeStatus = z.infer<typeof NodeStatusSchema>

export const AccountSchema = z.object({
  address: AddressSchema,
  nonce: z.number().int().nonnegative(),
  balances: BalancesSchema,
})
export type AccountDto = z.infer<typeof AccountSchema>

export const BlockSummarySchema = z.object({
  height: HeightSchema,
  hash: HashSchema,
  time: TimestampMsSchema,
  proposer: AddressSchema,
  txCount: z.number().int().nonnegative(),
  stateHash: HashSchema,
  /** Total supply of each token on this cluster after the block, as its header commits it. */
  supply: BalancesSchema,
})
export type BlockSummary = z.infer<typeof BlockSummarySchema>

/** One connected peer, as this node sees it. */
export const PeerInfoSchema = z.object({
  /** The peer's Ed25519 identity key (hex), proven in the Noise handshake. */
  id: z.string().regex(/^[0-9a-f]{64}$/),
  /** Where the peer can be dialled (ws://host:port), when known. */
  url: z.string().nullable(),
  direction: z.enum(['inbound', 'outbound']),
  /** Round-trip time of the last ping; null before the first answer. */
  latencyMs: z.number().int().nonnegative().nullable(),
  /** Starts at 0; invalid or malformed data lowers it, and a low score bans the peer. */
  score: z.number().int(),
  /** The latest height the peer reported. */
  height: HeightSchema,
  connectedSince: TimestampMsSchema,
})
export type PeerInfo = z.infer<typeof PeerInfoSchema>

/** The node's place in the network: its peers and how far block sync has come. */
export const NetworkInfoSchema = z.object({
  /** This node's own identity key (hex) and listening address (null when not listening). */
  id: z.string().regex(/^[0-9a-f]{64}$/),
  listenUrl: z.string().nullable(),
  peers: z.array(PeerInfoSchema),
  /** Dialable addresses this node knows, connected or not (from seeds and peer exchange). */
  knownAddresses: z.number().int().nonnegative(),
  sync: z.object({
    /** True while the node fetches and verifies blocks it is behind on. */
    syncing: z.boolean(),
    height: HeightSchema,
    /** The highest height any peer reported (the node's own height when alone). */
    target: HeightSchema,
  }),
})
export type NetworkInfo = z.infer<typeof NetworkInfoSchema>

/** Two signed votes of one validator for different values at one height, round and type. */
export const EvidenceSchema = z.object({
  height: HeightSchema,
  round: z.number().int().nonnegative(),
  type: z.enum(['prevote', 'precommit']),
  validator: AddressSchema,
  /** The two block hashes voted for; null is a vote for nil. */
  first: HashSchema.nullable(),
  second: HashSchema.nullable(),
})
export type EvidenceDto = z.infer<typeof EvidenceSchema>

/** Consensus as this node runs it: where it is, who votes, who signed the last blocks. */
export const ConsensusInfoSchema = z.object({
  height: HeightSchema,
  round: z.number().int().nonnegative(),
  step: z.enum(['propose', 'prevote', 'precommit', 'commit']),
  /** The proposer of the current round. */
  proposer: AddressSchema,
  /** This node's validator address, and whether it is in the current set. */
  self: AddressSchema,
  isValidator: z.boolean(),
  validators: z.array(
    z.object({
      address: AddressSchema,
      /** Voting power: staked CHR in base units. */
      power: AmountSchema,
    }),
  ),
  /** For each of the latest committed blocks (newest first), the validators whose signatures
   *  are in its commit certificate. */
  recentCommits: z.array(z.object({ height: HeightSchema, signers: z.array(AddressSchema) })),
  evidence: z.array(EvidenceSchema),
})
export type ConsensusInfo = z.infer<typeof ConsensusInfoSchema>

/**
 * One KPI of DESIGN.md section 3 as the monitor computed it, with its inputs. `value` is null
 * (with the reason) when there is not enough data: the UI must never show a number then.
 */
export const KpiSchema = z.object({
  /** For display only; the node computes in fixed point. */
  value: z.number().nullable(),
  target: z.number(),
  /** Whether the target is met: value ≥ target, or ≤ for the Entropy Rate; null without a value. */
  met: z.boolean().nullable(),
  samples: z.number().int().nonnegative(),
  /** The window the KPI looks back over: heights (or, for CAF, milliseconds). */
  window: z.number().int().nonnegative(),
  reason: z.string().nullable(),
})
export type KpiDto = z.infer<typeof KpiSchema>

export const KpiReportSchema = z.object({
  clusterId: z.string(),
  /** The latest height whose canonical commit is known (one below the chain's height). */
  height: HeightSchema,
  /** When that sample was taken: the time of the block carrying its commit (0 before any). */
  time: TimestampMsSchema,
  coherenceScore: KpiSchema,
  entropyRate: KpiSchema,
  /** This node's validator; "not a validator" as the reason when it is not one. */
  hInternal: KpiSchema,
  caf: KpiSchema,
  /** Ψ of the latest heights, newest first. */
  recentPsi: z.array(z.object({ height: HeightSchema, psi: z.number() })),
  /** H_internal of every validator of the latest height, as this node sees them. */
  validators: z.array(z.object({ address: AddressSchema, hInternal: z.number().nullable() })),
})
export type KpiReport = z.infer<typeof KpiReportSchema>

export const KpiRangeSchema = z.enum(['hour', 'day', 'week'])
export type KpiRange = z.infer<typeof KpiRangeSchema>

/** A point of KPI history; null where the KPI had no value. */
export const KpiPointSchema = z.object({
  time: TimestampMsSchema,
  coherenceScore: z.number().nullable(),
  entropyRate: z.number().nullable(),
  hInternal: z.number().nullable(),
  caf: z.number().nullable(),
})
export type KpiPoint = z.infer<typeof KpiPointSchema>

export const AlertSchema = z.object({
  /** Stable per condition (e.g. "kpi.coherenceScore", "validator.missing:coh1…"). */
  id: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  title: z.string(),
  /** What happened, with the figures. */
  detail: z.string(),
  /** What to do about it. */
  advice: z.string(),
  since: TimestampMsSchema,
  clearedAt: TimestampMsSchema.nullable(),
})
export type AlertDto = z.infer<typeof AlertSchema>

export const AlertsSchema = z.object({
  active: z.array(AlertSchema),
  history: z.array(AlertSchema),
})
export type Alerts = z.infer<typeof AlertsSchema>

/** A network this node belongs to (or will start in), as its network file describes it. */
export const NetworkSummarySchema = z.object({
  clusterId: z.string(),
  validators: z.number().int().positive(),
  /** How many peer addresses the file gives to start from. */
  bootstrapPeers: z.number().int().nonnegative(),
})
export type NetworkSummary = z.infer<typeof NetworkSummarySchema>

const Empty = z.object({}).strict()
const TokenSymbol = z.enum(['CHR', 'PSY', 'FLX'])

/** A password typed by the person; never echoed back in any response. */
const PasswordSchema = z.string().min(1).max(1024)

/** The wallet's state, and whether the node runs (it needs the wallet's consensus key). */
export const WalletStatusSchema = z.object({
  wallet: z.enum(['none', 'locked', 'unlocked']),
  node: z.enum(['waiting-for-wallet', 'running']),
  autoLockMinutes: z.number().int().nonnegative(),
})
export type WalletStatus = z.infer<typeof WalletStatusSchema>

export const WalletAccountSchema = z.object({
  index: z.number().int().nonnegative(),
  label: z.string(),
  kind: z.enum(['derived', 'imported']),
  path: z.string(),
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  address: AddressSchema,
})
export type WalletAccount = z.infer<typeof WalletAccountSchema>

/** The 24 words of a mnemonic, sent to the screen only when the person must read them. */
export const MnemonicWordsSchema = z.object({ words: z.array(z.string()).min(12).max(24) })

/** A validator's 32-byte Ed25519 consensus public key, in hex. */
/** A cluster id as genesis files allow it. */
const ClusterIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a cluster id')
const PublicKeyHexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a 32-byte public key in hex')

/** An action in readable form: tokens by symbol, amounts in base units. */
export const ActionReviewSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('transfer'),
    to: AddressSchema,
    token: TokenSymbol,
    amount: AmountSchema,
    /** A PSY transfer's 1 % flow fee into the pool, paid on top of the amount (set by main). */
    flowFee: AmountSchema.optional(),
  }),
  z.object({
    kind: z.literal('swap'),
    tokenIn: TokenSymbol,
    tokenOut: TokenSymbol,
    exactOut: z.boolean(),
    amount: AmountSchema,
    limit: AmountSchema,
    deadline: HeightSchema,
  }),
  z.object({
    kind: z.literal('join'),
    maxAmounts: z.array(AmountSchema).length(3),
    minShares: AmountSchema,
  }),
  z.object({
    kind: z.literal('joinSingle'),
    token: TokenSymbol,
    amount: AmountSchema,
    minShares: AmountSchema,
  }),
  z.object({
    kind: z.literal('exit'),
    shares: AmountSchema,
    minAmounts: z.array(AmountSchema).length(3),
  }),
  z.object({
    kind: z.literal('exitSingle'),
    token: TokenSymbol,
    shares: AmountSchema,
    minAmount: AmountSchema,
  }),
  /** Bonds CHR to a validator key (its voting power). */
  z.object({ kind: z.literal('stake'), validator: PublicKeyHexSchema, amount: AmountSchema }),
  /** Starts returning bonded CHR; it arrives after the unbonding period. */
  z.object({ kind: z.literal('unstake'), validator: PublicKeyHexSchema, amount: AmountSchema }),
  /** Sends tokens to an address on a connected cluster, refunded if not received by the timeout. */
  z.object({
    kind: z.literal('bridgeSend'),
    cluster: ClusterIdSchema,
    to: AddressSchema,
    token: TokenSymbol,
    amount: AmountSchema,
    /** The destination cluster's height from which the transfer is refused and refunded. */
    timeoutHeight: HeightSchema,
  }),
  /** A validator owner's approval of a connection; `action` is the whole action, encoded. */
  z.object({ kind: z.literal('bridgeConnect'), cluster: ClusterIdSchema, action: HexSchema }),
  /** Relayed bridge traffic (a header, or a packet or ack with its proof), encoded whole. */
  z.object({
    kind: z.enum(['bridgeUpdate', 'bridgeDeliver']),
    cluster: ClusterIdSchema,
    height: HeightSchema,
    action: HexSchema,
  }),
])
export type ActionReviewDto = z.infer<typeof ActionReviewSchema>

/** Staking as the ledger holds it after the latest block: the stakes and CHR on its way back. */
export const StakingInfoSchema = z.object({
  height: HeightSchema,
  /** Blocks between an unstake and the end of the block that returns its CHR. */
  unbondingBlocks: z.number().int().positive(),
  /** Least stake that makes a key a validator. */
  minValidatorStake: AmountSchema,
  /** This node's own consensus key and validator address: where a stake goes by default. */
  self: z.object({ publicKey: PublicKeyHexSchema, address: AddressSchema }),
  /** Every stake, largest first. */
  validators: z.array(
    z.object({
      publicKey: PublicKeyHexSchema,
      address: AddressSchema,
      /** The account that staked, the only one that may unstake. */
      owner: AddressSchema,
      amount: AmountSchema,
      /** Whether it is in the validator set of the next height. */
      active: z.boolean(),
    }),
  ),
  /** CHR returned to `owner` at the end of block `releaseHeight`, soonest first. */
  unbonding: z.array(
    z.object({ owner: AddressSchema, amount: AmountSchema, releaseHeight: HeightSchema }),
  ),
})
export type StakingInfo = z.infer<typeof StakingInfoSchema>

/** A KPI ratio in 18-decimal fixed point as a decimal string of units, or null without data. */
const RatioSchema = AmountSchema.nullable()

/** The states a cross-cluster transfer goes through (DESIGN.md 7), as this node sees them. */
export const TransferStateSchema = z.enum([
  /** Outgoing: in a block here, its tokens in escrow. */
  'committed',
  /** Outgoing: the destination's light client verified the block that sent it. */
  'relayed',
  /** Outgoing: the destination took it (a node there says so; the ack is on its way). */
  'received',
  /** Outgoing: the destination's ack of receipt settled it here; the escrow is burnt. */
  'acknowledged',
  /** Outgoing: the destination refused it at its timeout height; the sender got it back. */
  'refunded',
  /** Incoming: taken, held by the flow governor until the window allows it. */
  'queued',
  /** Incoming: the recipient was credited. */
  'credited',
  /** Incoming: arrived at or after its timeout height; refused, so the source refunds it. */
  'refused',
])
export type TransferState = z.infer<typeof TransferStateSchema>

export const BridgeTransferSchema = z.object({
  direction: z.enum(['outgoing', 'incoming']),
  /** The other cluster. */
  cluster: z.string(),
  sequence: z.number().int().positive(),
  sender: AddressSchema,
  recipient: AddressSchema,
  token: TokenSymbol,
  amount: AmountSchema,
  timeoutHeight: HeightSchema,
  state: TransferStateSchema,
  /** Sent here (outgoing) or received here (incoming): height and block time. */
  height: HeightSchema,
  time: TimestampMsSchema,
  /** Acknowledged or refunded here (outgoing), credited or refused here (incoming). */
  settledHeight: HeightSchema.nullable(),
  settledTime: TimestampMsSchema.nullable(),
  /** Outgoing: the destination's height whose block answered. */
  remoteHeight: HeightSchema.nullable(),
})
export type BridgeTransfer = z.infer<typeof BridgeTransferSchema>

/** One connected cluster as this chain's light client and governor see it. */
export const BridgeConnectionSchema = z.object({
  cluster: z.string(),
  /** Its latest height this chain verified. */
  trustedHeight: HeightSchema,
  /** Two conflicting headers were proven: nothing more is accepted from it. */
  frozen: z.boolean(),
  /** From its verified headers (DESIGN.md 3). */
  coherenceScore: RatioSchema,
  entropyRate: RatioSchema,
  psiSamples: z.number().int().nonnegative(),
  /** The governor: the allowance per window, what was accepted in the current window, the cap. */
  allowance: BalancesSchema,
  accepted: BalancesSchema,
  flowCap: BalancesSchema,
  flowWindow: z.number().int().positive(),
  /** Bridge queues: packets sent and not yet settled (their escrow), and packets held back. */
  inFlight: z.number().int().nonnegative(),
  escrow: BalancesSchema,
  queued: z.number().int().nonnegative(),
  nextSendSeq: z.number().int().positive(),
  nextRecvSeq: z.number().int().positive(),
  /** This node's relayer of that cluster, if it runs one. */
  relay: z
    .object({
      connected: z.boolean(),
      remoteTip: HeightSchema.nullable(),
      remoteTrustedHeight: HeightSchema.nullable(),
      submittedThrough: HeightSchema,
      lastRelayAt: TimestampMsSchema.nullable(),
    })
    .nullable(),
})
export type BridgeConnection = z.infer<typeof BridgeConnectionSchema>

export const BridgeInfoSchema = z.object({
  clusterId: z.string(),
  height: HeightSchema,
  /** Where this node serves its chain to relayers of other clusters. */
  endpoint: z.string().nullable(),
  /** The account that signs and pays for this node's relay transactions (its identity key). */
  relayer: z.object({ address: AddressSchema, flx: AmountSchema }),
  connections: z.array(BridgeConnectionSchema),
  /** Connections awaiting the approval of more than 2/3 of the staked power. */
  proposals: z.array(
    z.object({ cluster: z.string(), genesisHash: HashSchema, approvals: z.number().int() }),
  ),
  /** Transfers sent or received, newest first. */
  transfers: z.array(BridgeTransferSchema),
})
export type BridgeInfo = z.infer<typeof BridgeInfoSchema>

/** What a transaction does, decoded by main from the exact bytes to be signed. */
export const TxReviewSchema = z.object({
  clusterId: z.string(),
  from: AddressSchema,
  nonce: z.number().int().nonnegative(),
  fee: AmountSchema,
  action: ActionReviewSchema,
  /** The wallet account that would sign, or null if the wallet does not hold the sender's key. */
  signerAccount: z.number().int().nonnegative().nullable(),
})
export type TxReviewDto = z.infer<typeof TxReviewSchema>

/** A network file's text: under the headless RPC's message limit even with JSON escaping. */
const NetworkFileText = z.string().max(MAX_RPC_MESSAGE_BYTES / 2)

const TxFileText = z
  .string()
  .min(1)
  .max(64 * 1024)

/** The CEE pool as a person sees it. Weights, fee and value per share are 18-decimal fixed point. */
export const PoolInfoSchema = z.object({
  height: HeightSchema,
  reserves: BalancesSchema,
  weights: BalancesSchema,
  swapFee: AmountSchema,
  totalShares: AmountSchema,
  /** Pool value V = Π Bᵢ^wᵢ divided by the shares: grows with the fees the pool earns. */
  valuePerShare: AmountSchema,
})
export type PoolInfo = z.infer<typeof PoolInfoSchema>

/** One account's share of the pool and what a proportional exit would pay now. */
export const PoolPositionSchema = z.object({
  shares: AmountSchema,
  /** Fraction of all shares, 18-decimal fixed point. */
  fraction: AmountSchema,
  tokens: BalancesSchema,
})
export type PoolPosition = z.infer<typeof PoolPositionSchema>

export const QuoteRequestSchema = z
  .object({
    tokenIn: TokenSymbol,
    tokenOut: TokenSymbol,
    /** False: `amount` is paid in exactly; true: `amount` is received exactly. */
    exactOut: z.boolean(),
    amount: AmountSchema,
    /** Slippage tolerance in basis points (50 = 0.5 %). */
    slippageBps: z.number().int().min(0).max(5000),
  })
  .strict()

/** What a swap would do now, computed with the same math the ledger runs. */
export const QuoteSchema = z.object({
  amountIn: AmountSchema,
  amountOut: AmountSchema,
  /** Part of amountIn that is the swap fee. */
  fee: AmountSchema,
  /** Units of tokenIn per unit of tokenOut before the trade, fee included (18-decimal). */
  spotPrice: AmountSchema,
  /** amountIn / amountOut (18-decimal). */
  effectivePrice: AmountSchema,
  /** How much worse the effective price is than the spot price (18-decimal fraction). */
  priceImpact: AmountSchema,
  /** Minimum received (exact in) or maximum paid (exact out) under the tolerance. */
  limit: AmountSchema,
  swapFee: AmountSchema,
  height: HeightSchema,
})
export type Quote = z.infer<typeof QuoteSchema>

export const HistoryItemSchema = z.object({
  hash: HashSchema,
  status: z.enum(['pending', 'committed', 'failed']),
  height: HeightSchema.nullable(),
  time: TimestampMsSchema.nullable(),
  /** Why the action failed (the fee was still charged). */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  from: AddressSchema,
  nonce: z.number().int().nonnegative(),
  fee: AmountSchema,
  action: ActionReviewSchema,
})
export type HistoryItem = z.infer<typeof HistoryItemSchema>

/**
 * Every request the UI (renderer or browser) may make, each with a runtime schema for its request
 * and response. Requests are strict (unknown fields are refused); responses are parsed on both
 * sides, so a field not declared here is stripped before it can reach the untrusted side.
 */
export const CHANNELS = {
  'node.status': { request: Empty, response: NodeStatusSchema },
  'node.network': { request: Empty, response: NetworkInfoSchema },
  'node.consensus': { request: Empty, response: ConsensusInfoSchema },
  'monitor.kpis': { request: Empty, response: KpiReportSchema },
  'monitor.history': {
    request: z.object({ range: KpiRangeSchema }).strict(),
    response: z.object({ points: z.array(KpiPointSchema) }),
  },
  'monitor.alerts': { request: Empty, response: AlertsSchema },
  /** This wallet's join request (public keys and account, nothing secret), as file text. */
  'network.joinRequest': {
    request: z
      .object({ name: z.string().min(1).max(64), peerUrl: z.string().max(256).nullable() })
      .strict(),
    response: z.object({ file: z.string() }),
  },
  /** A network file assembled from join requests (file texts); this node is not changed. */
  'network.create': {
    request: z
      .object({
        clusterId: z.string().max(64),
        // A join request is well under 1 KiB; all of them fit one RPC message.
        requests: z.array(z.string().max(4096)).min(1).max(100),
      })
      .strict(),
    response: z.object({ file: z.string(), validators: z.number().int().positive() }),
  },
  /**
   * Makes this data directory a member of the network in a network file (text). Only before the
   * node first starts, or for the network it already belongs to.
   */
  'network.import': {
    request: z.object({ file: NetworkFileText }).strict(),
    response: NetworkSummarySchema,
  },
  /** The network this data directory belongs to, known before the node starts; null: a devnet. */
  'network.current': {
    request: Empty,
    response: z.object({ network: NetworkSummarySchema.nullable() }),
  },
  'account.get': {
    request: z.object({ address: AddressSchema }).strict(),
    response: AccountSchema,
  },
  'block.get': {
    request: z.object({ height: HeightSchema }).strict(),
    response: BlockSummarySchema,
  },
  'tx.submit': {
    request: z.object({ tx: HexSchema }).strict(),
    response: z.object({ hash: HashSchema }),
  },
  'wallet.status': { request: Empty, response: WalletStatusSchema },
  /** Only while no wallet exists: a new mnemonic, kept in main until `wallet.create` confirms it. */
  'wallet.generateMnemonic': { request: Empty, response: MnemonicWordsSchema },
  /** Creates the wallet from the generated mnemonic once the person re-typed the asked words. */
  'wallet.create': {
    request: z
      .object({
        password: PasswordSchema,
        confirmations: z
          .array(
            z.object({ index: z.number().int().min(0).max(23), word: z.string().max(20) }).strict(),
          )
          .min(3)
          .max(24),
      })
      .strict(),
    response: WalletStatusSchema,
  },
  'wallet.importMnemonic': {
    request: z
      .object({
        mnemonic: z.string().max(1024),
        passphrase: z.string().max(1024),
        password: PasswordSchema,
      })
      .strict(),
    response: WalletStatusSchema,
  },
  'wallet.importKeystore': {
    request: z
      .object({
        keystore: z.string().max(64 * 1024),
        keystorePassword: z.string().max(1024),
        password: PasswordSchema,
      })
      .strict(),
    response: WalletStatusSchema,
  },
  'wallet.unlock': {
    request: z.object({ password: PasswordSchema }).strict(),
    response: WalletStatusSchema,
  },
  'wallet.lock': { request: Empty, response: WalletStatusSchema },
  'wallet.setAutoLock': {
    request: z
      .object({
        minutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60),
      })
      .strict(),
    response: WalletStatusSchema,
  },
  'wallet.accounts': {
    request: Empty,
    response: z.object({ accounts: z.array(WalletAccountSchema) }),
  },
  'wallet.addAccount': {
    request: z.object({ label: z.string().max(64) }).strict(),
    response: WalletAccountSchema,
  },
  /** An EIP-2335 keystore of one account, encrypted under `exportPassword`. */
  'wallet.exportKeystore': {
    request: z
      .object({
        index: z.number().int().nonnegative(),
        password: PasswordSchema,
        exportPassword: PasswordSchema,
      })
      .strict(),
    response: z.object({ fileName: z.string(), keystore: z.string() }),
  },
  'wallet.revealMnemonic': {
    request: z.object({ password: PasswordSchema }).strict(),
    response: MnemonicWordsSchema,
  },
  /** Decodes an unsigned transaction file for review. */
  'tx.review': {
    request: z.object({ file: TxFileText }).strict(),
    response: TxReviewSchema,
  },
  /** Signs an unsigned transaction file; the password is the person's confirmation of the spend. */
  'tx.signOffline': {
    request: z.object({ file: TxFileText, password: PasswordSchema }).strict(),
    response: z.object({ file: z.string(), hash: HashSchema }),
  },
  /** Submits a signed transaction file to the node. */
  'tx.broadcastFile': {
    request: z.object({ file: TxFileText }).strict(),
    response: z.object({ hash: HashSchema }),
  },
  /**
   * Desktop only: whether the wallet password is remembered (encrypted by the operating
   * system's secure storage, never in plain text) so the validator starts unattended. `null`
   * where that storage is not available (headless mode, or no OS key store).
   */
  'app.unlockMemory': {
    request: Empty,
    response: z.object({ remembered: z.boolean().nullable() }),
  },
  'app.setUnlockMemory': {
    request: z.object({ enabled: z.boolean(), password: PasswordSchema.optional() }).strict(),
    response: z.object({ remembered: z.boolean().nullable() }),
  },
  'pool.get': { request: Empty, response: PoolInfoSchema },
  'pool.position': {
    request: z.object({ index: z.number().int().nonnegative() }).strict(),
    response: PoolPositionSchema,
  },
  'pool.quote': { request: QuoteRequestSchema, response: QuoteSchema },
  /** The stakes, which of them vote next, and the unbonding queue, after the latest block. */
  'staking.get': { request: Empty, response: StakingInfoSchema },
  /** Connected clusters, the governor, the queues and the transfers. */
  'bridge.info': { request: Empty, response: BridgeInfoSchema },
  /**
   * The approval of a connection to the cluster of a network file, for `wallet.submit`; with
   * `urls` (bridge endpoints of that cluster's nodes) this node also relays it from now on.
   */
  'bridge.prepareConnect': {
    request: z
      .object({
        file: NetworkFileText,
        urls: z.array(z.string().max(300)).max(16),
        /** Cap per token per window, in base units. */
        flowCap: AmountSchema,
        flowWindow: z.number().int().min(1).max(100_000),
      })
      .strict(),
    response: z.object({ cluster: z.string(), action: ActionReviewSchema }),
  },
  /** An account's transactions, newest first: pending ones, then committed or failed ones. */
  'wallet.history': {
    request: z
      .object({
        index: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(200),
      })
      .strict(),
    response: z.object({ items: z.array(HistoryItemSchema) }),
  },
  /**
   * Signs and submits a spend from a wallet account: a transfer, swap, join, exit, stake or
   * unstake. The password is the confirmation (and the desktop app asks again in a native dialog).
   */
  'wallet.submit': {
    request: z
      .object({
        index: z.number().int().nonnegative(),
        action: ActionReviewSchema,
        fee: AmountSchema,
        password: PasswordSchema,
      })
      .strict(),
    response: z.object({ hash: HashSchema }),
  },
} as const

/**
 * The channels whose responses carry mnemonic words on purpose (to be read by the person). No
 * other response or event may carry key material; a test walks them all.
 */
export const SECRET_DISPLAY_CHANNELS = ['wallet.generateMnemonic', 'wallet.revealMnemonic'] as const

/** Events that main pushes to the UI, each with its payload schema. */
export const EVENTS = {
  NodeStatus: NodeStatusSchema,
  BlockCommitted: BlockSummarySchema,
  WalletStatus: WalletStatusSchema,
  /** The active alerts, pushed whenever one is raised or cleared. */
  Alerts: AlertsSchema,
} as const

export type Channel = keyof typeof CHANNELS
export type ChannelRequest<C extends Channel> = z.input<(typeof CHANNELS)[C]['request']>
export type ChannelResponse<C extends Channel> = z.output<(typeof CHANNELS)[C]['response']>
export type EventName = keyof typeof EVENTS
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(CHANNELS, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name)
}

import { z } from 'zod'
import { encodeAddress, isAddress } from '../../../shared/address'
import { CodedError } from '../../../shared/errors'
import { fromHex, toHex } from '../../../shared/encoding'
import { ONE_TOKEN } from '../../../shared/tokens'
import { addressOf } from '../crypto'
import { genesisToFile, parseGenesis, type Genesis } from '../chain/genesis'
import {
  DEVNET_MIN_FEE,
  DEVNET_POOL_RESERVE,
  DEVNET_POOL_WEIGHTS,
  DEVNET_SWAP_FEE,
} from '../devnet'

export type NetworkFileErrorCode = 'ERR_BAD_NETWORK_FILE' | 'ERR_BAD_JOIN_REQUEST'
export class NetworkFileError extends CodedError<NetworkFileErrorCode> {}

const KeyHex = z.string().regex(/^[0-9a-f]{64}$/, '32-byte Ed25519 public key in hex')
/** A dialable peer address; the host part may be a name, IPv4 or [IPv6]. */
export const PeerUrlSchema = z
  .string()
  .max(256)
  .regex(/^ws:\/\/[^\s/:]+(:\d{1,5})?$|^ws:\/\/\[[0-9a-fA-F:.]+\](:\d{1,5})?$/, 'ws://host:port')

/** What one person sends to whoever assembles the network: public keys and an address only. */
export const JoinRequestSchema = z
  .object({
    kind: z.literal('coherence-join-request'),
    version: z.literal(1),
    name: z.string().min(1).max(64),
    consensusPublicKey: KeyHex,
    identityPublicKey: KeyHex,
    /** The account that is funded at genesis and owns the validator's stake. */
    account: z.string().refine(isAddress, 'a coh1… address'),
    /** Where the node can be reached by the others; null for a node behind a firewall. */
    peerUrl: PeerUrlSchema.nullable(),
  })
  .strict()
export type JoinRequest = z.infer<typeof JoinRequestSchema>

const SeedSchema = z.object({ id: KeyHex, url: PeerUrlSchema }).strict()
export type Seed = z.infer<typeof SeedSchema>

/** A network file: the cluster's genesis (its trust root) and where to find its first peers. */
export const NetworkFileSchema = z
  .object({
    kind: z.literal('coherence-network'),
    version: z.literal(1),
    genesis: z.unknown(),
    seeds: z.array(SeedSchema).max(64),
  })
  .strict()

export interface Network {
  readonly genesis: Genesis
  readonly seeds: readonly Seed[]
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  return issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'unknown problem'
}

/** Reads a network file's JSON (untrusted: it came from another person). */
export function parseNetworkFile(json: unknown): Network {
  const parsed = NetworkFileSchema.safeParse(json)
  if (!parsed.success) {
    throw new NetworkFileError(
      'ERR_BAD_NETWORK_FILE',
      `invalid network file: ${firstIssue(parsed.error)}`,
    )
  }
  let genesis: Genesis
  try {
    genesis = parseGenesis(parsed.data.genesis)
  } catch (err) {
    throw new NetworkFileError('ERR_BAD_NETWORK_FILE', (err as Error).message)
  }
  return { genesis, seeds: parsed.data.seeds }
}

export function parseJoinRequest(json: unknown): JoinRequest {
  const parsed = JoinRequestSchema.safeParse(json)
  if (!parsed.success) {
    throw new NetworkFileError(
      'ERR_BAD_JOIN_REQUEST',
      `invalid join request: ${firstIssue(parsed.error)}`,
    )
  }
  return parsed.data
}

/** The join request of a node with these public keys (checked like one from a stranger). */
export function buildJoinRequest(keys: {
  name: string
  consensusPublicKey: Uint8Array
  identityPublicKey: Uint8Array
  accountPublicKey: Uint8Array
  peerUrl: string | null
}): JoinRequest {
  return parseJoinRequest({
    kind: 'coherence-join-request',
    version: 1,
    name: keys.name,
    consensusPublicKey: toHex(keys.consensusPublicKey),
    identityPublicKey: toHex(keys.identityPublicKey),
    account: encodeAddress(addressOf(keys.accountPublicKey)),
    peerUrl: keys.peerUrl,
  })
}

export function networkFileJson(network: Network): object {
  return {
    kind: 'coherence-network',
    version: 1,
    genesis: genesisToFile(network.genesis),
    seeds: network.seeds,
  }
}

/** What each member gets in a new network. */
export interface NetworkTerms {
  readonly clusterId: string
  readonly genesisTime: number
  /** CHR each validator stakes at genesis (its voting power), in base units. */
  readonly stake: bigint
  /** Each member's account balance of every token, in base units. */
  readonly balance: bigint
}

export const DEFAULT_NETWORK_STAKE = 1_000n * ONE_TOKEN
/** FLX each validator's identity account starts with, for the fees of its relay transactions. */
export const RELAYER_FLX = 10_000n * ONE_TOKEN
export const DEFAULT_NETWORK_BALANCE = 1_000_000n * ONE_TOKEN

/**
 * A new network from its members' join requests: every member a validator with equal stake and
 * an equally funded account, the devnet's pool, and every reachable member a seed.
 */
export function assembleNetwork(requests: readonly JoinRequest[], terms: NetworkTerms): Network {
  if (requests.length === 0) {
    throw new NetworkFileError('ERR_BAD_JOIN_REQUEST', 'a network needs at least one join request')
  }
  const json = {
    clusterId: terms.clusterId,
    genesisTime: terms.genesisTime,
    params: { minFee: DEVNET_MIN_FEE.toString() },
    pool: {
      reserves: amounts(DEVNET_POOL_RESERVE, DEVNET_POOL_RESERVE, DEVNET_POOL_RESERVE),
      weights: amounts(...DEVNET_POOL_WEIGHTS),
      swapFee: DEVNET_SWAP_FEE.toString(),
    },
    validators: requests.map((r) => ({
      publicKey: r.consensusPublicKey,
      power: terms.stake.toString(),
      owner: r.account,
    })),
    accounts: requests.flatMap((r) => [
      { address: r.account, balances: amounts(terms.balance, terms.balance, terms.balance) },
      // The identity key signs the node's bridge relay transactions: it needs FLX for their fees.
      {
        address: encodeAddress(addressOf(fromHex(r.identityPublicKey))),
        balances: amounts(0n, 0n, RELAYER_FLX),
      },
    ]),
  }
  let genesis: Genesis
  try {
    genesis = parseGenesis(json)
  } catch (err) {
    throw new NetworkFileError('ERR_BAD_JOIN_REQUEST', (err as Error).message)
  }
  const seeds = requests.flatMap((r) =>
    r.peerUrl === null ? [] : [{ id: r.identityPublicKey, url: r.peerUrl }],
  )
  return { genesis, seeds }
}

function amounts(chr: bigint, psy: bigint, flx: bigint): { CHR: string; PSY: string; FLX: string } {
  return { CHR: chr.toString(), PSY: psy.toString(), FLX: flx.toString() }
}

import { z } from 'zod'
import { ADDRESS_LENGTH, decodeAddress, encodeAddress } from '../../../shared/address'
import { assertNormalisedWeights, initialShares } from '../../../shared/cee/math'
import {
  array,
  encode,
  fixedArray,
  fixedBytes,
  fromHex,
  str,
  struct,
  toHex,
  u128,
  uint,
} from '../../../shared/encoding'
import { AmountSchema, BalancesSchema } from '../../../shared/ipc/primitives'
import type { Balances } from '../../../shared/tokens'
import { PUBLIC_KEY_LENGTH, sha256 } from '../crypto'
import type { PoolState } from '../cee/poolState'
import type { Account } from '../ledger/account'
import { LedgerError } from '../ledger/errors'
import { stakeKey, type StakeRecord } from '../ledger/stakes'
import { DEFAULT_STAKING_PARAMS, MIN_UNBONDING_BLOCKS } from '../ledger/staking'
import { MAX_CLUSTER_ID_BYTES, MAX_VALIDATORS } from './block'

const PublicKeyHex = z.string().regex(/^[0-9a-f]{64}$/, '32-byte Ed25519 public key in hex')

/** The genesis file: the trust root of a cluster, shared by every node of it. */
export const GenesisSchema = z
  .object({
    clusterId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
    genesisTime: z.number().int().nonnegative(),
    params: z
      .object({
        minFee: AmountSchema,
        /** Blocks an unstake waits before its CHR returns (default 100). */
        unbondingBlocks: z.number().int().min(MIN_UNBONDING_BLOCKS).max(10_000_000).optional(),
        /** Least stake that makes a key a validator (default 1 CHR). */
        minValidatorStake: AmountSchema.optional(),
        /** Largest difference between honest validators' clocks, in ms (default 500). */
        timePrecisionMs: z.number().int().min(1).max(60_000).optional(),
        /** Longest a proposal takes to reach a validator in round 0, in ms (default 3000). */
        messageDelayMs: z.number().int().min(1).max(600_000).optional(),
      })
      .strict(),
    /** The CEE pool at genesis; its initial shares belong to the first account. */
    pool: z
      .object({ reserves: BalancesSchema, weights: BalancesSchema, swapFee: AmountSchema })
      .strict(),
    /**
     * The initial validators: each one's power is CHR staked at genesis, owned by `owner` (the
     * account that may unstake it; the first genesis account when absent).
     */
    validators: z
      .array(
        z
          .object({ publicKey: PublicKeyHex, power: AmountSchema, owner: z.string().optional() })
          .strict(),
      )
      .min(1)
      .max(MAX_VALIDATORS),
    accounts: z
      .array(z.object({ address: z.string(), balances: BalancesSchema }).strict())
      .max(100_000),
  })
  .strict()
export type GenesisFile = z.infer<typeof GenesisSchema>

/** Genesis in typed form. */
export interface Genesis {
  readonly clusterId: string
  readonly genesisTime: number
  readonly minFee: bigint
  readonly unbondingBlocks: number
  readonly minValidatorStake: bigint
  /** The bounds a fresh proposal's time is judged by (proposer-based timestamps). */
  readonly synchrony: Synchrony
  readonly validators: readonly { publicKey: Uint8Array; power: bigint; owner: Uint8Array }[]
  readonly accounts: readonly { address: Uint8Array; balances: Balances }[]
  readonly pool: {
    readonly reserves: Balances
    readonly weights: Balances
    readonly swapFee: bigint
  }
}

/**
 * How far apart honest clocks may be (`precisionMs`) and how long a proposal may take to arrive
 * (`messageDelayMs`): a validator prevotes a fresh proposal only if its time is within these of
 * its own clock when the proposal arrives. All validators must judge by the same bounds.
 */
export interface Synchrony {
  readonly precisionMs: number
  readonly messageDelayMs: number
}

export const DEFAULT_SYNCHRONY: Synchrony = { precisionMs: 500, messageDelayMs: 3000 }

const GenesisCodec = struct({
  clusterId: str(MAX_CLUSTER_ID_BYTES),
  genesisTime: uint,
  minFee: u128,
  unbondingBlocks: uint,
  minValidatorStake: u128,
  timePrecisionMs: uint,
  messageDelayMs: uint,
  validators: array(
    struct({
      publicKey: fixedBytes(PUBLIC_KEY_LENGTH),
      power: u128,
      owner: fixedBytes(ADDRESS_LENGTH),
    }),
    MAX_VALIDATORS,
  ),
  accounts: array(struct({ address: fixedBytes(20), chr: u128, psy: u128, flx: u128 }), 100_000),
  poolReserves: fixedArray(u128, 3),
  poolWeights: fixedArray(u128, 3),
  swapFee: u128,
})

function balancesOf(b: { CHR: string; PSY: string; FLX: string }): Balances {
  return [BigInt(b.CHR), BigInt(b.PSY), BigInt(b.FLX)]
}

function balancesJson(b: Balances): { CHR: string; PSY: string; FLX: string } {
  return { CHR: b[0].toString(), PSY: b[1].toString(), FLX: b[2].toString() }
}

/** Parses and checks a genesis file (unknown data from disk or from another person). */
export function parseGenesis(json: unknown): Genesis {
  const parsed = GenesisSchema.safeParse(json)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new LedgerError(
      'ERR_BAD_GENESIS',
      `invalid genesis: ${first ? `${first.path.join('.')}: ${first.message}` : 'unknown problem'}`,
    )
  }
  const g = parsed.data
  const seen = new Set<string>()
  const accounts = g.accounts.map((a) => {
    const address = genesisAddress(a.address, 'account')
    if (seen.has(a.address))
      throw new LedgerError('ERR_BAD_GENESIS', `duplicate account ${a.address}`)
    seen.add(a.address)
    return { address, balances: balancesOf(a.balances) }
  })
  if (accounts.length === 0) throw new LedgerError('ERR_BAD_GENESIS', 'genesis needs an account')
  const pool = {
    reserves: balancesOf(g.pool.reserves),
    weights: balancesOf(g.pool.weights),
    swapFee: BigInt(g.pool.swapFee),
  }
  try {
    assertNormalisedWeights(pool.weights)
    initialShares(pool.reserves, pool.weights)
  } catch (err) {
    throw new LedgerError('ERR_BAD_GENESIS', `invalid genesis pool: ${(err as Error).message}`)
  }
  const keys = new Set(g.validators.map((v) => v.publicKey))
  if (keys.size !== g.validators.length) {
    throw new LedgerError('ERR_BAD_GENESIS', 'duplicate validator public key')
  }
  const minValidatorStake = BigInt(
    g.params.minValidatorStake ?? DEFAULT_STAKING_PARAMS.minValidatorStake.toString(),
  )
  if (minValidatorStake === 0n) {
    throw new LedgerError('ERR_BAD_GENESIS', 'minValidatorStake must be more than 0')
  }
  // Every genesis validator must be in the set its stake makes, so the first set is all of them.
  if (g.validators.some((v) => BigInt(v.power) < minValidatorStake)) {
    throw new LedgerError('ERR_BAD_GENESIS', 'a validator has less power than minValidatorStake')
  }
  return {
    clusterId: g.clusterId,
    genesisTime: g.genesisTime,
    minFee: BigInt(g.params.minFee),
    unbondingBlocks: g.params.unbondingBlocks ?? DEFAULT_STAKING_PARAMS.unbondingBlocks,
    minValidatorStake,
    synchrony: {
      precisionMs: g.params.timePrecisionMs ?? DEFAULT_SYNCHRONY.precisionMs,
      messageDelayMs: g.params.messageDelayMs ?? DEFAULT_SYNCHRONY.messageDelayMs,
    },
    validators: g.validators.map((v) => ({
      publicKey: fromHex(v.publicKey),
      power: BigInt(v.power),
      // Files written before staking name no owner: the first account (often the only one) is.
      owner: v.owner === undefined ? accounts[0]!.address : genesisAddress(v.owner, 'owner'),
    })),
    accounts,
    pool,
  }
}

function genesisAddress(text: string, what: string): Uint8Array {
  try {
    return decodeAddress(text)
  } catch {
    throw new LedgerError('ERR_BAD_GENESIS', `invalid genesis ${what} address ${text}`)
  }
}

/** The file form of a genesis. */
export function genesisToFile(g: Genesis): GenesisFile {
  return {
    clusterId: g.clusterId,
    genesisTime: g.genesisTime,
    params: {
      minFee: g.minFee.toString(),
      unbondingBlocks: g.unbondingBlocks,
      minValidatorStake: g.minValidatorStake.toString(),
      timePrecisionMs: g.synchrony.precisionMs,
      messageDelayMs: g.synchrony.messageDelayMs,
    },
    validators: g.validators.map((v) => ({
      publicKey: toHex(v.publicKey),
      power: v.power.toString(),
      owner: encodeAddress(v.owner),
    })),
    accounts: g.accounts.map((a) => ({
      address: encodeAddress(a.address),
      balances: balancesJson(a.balances),
    })),
    pool: {
      reserves: balancesJson(g.pool.reserves),
      weights: balancesJson(g.pool.weights),
      swapFee: g.pool.swapFee.toString(),
    },
  }
}

/** Hash of the canonical encoding of a genesis: the parent of block 1. */
export function genesisHash(g: Genesis): Uint8Array {
  return sha256(
    encode(GenesisCodec, {
      clusterId: g.clusterId,
      genesisTime: g.genesisTime,
      minFee: g.minFee,
      unbondingBlocks: g.unbondingBlocks,
      minValidatorStake: g.minValidatorStake,
      timePrecisionMs: g.synchrony.precisionMs,
      messageDelayMs: g.synchrony.messageDelayMs,
      validators: g.validators.map((v) => ({
        publicKey: v.publicKey,
        power: v.power,
        owner: v.owner,
      })),
      accounts: g.accounts.map((a) => ({
        address: a.address,
        chr: a.balances[0],
        psy: a.balances[1],
        flx: a.balances[2],
      })),
      poolReserves: [...g.pool.reserves],
      poolWeights: [...g.pool.weights],
      swapFee: g.pool.swapFee,
    }),
  )
}

/**
 * Total supply of each token at genesis: every account, the pool's reserves, and the CHR the
 * validators' power is staked from.
 */
export function genesisSupply(g: Genesis): Balances {
  const s: [bigint, bigint, bigint] = [...g.pool.reserves]
  for (const a of g.accounts) for (let t = 0; t < 3; t++) s[t] = s[t]! + a.balances[t]!
  for (const v of g.validators) s[0] = s[0] + v.power
  return s
}

/** The genesis validators as stake records (table key and record). */
export function genesisStakes(g: Genesis): [string, StakeRecord][] {
  return g.validators.map((v) => [stakeKey(v.publicKey), { owner: v.owner, amount: v.power }])
}

/** The pool at genesis: its shares are the invariant, so a share starts at value 1. */
export function genesisPool(g: Genesis): PoolState {
  return {
    reserves: g.pool.reserves,
    weights: g.pool.weights,
    swapFee: g.pool.swapFee,
    totalShares: initialShares(g.pool.reserves, g.pool.weights),
    priceHistory: [],
  }
}

/** Genesis accounts as ledger accounts; the first holds the pool's initial shares. */
export function genesisAccounts(g: Genesis): [Uint8Array, Account][] {
  const shares = initialShares(g.pool.reserves, g.pool.weights)
  return g.accounts.map((a, i) => [
    a.address,
    { balances: a.balances, nonce: 0, shares: i === 0 ? shares : 0n },
  ])
}

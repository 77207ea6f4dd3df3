import { z } from 'zod'
import { decodeAddress, encodeAddress } from '../../../shared/address'
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
import { MAX_CLUSTER_ID_BYTES } from './block'

const PublicKeyHex = z.string().regex(/^[0-9a-f]{64}$/, '32-byte Ed25519 public key in hex')

/** The genesis file: the trust root of a cluster, shared by every node of it. */
export const GenesisSchema = z
  .object({
    clusterId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
    genesisTime: z.number().int().nonnegative(),
    params: z.object({ minFee: AmountSchema }).strict(),
    /** The CEE pool at genesis; its initial shares belong to the first account. */
    pool: z
      .object({ reserves: BalancesSchema, weights: BalancesSchema, swapFee: AmountSchema })
      .strict(),
    validators: z
      .array(z.object({ publicKey: PublicKeyHex, power: AmountSchema }).strict())
      .min(1)
      .max(1000),
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
  readonly validators: readonly { publicKey: Uint8Array; power: bigint }[]
  readonly accounts: readonly { address: Uint8Array; balances: Balances }[]
  readonly pool: {
    readonly reserves: Balances
    readonly weights: Balances
    readonly swapFee: bigint
  }
}

const GenesisCodec = struct({
  clusterId: str(MAX_CLUSTER_ID_BYTES),
  genesisTime: uint,
  minFee: u128,
  validators: array(struct({ publicKey: fixedBytes(PUBLIC_KEY_LENGTH), power: u128 }), 1000),
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
    let address: Uint8Array
    try {
      address = decodeAddress(a.address)
    } catch {
      throw new LedgerError('ERR_BAD_GENESIS', `invalid genesis account address ${a.address}`)
    }
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
  return {
    clusterId: g.clusterId,
    genesisTime: g.genesisTime,
    minFee: BigInt(g.params.minFee),
    validators: g.validators.map((v) => ({
      publicKey: fromHex(v.publicKey),
      power: BigInt(v.power),
    })),
    accounts,
    pool,
  }
}

/** The file form of a genesis. */
export function genesisToFile(g: Genesis): GenesisFile {
  return {
    clusterId: g.clusterId,
    genesisTime: g.genesisTime,
    params: { minFee: g.minFee.toString() },
    validators: g.validators.map((v) => ({
      publicKey: toHex(v.publicKey),
      power: v.power.toString(),
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
      validators: g.validators.map((v) => ({ publicKey: v.publicKey, power: v.power })),
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

/** Total supply of each token at genesis: every account plus the pool's reserves. */
export function genesisSupply(g: Genesis): Balances {
  const s: [bigint, bigint, bigint] = [...g.pool.reserves]
  for (const a of g.accounts) for (let t = 0; t < 3; t++) s[t] = s[t]! + a.balances[t]!
  return s
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

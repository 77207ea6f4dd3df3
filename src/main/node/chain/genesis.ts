import { z } from 'zod'
import { decodeAddress, encodeAddress } from '../../../shared/address'
import {
  array,
  encode,
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
}

const GenesisCodec = struct({
  clusterId: str(MAX_CLUSTER_ID_BYTES),
  genesisTime: uint,
  minFee: u128,
  validators: array(struct({ publicKey: fixedBytes(PUBLIC_KEY_LENGTH), power: u128 }), 1000),
  accounts: array(struct({ address: fixedBytes(20), chr: u128, psy: u128, flx: u128 }), 100_000),
})

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
    const balances: Balances = [
      BigInt(a.balances.CHR),
      BigInt(a.balances.PSY),
      BigInt(a.balances.FLX),
    ]
    return { address, balances }
  })
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
      balances: {
        CHR: a.balances[0].toString(),
        PSY: a.balances[1].toString(),
        FLX: a.balances[2].toString(),
      },
    })),
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
    }),
  )
}

/** Total supply of each token at genesis. */
export function genesisSupply(g: Genesis): Balances {
  const s: [bigint, bigint, bigint] = [0n, 0n, 0n]
  for (const a of g.accounts) for (let t = 0; t < 3; t++) s[t] = s[t]! + a.balances[t]!
  return s
}

import { encode, struct, u128, uint, decode, type Infer } from '../../../shared/encoding'
import type { Balances } from '../../../shared/tokens'

export const AccountCodec = struct({
  chr: u128,
  psy: u128,
  flx: u128,
  nonce: uint,
  shares: u128,
})
type AccountRecord = Infer<typeof AccountCodec>

/**
 * An account: its token balances (indexed by TokenId), the nonce its next transaction must
 * carry, and its shares of the CEE pool.
 */
export interface Account {
  readonly balances: Balances
  readonly nonce: number
  readonly shares: bigint
}

export const EMPTY_ACCOUNT: Account = { balances: [0n, 0n, 0n], nonce: 0, shares: 0n }

function toRecord(a: Account): AccountRecord {
  return {
    chr: a.balances[0],
    psy: a.balances[1],
    flx: a.balances[2],
    nonce: a.nonce,
    shares: a.shares,
  }
}

export function encodeAccount(a: Account): Uint8Array {
  return encode(AccountCodec, toRecord(a))
}

export function decodeAccount(bytes: Uint8Array): Account {
  const r = decode(AccountCodec, bytes)
  return { balances: [r.chr, r.psy, r.flx], nonce: r.nonce, shares: r.shares }
}

/** An account with one balance changed by `delta` (which the caller has checked). */
export function withBalance(a: Account, token: number, delta: bigint): Account {
  const balances = [...a.balances] as [bigint, bigint, bigint]
  balances[token] = balances[token]! + delta
  return { ...a, balances }
}

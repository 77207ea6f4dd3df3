import {
  sharesForAllTokensIn,
  sharesForSingleTokenIn,
  tokenOutForSharesIn,
  tokensForSharesIn,
  tokensForSharesOut,
} from '../../../shared/cee/math'
import type { PoolInfo } from '../../../shared/ipc/contract'
import { TOKENS, TOKEN_ID, type Token } from '../../../shared/tokens'

/**
 * What joins and exits would do against the pool as last loaded, with the same shared math the
 * ledger runs, so the UI can show expected results and derive slippage limits from them. Each
 * function throws the math's CeeError (ERR_MAX_IN_RATIO…) when the ledger would refuse.
 */

export type Triple = [bigint, bigint, bigint]

/** Whether a join or exit deals in all three tokens, in the pool's proportions, or in one. */
export type PoolMode = 'all' | 'single'

function reserves(pool: PoolInfo): Triple {
  return [BigInt(pool.reserves.CHR), BigInt(pool.reserves.PSY), BigInt(pool.reserves.FLX)]
}

/**
 * The amounts of a proportional join that brings `amount` of `token`: the shares it buys,
 * min(amountᵢ/reserveᵢ)·totalShares, and what the pool takes of each token for them (rounded up).
 */
export function proportionalJoin(pool: PoolInfo, token: Token, amount: bigint): Triple {
  const b = reserves(pool)
  const total = BigInt(pool.totalShares)
  const shares = (amount * total) / b[TOKEN_ID[token]]
  if (shares === 0n) return [0n, 0n, 0n]
  const needed = tokensForSharesIn(total, b, shares) as Triple
  needed[TOKEN_ID[token]] = amount
  return needed
}

/** Shares a proportional join bringing at most `amounts` mints now. */
export function joinShares(pool: PoolInfo, amounts: Triple): bigint {
  return sharesForAllTokensIn(BigInt(pool.totalShares), reserves(pool), amounts)
}

/** What a proportional join minting `shares` takes of each token (never more than it brings). */
export function joinCost(pool: PoolInfo, shares: bigint): Triple {
  return tokensForSharesIn(BigInt(pool.totalShares), reserves(pool), shares) as Triple
}

/** Shares a single-token join of `amount` mints now. */
export function joinSingleShares(pool: PoolInfo, token: Token, amount: bigint): bigint {
  return sharesForSingleTokenIn(
    BigInt(pool.reserves[token]),
    BigInt(pool.weights[token]),
    BigInt(pool.totalShares),
    amount,
    BigInt(pool.swapFee),
  )
}

/** Tokens a proportional exit of `shares` pays now. */
export function exitAmounts(pool: PoolInfo, shares: bigint): Triple {
  return tokensForSharesOut(BigInt(pool.totalShares), reserves(pool), shares) as Triple
}

/** The amount of `token` a single-token exit of `shares` pays now. */
export function exitSingleAmount(pool: PoolInfo, token: Token, shares: bigint): bigint {
  return tokenOutForSharesIn(
    BigInt(pool.reserves[token]),
    BigInt(pool.weights[token]),
    BigInt(pool.totalShares),
    shares,
    BigInt(pool.swapFee),
  )
}

/** A triple as the decimal strings of base units the wire carries, in token order. */
export function tripleDto(values: Triple): string[] {
  return TOKENS.map((_, i) => values[i]!.toString())
}

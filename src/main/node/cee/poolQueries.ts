import { divDown, divUp, mulUp } from '../../../shared/cee/fixedPoint'
import { inGivenOut, outGivenIn, spotPrice } from '../../../shared/cee/math'
import type { PoolInfo, PoolPosition, Quote } from '../../../shared/ipc/contract'
import { TOKEN_ID, type Token } from '../../../shared/tokens'
import { poolValue } from './poolRules'
import type { PoolState } from './poolState'

const BPS = 10_000n

function balancesDto(b: readonly bigint[]): { CHR: string; PSY: string; FLX: string } {
  return { CHR: b[0]!.toString(), PSY: b[1]!.toString(), FLX: b[2]!.toString() }
}

/** The pool as the UI shows it. */
export function poolInfo(pool: PoolState, height: number): PoolInfo {
  return {
    height,
    reserves: balancesDto(pool.reserves),
    weights: balancesDto(pool.weights),
    swapFee: pool.swapFee.toString(),
    totalShares: pool.totalShares.toString(),
    valuePerShare: divDown(poolValue(pool), pool.totalShares).toString(),
  }
}

/** An account's share of the pool and what a proportional exit would pay now (rounded down). */
export function poolPosition(pool: PoolState, shares: bigint): PoolPosition {
  return {
    shares: shares.toString(),
    fraction: divDown(shares, pool.totalShares).toString(),
    tokens: balancesDto(pool.reserves.map((r) => (r * shares) / pool.totalShares)),
  }
}

/**
 * What a swap would do against the pool as it is now, with the exact math the ledger runs (so
 * the quote is what a transaction in the next block gets if nothing else trades first).
 */
export function quoteSwap(
  pool: PoolState,
  req: { tokenIn: Token; tokenOut: Token; exactOut: boolean; amount: bigint; slippageBps: number },
  height: number,
): Quote {
  const i = TOKEN_ID[req.tokenIn]
  const o = TOKEN_ID[req.tokenOut]
  const args = [pool.reserves[i], pool.weights[i], pool.reserves[o], pool.weights[o]] as const
  const amountIn = req.exactOut ? inGivenOut(...args, req.amount, pool.swapFee) : req.amount
  const amountOut = req.exactOut ? req.amount : outGivenIn(...args, req.amount, pool.swapFee)
  const spot = spotPrice(...args, pool.swapFee)
  const effective = amountOut === 0n ? 0n : divUp(amountIn, amountOut)
  const slippage = BigInt(req.slippageBps)
  return {
    amountIn: amountIn.toString(),
    amountOut: amountOut.toString(),
    fee: mulUp(amountIn, pool.swapFee).toString(),
    spotPrice: spot.toString(),
    effectivePrice: effective.toString(),
    priceImpact: (effective > spot ? divUp(effective - spot, spot) : 0n).toString(),
    limit: (req.exactOut
      ? (amountIn * (BPS + slippage) + BPS - 1n) / BPS
      : (amountOut * (BPS - slippage)) / BPS
    ).toString(),
    swapFee: pool.swapFee.toString(),
    height,
  }
}

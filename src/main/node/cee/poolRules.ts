import {
  dynamicFee,
  inGivenOut,
  invariant,
  logSpotPrice,
  outGivenIn,
  sharesForAllTokensIn,
  sharesForSingleTokenIn,
  tokenOutForSharesIn,
  tokensForSharesIn,
  tokensForSharesOut,
  DEFAULT_DYNAMIC_FEE_PARAMS,
} from '../../../shared/cee/math'
import { CodedError } from '../../../shared/errors'
import { TOKEN_ID, type Balances, type TokenId } from '../../../shared/tokens'
import { withBalance, type Account } from '../ledger/account'
import type { StateView } from '../ledger/state'
import type { Action } from '../ledger/tx'
import { FEE_WINDOW, type LogPrices, type PoolState } from './poolState'

export type PoolErrorCode =
  | 'ERR_SLIPPAGE'
  | 'ERR_DEADLINE'
  | 'ERR_ZERO_OUTPUT'
  | 'ERR_INSUFFICIENT_BALANCE'
  | 'ERR_INSUFFICIENT_SHARES'
export class PoolError extends CodedError<PoolErrorCode> {}

type PoolAction = Exclude<Action, { kind: 'transfer' | 'stake' | 'unstake' }>
type Triple = [bigint, bigint, bigint]

function debit(account: Account, token: number, amount: bigint): Account {
  if (account.balances[token]! < amount) {
    throw new PoolError('ERR_INSUFFICIENT_BALANCE', 'balance too low for the amount')
  }
  return withBalance(account, token, -amount)
}

function addReserves(pool: PoolState, deltas: readonly bigint[]): Balances {
  return pool.reserves.map((r, i) => r + deltas[i]!) as Triple
}

/**
 * Applies a swap, join or exit to `view` for `sender`, all-or-nothing (the caller runs it on a
 * fork). Every amount is computed by the shared pool math, which rounds in the pool's favour.
 */
export function applyPoolAction(
  view: StateView,
  sender: Uint8Array,
  action: PoolAction,
  height: number,
): void {
  const pool = view.pool
  let account = view.account(sender)
  const delta: Triple = [0n, 0n, 0n]
  let sharesDelta = 0n
  switch (action.kind) {
    case 'swap': {
      if (height > action.deadline) {
        throw new PoolError('ERR_DEADLINE', `deadline height ${action.deadline} has passed`)
      }
      const i = action.tokenIn as TokenId
      const o = action.tokenOut as TokenId
      const [bi, wi, bo, wo] = [
        pool.reserves[i],
        pool.weights[i],
        pool.reserves[o],
        pool.weights[o],
      ]
      let amountIn: bigint
      let amountOut: bigint
      if (action.exactOut) {
        amountOut = action.amount
        amountIn = inGivenOut(bi, wi, bo, wo, amountOut, pool.swapFee)
        if (amountIn > action.limit) {
          throw new PoolError(
            'ERR_SLIPPAGE',
            `would pay ${amountIn}, more than the limit ${action.limit}`,
          )
        }
      } else {
        amountIn = action.amount
        amountOut = outGivenIn(bi, wi, bo, wo, amountIn, pool.swapFee)
        if (amountOut === 0n) throw new PoolError('ERR_ZERO_OUTPUT', 'the trade is too small')
        if (amountOut < action.limit) {
          throw new PoolError(
            'ERR_SLIPPAGE',
            `would receive ${amountOut}, less than the limit ${action.limit}`,
          )
        }
      }
      account = withBalance(debit(account, i, amountIn), o, amountOut)
      delta[i] = amountIn
      delta[o] = -amountOut
      break
    }
    case 'join': {
      const shares = sharesForAllTokensIn(pool.totalShares, pool.reserves, action.maxAmounts)
      if (shares === 0n || shares < action.minShares) {
        throw new PoolError(
          'ERR_SLIPPAGE',
          `would mint ${shares} shares, fewer than ${action.minShares}`,
        )
      }
      const taken = tokensForSharesIn(pool.totalShares, pool.reserves, shares)
      taken.forEach((amount, t) => {
        account = debit(account, t, amount)
        delta[t] = amount
      })
      sharesDelta = shares
      break
    }
    case 'joinSingle': {
      const t = action.token as TokenId
      const shares = sharesForSingleTokenIn(
        pool.reserves[t],
        pool.weights[t],
        pool.totalShares,
        action.amount,
        pool.swapFee,
      )
      if (shares === 0n || shares < action.minShares) {
        throw new PoolError(
          'ERR_SLIPPAGE',
          `would mint ${shares} shares, fewer than ${action.minShares}`,
        )
      }
      account = debit(account, t, action.amount)
      delta[t] = action.amount
      sharesDelta = shares
      break
    }
    case 'exit': {
      if (account.shares < action.shares) {
        throw new PoolError('ERR_INSUFFICIENT_SHARES', 'not enough pool shares')
      }
      const out = tokensForSharesOut(pool.totalShares, pool.reserves, action.shares)
      out.forEach((amount, t) => {
        if (amount < action.minAmounts[t]!) {
          throw new PoolError(
            'ERR_SLIPPAGE',
            `would receive ${amount} of token ${t}, below the minimum`,
          )
        }
        account = withBalance(account, t, amount)
        delta[t] = -amount
      })
      sharesDelta = -action.shares
      break
    }
    case 'exitSingle': {
      if (account.shares < action.shares) {
        throw new PoolError('ERR_INSUFFICIENT_SHARES', 'not enough pool shares')
      }
      const t = action.token as TokenId
      const amount = tokenOutForSharesIn(
        pool.reserves[t],
        pool.weights[t],
        pool.totalShares,
        action.shares,
        pool.swapFee,
      )
      if (amount === 0n || amount < action.minAmount) {
        throw new PoolError(
          'ERR_SLIPPAGE',
          `would receive ${amount}, below the minimum ${action.minAmount}`,
        )
      }
      account = withBalance(account, t, amount)
      delta[t] = -amount
      sharesDelta = -action.shares
      break
    }
  }
  view.setAccount(sender, { ...account, shares: account.shares + sharesDelta })
  view.pool = {
    ...pool,
    reserves: addReserves(pool, delta),
    totalShares: pool.totalShares + sharesDelta,
  }
}

/** Log prices of CHR and PSY in FLX: the series the fee controller watches. */
export function logPrices(pool: PoolState): LogPrices {
  const { reserves: b, weights: w } = pool
  const F = TOKEN_ID.FLX
  return [logSpotPrice(b[0], w[0], b[F], w[F]), logSpotPrice(b[1], w[1], b[F], w[F])]
}

/**
 * End of a block: record the pool's log prices and move the swap fee with their variance over
 * the window (DESIGN.md section 6). The more volatile of the two series sets the fee.
 */
export function endBlock(view: StateView): void {
  const pool = view.pool
  const history = [...pool.priceHistory, logPrices(pool)].slice(-FEE_WINDOW)
  const chrFee = dynamicFee(
    pool.swapFee,
    history.map((p) => p[0]),
    DEFAULT_DYNAMIC_FEE_PARAMS,
  )
  const psyFee = dynamicFee(
    pool.swapFee,
    history.map((p) => p[1]),
    DEFAULT_DYNAMIC_FEE_PARAMS,
  )
  view.pool = { ...pool, priceHistory: history, swapFee: chrFee > psyFee ? chrFee : psyFee }
}

/** The pool's invariant V = Π Bᵢ^wᵢ (its value, for value per share and the CAF). */
export function poolValue(pool: PoolState): bigint {
  return invariant(pool.reserves, pool.weights)
}

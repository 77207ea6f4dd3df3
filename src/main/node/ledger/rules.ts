import { isTokenId, TOKEN_ID } from '../../../shared/tokens'
import { addressOf } from '../crypto'
import { withBalance } from './account'
import { LedgerError } from './errors'
import type { StateView } from './state'
import type { SignedTx } from './tx'

/** Chain parameters the rules need, fixed at genesis. */
export interface LedgerParams {
  /** Smallest fee, in FLX base units, a transaction may pay. */
  readonly minFee: bigint
}

/** What executing a transaction needs beyond state: who receives the fee. */
export interface TxContext {
  readonly params: LedgerParams
  /** Address credited with transaction fees (the block's proposer). */
  readonly feeRecipient: Uint8Array
}

const FLX = TOKEN_ID.FLX

/**
 * Checks a transaction against the state and applies it to `view`. The signature must have been
 * verified already (see verifyTxSignature): that is the expensive part and is done once per
 * transaction, at mempool entry or block validation. A refused transaction throws a LedgerError
 * and leaves `view` unchanged.
 */
export function applyTx(view: StateView, tx: SignedTx, ctx: TxContext): void {
  const { body } = tx
  const action = body.action
  if (!isTokenId(action.token)) {
    throw new LedgerError('ERR_UNKNOWN_TOKEN', `unknown token id ${action.token}`)
  }
  if (action.amount <= 0n) {
    throw new LedgerError('ERR_INVALID_AMOUNT', 'amount must be positive')
  }
  if (body.fee < ctx.params.minFee) {
    throw new LedgerError('ERR_FEE_TOO_LOW', `fee ${body.fee} is below the minimum ${ctx.params.minFee}`)
  }
  const senderAddress = addressOf(body.sender)
  const sender = view.account(senderAddress)
  if (body.nonce !== sender.nonce) {
    throw new LedgerError('ERR_BAD_NONCE', `nonce ${body.nonce}, expected ${sender.nonce}`)
  }
  const needFlx = body.fee + (action.token === FLX ? action.amount : 0n)
  if (sender.balances[FLX] < needFlx || sender.balances[action.token] < action.amount) {
    throw new LedgerError('ERR_INSUFFICIENT_BALANCE', 'balance too low for amount and fee')
  }

  // Debit first, then credit: sender and recipient may be the same account.
  let debited = withBalance(sender, action.token, -action.amount)
  debited = withBalance(debited, FLX, -body.fee)
  view.setAccount(senderAddress, { balances: debited.balances, nonce: sender.nonce + 1 })
  view.setAccount(action.to, withBalance(view.account(action.to), action.token, action.amount))
  view.setAccount(ctx.feeRecipient, withBalance(view.account(ctx.feeRecipient), FLX, body.fee))
}

import { isTokenId, TOKEN_ID, type TokenId } from '../../../shared/tokens'
import { addressOf } from '../crypto'
import { withBalance } from './account'
import { LedgerError } from './errors'
import type { StateView } from './state'
import { verifyTxSignature, type SignedTx } from './tx'

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

/** Checks that need no state: cheap, so they run before the signature is verified. */
export function checkTxFields(tx: SignedTx, params: LedgerParams): void {
  const { body } = tx
  const action = body.action
  if (!isTokenId(action.token)) {
    throw new LedgerError('ERR_UNKNOWN_TOKEN', `unknown token id ${action.token}`)
  }
  if (action.amount <= 0n) {
    throw new LedgerError('ERR_INVALID_AMOUNT', 'amount must be positive')
  }
  if (body.fee < params.minFee) {
    throw new LedgerError(
      'ERR_FEE_TOO_LOW',
      `fee ${body.fee} is below the minimum ${params.minFee}`,
    )
  }
}

/**
 * The whole check of an incoming transaction, then its effect on `view`: fields, signature (the
 * expensive part, skipped when it was verified before, e.g. at mempool entry), then the rules
 * against state. A refused transaction throws a LedgerError and leaves `view` unchanged.
 */
export function executeTx(
  view: StateView,
  tx: SignedTx,
  ctx: TxContext & { clusterId: string },
  signatureVerified: boolean,
): void {
  checkTxFields(tx, ctx.params)
  if (!signatureVerified) verifyTxSignature(ctx.clusterId, tx)
  applyTx(view, tx, ctx)
}

/**
 * Applies a transaction whose signature is known to be valid. A refused transaction throws a
 * LedgerError and leaves `view` unchanged.
 */
export function applyTx(view: StateView, tx: SignedTx, ctx: TxContext): void {
  checkTxFields(tx, ctx.params)
  const { body } = tx
  const action = body.action
  const token = action.token as TokenId // checked by checkTxFields
  const senderAddress = addressOf(body.sender)
  const sender = view.account(senderAddress)
  if (body.nonce !== sender.nonce) {
    throw new LedgerError('ERR_BAD_NONCE', `nonce ${body.nonce}, expected ${sender.nonce}`)
  }
  const needFlx = body.fee + (token === FLX ? action.amount : 0n)
  if (sender.balances[FLX] < needFlx || sender.balances[token] < action.amount) {
    throw new LedgerError('ERR_INSUFFICIENT_BALANCE', 'balance too low for amount and fee')
  }

  // Debit first, then credit: sender and recipient may be the same account.
  let debited = withBalance(sender, token, -action.amount)
  debited = withBalance(debited, FLX, -body.fee)
  view.setAccount(senderAddress, { balances: debited.balances, nonce: sender.nonce + 1 })
  view.setAccount(action.to, withBalance(view.account(action.to), token, action.amount))
  view.setAccount(ctx.feeRecipient, withBalance(view.account(ctx.feeRecipient), FLX, body.fee))
}

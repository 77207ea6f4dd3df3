import { CodedError } from '../../../shared/errors'
import { isTokenId, TOKEN_ID, type TokenId } from '../../../shared/tokens'
import { psyFlowFee } from '../../../shared/cee/flowFee'
import { applyPoolAction, endBlock } from '../cee/poolRules'
import { addressOf } from '../crypto'
import { withBalance } from './account'
import { LedgerError } from './errors'
import { applyBridgeAction, endBridgeBlock, type BridgeAction } from '../bridge/bridgeRules'
import { applyStakingAction, releaseUnbonded, type StakingParams } from './staking'
import type { StateView } from './state'
import { verifyTxSignature, type Action, type SignedTx } from './tx'

/** Chain parameters the rules need, fixed at genesis. */
export interface LedgerParams extends StakingParams {
  /** Smallest fee, in FLX base units, a transaction may pay. */
  readonly minFee: bigint
}

/** What executing a transaction needs beyond state. */
export interface TxContext {
  readonly params: LedgerParams
  /** Address credited with transaction fees (the block's proposer). */
  readonly feeRecipient: Uint8Array
  /** Height of the block the transaction executes in (swap deadlines refer to it). */
  readonly height: number
  /** This cluster's id (bridge packets name it). */
  readonly clusterId: string
}

/**
 * The outcome of an included transaction. A transaction whose action fails (slippage, deadline,
 * a balance spent meanwhile) is still included: its fee is charged and its nonce used.
 */
export type Receipt = { status: 'ok' } | { status: 'failed'; error: CodedError }

const FLX = TOKEN_ID.FLX

function tokenIds(action: Action): number[] {
  switch (action.kind) {
    case 'transfer':
    case 'joinSingle':
    case 'exitSingle':
    case 'bridgeSend':
      return [action.token]
    case 'swap':
      return [action.tokenIn, action.tokenOut]
    case 'join':
    case 'exit':
    case 'stake': // staking always moves CHR
    case 'unstake':
    case 'bridgeConnect':
    case 'bridgeUpdate':
    case 'bridgeDeliver':
      return []
  }
}

function amounts(action: Action): bigint[] {
  switch (action.kind) {
    case 'transfer':
    case 'joinSingle':
    case 'swap':
    case 'stake':
    case 'unstake':
    case 'bridgeSend':
      return [action.amount]
    case 'join':
      return [action.maxAmounts.reduce((a, b) => a + b, 0n)]
    case 'exit':
    case 'exitSingle':
      return [action.shares]
    case 'bridgeConnect':
    case 'bridgeUpdate':
    case 'bridgeDeliver':
      return []
  }
}

/** Checks that need no state: cheap, so they run before the signature is verified. */
export function checkTxFields(tx: SignedTx, params: LedgerParams): void {
  const { body } = tx
  const action = body.action
  for (const token of tokenIds(action)) {
    if (!isTokenId(token)) throw new LedgerError('ERR_UNKNOWN_TOKEN', `unknown token id ${token}`)
  }
  if (amounts(action).some((a) => a <= 0n)) {
    throw new LedgerError('ERR_INVALID_AMOUNT', 'amount must be positive')
  }
  if (action.kind === 'swap' && action.tokenIn === action.tokenOut) {
    throw new LedgerError('ERR_INVALID_AMOUNT', 'a swap needs two different tokens')
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
 * against state. Throws a LedgerError, leaving `view` unchanged, if it cannot be included.
 */
export function executeTx(
  view: StateView,
  tx: SignedTx,
  ctx: TxContext,
  signatureVerified: boolean,
): Receipt {
  checkTxFields(tx, ctx.params)
  if (!signatureVerified) verifyTxSignature(ctx.clusterId, tx)
  return applyTx(view, tx, ctx)
}

/**
 * Like executeTx, but the action must succeed too: what the mempool and the RPC accept, so a
 * person learns at once that a transaction would fail. Leaves `view` unchanged on any error.
 */
export function executeTxOrThrow(
  view: StateView,
  tx: SignedTx,
  ctx: TxContext,
  signatureVerified: boolean,
): void {
  const attempt = view.fork()
  const receipt = executeTx(attempt, tx, ctx, signatureVerified)
  if (receipt.status === 'failed') throw receipt.error
  view.merge(attempt)
}

/**
 * Applies a transaction whose fields and signature were checked (executeTx, or the mempool on
 * entry): charges the fee and uses the nonce, then performs the action all-or-nothing. Throws
 * (view unchanged) if the transaction cannot be included: wrong nonce, or no FLX for the fee.
 */
export function applyTx(view: StateView, tx: SignedTx, ctx: TxContext): Receipt {
  const { body } = tx
  const senderAddress = addressOf(body.sender)
  const sender = view.account(senderAddress)
  if (body.nonce !== sender.nonce) {
    throw new LedgerError('ERR_BAD_NONCE', `nonce ${body.nonce}, expected ${sender.nonce}`)
  }
  if (sender.balances[FLX] < body.fee) {
    throw new LedgerError('ERR_INSUFFICIENT_BALANCE', 'not enough FLX for the fee')
  }
  const charged = withBalance(sender, FLX, -body.fee)
  view.setAccount(senderAddress, { ...charged, nonce: sender.nonce + 1 })
  view.setAccount(ctx.feeRecipient, withBalance(view.account(ctx.feeRecipient), FLX, body.fee))

  try {
    applyAction(view, senderAddress, body.action, ctx)
  } catch (err) {
    if (err instanceof CodedError) return { status: 'failed', error: err as CodedError<string> }
    throw err
  }
  return { status: 'ok' }
}

/** Performs an action all-or-nothing. */
function applyAction(view: StateView, sender: Uint8Array, action: Action, ctx: TxContext): void {
  if (action.kind === 'transfer') {
    applyTransfer(view, sender, action)
    return
  }
  // Pool and staking actions write as they go, so they run on a fork that only lands if all of it
  // succeeds.
  const attempt = view.fork()
  if (action.kind === 'stake' || action.kind === 'unstake') {
    applyStakingAction(attempt, sender, action, ctx.params, ctx.height)
  } else if (isBridgeAction(action)) {
    applyBridgeAction(attempt, sender, action, {
      clusterId: ctx.clusterId,
      height: ctx.height,
      minValidatorStake: ctx.params.minValidatorStake,
    })
  } else {
    applyPoolAction(attempt, sender, action, ctx.height)
  }
  view.merge(attempt)
}

/** Moves tokens; a PSY transfer also pays the 1 % flow fee into the pool. */
function applyTransfer(
  view: StateView,
  sender: Uint8Array,
  action: Extract<Action, { kind: 'transfer' }>,
): void {
  const token = action.token as TokenId // checked by checkTxFields
  const flowFee = token === TOKEN_ID.PSY ? psyFlowFee(action.amount) : 0n
  const from = view.account(sender)
  if (from.balances[token] < action.amount + flowFee) {
    throw new LedgerError('ERR_INSUFFICIENT_BALANCE', 'balance too low for the amount')
  }
  // Debit first, then credit: sender and recipient may be the same account.
  view.setAccount(sender, withBalance(from, token, -(action.amount + flowFee)))
  view.setAccount(action.to, withBalance(view.account(action.to), token, action.amount))
  if (flowFee > 0n) {
    const reserves = [...view.pool.reserves] as [bigint, bigint, bigint]
    reserves[token] = reserves[token] + flowFee
    view.pool = { ...view.pool, reserves }
  }
}

/**
 * The end of block `height`: the pool's fee update, unbonded CHR back to its owners, then the
 * bridge packets the governor now lets through.
 */
export function endOfBlock(view: StateView, height: number): void {
  endBlock(view)
  releaseUnbonded(view, height)
  endBridgeBlock(view, height)
}

function isBridgeAction(action: Action): action is BridgeAction {
  return action.kind.startsWith('bridge')
}

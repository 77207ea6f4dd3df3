import { bytesEqual } from '../../../shared/encoding'
import { ONE_TOKEN, TOKEN_ID } from '../../../shared/tokens'
import { withBalance } from './account'
import { LedgerError } from './errors'
import { stakeKey, unbondingEntry, unbondingKey, type UnbondingEntry } from './stakes'
import type { StateView } from './state'
import type { Action } from './tx'

/** Staking parameters, fixed at genesis. */
export interface StakingParams {
  /** Blocks between an unstake and the end of the block that returns its CHR. */
  readonly unbondingBlocks: number
  /** Least stake (CHR base units) that puts a validator key in the validator set. */
  readonly minValidatorStake: bigint
}

/** What a genesis that does not name the staking parameters gets. */
export const DEFAULT_STAKING_PARAMS: StakingParams = {
  unbondingBlocks: 100,
  minValidatorStake: ONE_TOKEN,
}

/**
 * The shortest unbonding period. An unstake in block h still counts at height h+1 (the set changes
 * at h+2), so its CHR stays bonded through every height it votes on: it returns at the end of h+2.
 */
export const MIN_UNBONDING_BLOCKS = 2

type StakingAction = Extract<Action, { kind: 'stake' | 'unstake' }>

const CHR = TOKEN_ID.CHR

/**
 * Applies a stake or unstake for `sender` in block `height`. It writes as it goes, so the caller
 * runs it on a fork. CHR only moves between the sender's balance, the stake record and the
 * unbonding queue, so total supply is unchanged.
 */
export function applyStakingAction(
  view: StateView,
  sender: Uint8Array,
  action: StakingAction,
  params: StakingParams,
  height: number,
): void {
  const key = stakeKey(action.validator)
  const record = view.stakes.get(key)
  if (action.kind === 'stake') {
    // The first staker of a key owns its record: only that account may add to it or unbond it.
    if (record && !bytesEqual(record.owner, sender)) {
      throw new LedgerError('ERR_STAKE_OWNER', 'another account owns the stake on this validator')
    }
    const account = view.account(sender)
    if (account.balances[CHR] < action.amount) {
      throw new LedgerError('ERR_INSUFFICIENT_BALANCE', 'not enough CHR to stake')
    }
    view.setAccount(sender, withBalance(account, CHR, -action.amount))
    view.stakes.set(key, { owner: sender, amount: (record?.amount ?? 0n) + action.amount })
    return
  }
  if (!record)
    throw new LedgerError('ERR_STAKE_INSUFFICIENT', 'nothing is staked on this validator')
  if (!bytesEqual(record.owner, sender)) {
    throw new LedgerError('ERR_STAKE_OWNER', 'only the owner of a stake can unstake it')
  }
  if (action.amount > record.amount) {
    throw new LedgerError(
      'ERR_STAKE_INSUFFICIENT',
      `${action.amount} is more than the ${record.amount} staked`,
    )
  }
  const remaining = record.amount - action.amount
  // An emptied record is removed, so the key is free for any account to stake on again.
  view.stakes.set(key, remaining === 0n ? null : { ...record, amount: remaining })
  if (!hasValidator(view, params.minValidatorStake)) {
    throw new LedgerError('ERR_LAST_VALIDATOR', 'the cluster would be left without a validator')
  }
  const queued = unbondingKey(height + params.unbondingBlocks, sender)
  view.unbonding.set(queued, (view.unbonding.get(queued) ?? 0n) + action.amount)
}

/** Whether any stake is large enough to make its key a validator. */
function hasValidator(view: StateView, minValidatorStake: bigint): boolean {
  for (const [, record] of view.stakes.entries()) {
    if (record.amount >= minValidatorStake) return true
  }
  return false
}

/**
 * End of block `height`: every unbonding entry due by then (release height at most `height`)
 * returns its CHR to its owner. Entries are visited in key order, i.e. by release height.
 */
export function releaseUnbonded(view: StateView, height: number): void {
  const due: [string, UnbondingEntry][] = []
  for (const [key, amount] of view.unbonding.entries()) {
    const entry = unbondingEntry(key, amount)
    if (entry.releaseHeight > height) break
    due.push([key, entry])
  }
  for (const [key, entry] of due) {
    view.unbonding.set(key, null)
    view.setAccount(entry.owner, withBalance(view.account(entry.owner), CHR, entry.amount))
  }
}

import { describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/shared/encoding'
import { ONE_TOKEN, TOKEN_ID } from '../../../../src/shared/tokens'
import type { PoolState } from '../../../../src/main/node/cee/poolState'
import { DEVNET_POOL_WEIGHTS } from '../../../../src/main/node/devnet'
import {
  applyTx,
  endOfBlock,
  executeTxOrThrow,
  type TxContext,
} from '../../../../src/main/node/ledger/rules'
import { stakeKey, unbondingKey } from '../../../../src/main/node/ledger/stakes'
import { LedgerState } from '../../../../src/main/node/ledger/state'
import type { Action, SignedTx } from '../../../../src/main/node/ledger/tx'
import { signedAction, testSigner } from '../../../helpers/txs'

const CLUSTER = 'staking-test'
const FEE = ONE_TOKEN / 1000n
const UNBONDING = 5
const MIN_STAKE = 10n * ONE_TOKEN
const BALANCE = 100n * ONE_TOKEN
const alice = testSigner()
const bob = testSigner()
const proposer = testSigner()
/** Consensus keys: `genesisKey` starts with bob's stake; `fresh` has none. */
const genesisKey = testSigner().publicKey()
const fresh = testSigner().publicKey()

const POOL: PoolState = {
  reserves: [10n * ONE_TOKEN, 10n * ONE_TOKEN, 10n * ONE_TOKEN],
  weights: [...DEVNET_POOL_WEIGHTS],
  swapFee: 0n,
  totalShares: ONE_TOKEN,
  priceHistory: [],
}

function ctx(height: number): TxContext & { clusterId: string } {
  return {
    params: { minFee: FEE, unbondingBlocks: UNBONDING, minValidatorStake: MIN_STAKE },
    feeRecipient: proposer.address,
    height,
    clusterId: CLUSTER,
  }
}

/** Alice and bob hold 100 of each token; bob's 20 CHR on `genesisKey` is the only validator. */
function freshState(): LedgerState {
  const genesisStake = 20n * ONE_TOKEN
  const state = new LedgerState(
    [
      2n * BALANCE + genesisStake + POOL.reserves[0],
      2n * BALANCE + POOL.reserves[1],
      2n * BALANCE + POOL.reserves[2],
    ],
    POOL,
  )
  for (const s of [alice, bob]) {
    state.load(toHex(s.address), { balances: [BALANCE, BALANCE, BALANCE], nonce: 0, shares: 0n })
  }
  state.finishLoading()
  state.loadStaking([[stakeKey(genesisKey), { owner: bob.address, amount: genesisStake }]], [])
  return state
}

function tx(signer: typeof alice, action: Action, nonce = 0): SignedTx {
  return signedAction(CLUSTER, signer, { action, nonce, fee: FEE })
}

const stake = (validator: Uint8Array, amount: bigint): Action => ({
  kind: 'stake',
  validator,
  amount,
})
const unstake = (validator: Uint8Array, amount: bigint): Action => ({
  kind: 'unstake',
  validator,
  amount,
})

/** Applies one transaction as block `height` (end of block included) and commits it. */
function block(state: LedgerState, signed: SignedTx, height: number): string {
  const view = state.view()
  const receipt = applyTx(view, signed, ctx(height))
  endOfBlock(view, height)
  state.apply(view)
  return receipt.status === 'ok' ? 'ok' : receipt.error.code
}

/** CHR in balances, the pool, stakes and unbonding: what header.supply counts. */
function chrTotal(state: LedgerState): bigint {
  let total = state.pool.reserves[TOKEN_ID.CHR]
  for (const [, account] of state.entries()) total += account.balances[TOKEN_ID.CHR]
  for (const [, record] of state.stakes.entries()) total += record.amount
  for (const [, amount] of state.unbonding.entries()) total += amount
  return total
}

const chr = (state: LedgerState, s: typeof alice): bigint =>
  state.account(s.address).balances[TOKEN_ID.CHR]

describe('staking rules', () => {
  it('stake moves CHR from the balance into a record owned by the sender; more stake adds to it', () => {
    const state = freshState()
    expect(block(state, tx(alice, stake(fresh, 15n * ONE_TOKEN)), 1)).toBe('ok')
    expect(state.stakes.get(stakeKey(fresh))).toEqual({
      owner: alice.address,
      amount: 15n * ONE_TOKEN,
    })
    expect(block(state, tx(alice, stake(fresh, 5n * ONE_TOKEN), 1), 2)).toBe('ok')
    expect(state.stakes.get(stakeKey(fresh))!.amount).toBe(20n * ONE_TOKEN)
    expect(chr(state, alice)).toBe(BALANCE - 20n * ONE_TOKEN)
    expect(chrTotal(state)).toBe(state.supply[TOKEN_ID.CHR])
  })

  it('refuses a stake on a key another account owns (ERR_STAKE_OWNER) or beyond the balance', () => {
    const state = freshState()
    const before = state.stakes.get(stakeKey(genesisKey))
    expect(block(state, tx(alice, stake(genesisKey, ONE_TOKEN)), 1)).toBe('ERR_STAKE_OWNER')
    expect(block(state, tx(alice, stake(fresh, BALANCE + 1n), 1), 2)).toBe(
      'ERR_INSUFFICIENT_BALANCE',
    )
    // Only the fees were charged; no stake moved.
    expect(state.stakes.get(stakeKey(genesisKey))).toEqual(before)
    expect(state.stakes.get(stakeKey(fresh))).toBeUndefined()
    expect(state.account(alice.address).balances).toEqual([BALANCE, BALANCE, BALANCE - 2n * FEE])
  })

  it('refuses a zero amount before it reaches the ledger (ERR_INVALID_AMOUNT)', () => {
    const state = freshState()
    for (const action of [stake(fresh, 0n), unstake(genesisKey, 0n)]) {
      expect(() => executeTxOrThrow(state.view(), tx(bob, action), ctx(1), false)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_AMOUNT' }),
      )
    }
  })

  it('unstake queues the CHR for release at height + unbondingBlocks; an emptied record goes', () => {
    const state = freshState()
    expect(block(state, tx(alice, stake(fresh, 30n * ONE_TOKEN)), 1)).toBe('ok')
    expect(block(state, tx(alice, unstake(fresh, 10n * ONE_TOKEN), 1), 2)).toBe('ok')
    expect(state.stakes.get(stakeKey(fresh))!.amount).toBe(20n * ONE_TOKEN)
    expect(block(state, tx(alice, unstake(fresh, 20n * ONE_TOKEN), 2), 3)).toBe('ok')
    expect(state.stakes.get(stakeKey(fresh))).toBeUndefined()
    expect([...state.unbonding.entries()]).toEqual([
      [unbondingKey(2 + UNBONDING, alice.address), 10n * ONE_TOKEN],
      [unbondingKey(3 + UNBONDING, alice.address), 20n * ONE_TOKEN],
    ])
    expect(chr(state, alice)).toBe(BALANCE - 30n * ONE_TOKEN)
    expect(chrTotal(state)).toBe(state.supply[TOKEN_ID.CHR])
    // A freed key can be staked on by anyone.
    expect(block(state, tx(bob, stake(fresh, ONE_TOKEN)), 4)).toBe('ok')
    expect(state.stakes.get(stakeKey(fresh))!.owner).toEqual(bob.address)
  })

  it('merges two unbondings of one owner released at the same height', () => {
    const state = freshState()
    const view = state.view()
    applyTx(view, tx(bob, unstake(genesisKey, ONE_TOKEN)), ctx(7))
    applyTx(view, tx(bob, unstake(genesisKey, 2n * ONE_TOKEN), 1), ctx(7))
    state.apply(view)
    expect([...state.unbonding.entries()]).toEqual([
      [unbondingKey(7 + UNBONDING, bob.address), 3n * ONE_TOKEN],
    ])
  })

  it('refuses an unstake beyond the stake or of nothing (ERR_STAKE_INSUFFICIENT), or by another account (ERR_STAKE_OWNER)', () => {
    const state = freshState()
    const baseline = toHex(freshState().hash())
    const cases: [string, SignedTx][] = [
      ['ERR_STAKE_INSUFFICIENT', tx(bob, unstake(genesisKey, 20n * ONE_TOKEN + 1n))],
      ['ERR_STAKE_INSUFFICIENT', tx(bob, unstake(fresh, ONE_TOKEN))],
      ['ERR_STAKE_OWNER', tx(alice, unstake(genesisKey, ONE_TOKEN))],
    ]
    for (const [code, signed] of cases) {
      const view = state.view()
      expect(() => executeTxOrThrow(view, signed, ctx(1), false)).toThrow(
        expect.objectContaining({ code }),
      )
      expect(view.stakes.changed || view.unbonding.changed).toBe(false)
      expect(toHex(state.hash(view))).toBe(baseline)
    }
  })

  it('refuses an unstake that would leave no validator (ERR_LAST_VALIDATOR)', () => {
    const state = freshState()
    // Bob's 20 CHR is the only stake of at least 10: leaving 9.99… or nothing is refused.
    expect(block(state, tx(bob, unstake(genesisKey, 20n * ONE_TOKEN)), 1)).toBe(
      'ERR_LAST_VALIDATOR',
    )
    expect(block(state, tx(bob, unstake(genesisKey, 10n * ONE_TOKEN + 1n), 1), 2)).toBe(
      'ERR_LAST_VALIDATOR',
    )
    expect(block(state, tx(bob, unstake(genesisKey, 10n * ONE_TOKEN), 2), 3)).toBe('ok')
    // With another validator in place, bob may leave entirely.
    expect(block(state, tx(alice, stake(fresh, MIN_STAKE)), 4)).toBe('ok')
    expect(block(state, tx(bob, unstake(genesisKey, 10n * ONE_TOKEN), 3), 5)).toBe('ok')
    expect(state.stakes.get(stakeKey(genesisKey))).toBeUndefined()
  })

  it('returns unbonded CHR at the end of its release height, not a block before', () => {
    const state = freshState()
    expect(block(state, tx(bob, unstake(genesisKey, 4n * ONE_TOKEN)), 10)).toBe('ok')
    const held = chr(state, bob)
    const release = 10 + UNBONDING
    for (let h = 11; h < release; h++) {
      const view = state.view()
      endOfBlock(view, h)
      state.apply(view)
      expect(chr(state, bob), `height ${h}`).toBe(held)
    }
    const view = state.view()
    endOfBlock(view, release)
    state.apply(view)
    expect(chr(state, bob)).toBe(held + 4n * ONE_TOKEN)
    expect([...state.unbonding.entries()]).toEqual([])
    expect(chrTotal(state)).toBe(state.supply[TOKEN_ID.CHR])
  })

  it('commits stakes and unbonding to the state hash', () => {
    const a = freshState()
    const b = freshState()
    expect(toHex(a.hash())).toBe(toHex(b.hash()))
    block(b, tx(bob, unstake(genesisKey, ONE_TOKEN)), 1)
    block(a, tx(bob, stake(genesisKey, ONE_TOKEN)), 1)
    const view = freshState().view()
    view.stakes.set(stakeKey(fresh), { owner: alice.address, amount: ONE_TOKEN })
    const hashes = new Set([a, b].map((s) => toHex(s.hash())))
    hashes.add(toHex(freshState().hash(view)))
    hashes.add(toHex(freshState().hash()))
    expect(hashes.size).toBe(4)
  })
})

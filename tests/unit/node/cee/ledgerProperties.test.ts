import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { invariant } from '../../../../src/shared/cee/math'
import { toHex } from '../../../../src/shared/encoding'
import { ONE_TOKEN } from '../../../../src/shared/tokens'
import type { PoolState } from '../../../../src/main/node/cee/poolState'
import { DEVNET_POOL_WEIGHTS } from '../../../../src/main/node/devnet'
import { DEFAULT_STAKING_PARAMS } from '../../../../src/main/node/ledger/staking'
import { LedgerState } from '../../../../src/main/node/ledger/state'
import { applyTx, endOfBlock, type TxContext } from '../../../../src/main/node/ledger/rules'
import { stakeKey } from '../../../../src/main/node/ledger/stakes'
import type { Action, SignedTx } from '../../../../src/main/node/ledger/tx'
import { testSigner } from '../../../helpers/txs'

// The state machine is driven directly: signatures are checked elsewhere (and cost most of the
// time), so these transactions carry an empty one.
const users = [testSigner(), testSigner(), testSigner()]
const proposer = testSigner()
const FEE = ONE_TOKEN / 1000n
const START = 1_000n * ONE_TOKEN
/** Consensus keys to stake on; the first is the genesis validator, staked by the first user. */
const validatorKeys = [testSigner(), testSigner(), testSigner()].map((s) => s.publicKey())
const GENESIS_STAKE = 50n * ONE_TOKEN
const STAKING = { ...DEFAULT_STAKING_PARAMS, unbondingBlocks: 3 }

function genesisState(weights: readonly bigint[]): LedgerState {
  const pool: PoolState = {
    reserves: [10_000n * ONE_TOKEN, 20_000n * ONE_TOKEN, 5_000n * ONE_TOKEN],
    weights: [weights[0]!, weights[1]!, weights[2]!],
    swapFee: (3n * ONE_TOKEN) / 1000n,
    totalShares: 1_000n * ONE_TOKEN,
    priceHistory: [],
  }
  const supply = pool.reserves.map((r) => r + START * BigInt(users.length)) as [
    bigint,
    bigint,
    bigint,
  ]
  supply[0] += GENESIS_STAKE
  const state = new LedgerState(supply, pool)
  users.forEach((u, i) =>
    state.load(toHex(u.address), {
      balances: [START, START, START],
      nonce: 0,
      shares: i === 0 ? pool.totalShares : 0n,
    }),
  )
  state.finishLoading()
  state.loadStaking(
    [[stakeKey(validatorKeys[0]!), { owner: users[0]!.address, amount: GENESIS_STAKE }]],
    [],
  )
  return state
}

const token = fc.integer({ min: 0, max: 2 })
const amount = fc.bigInt({ min: 1n, max: 200n * ONE_TOKEN })
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('transfer' as const),
    to: fc.constantFrom(...users.map((u) => u.address)),
    token,
    amount,
  }),
  fc
    .record({
      kind: fc.constant('swap' as const),
      tokenIn: token,
      tokenOut: token,
      exactOut: fc.boolean(),
      amount,
      limit: fc.oneof(fc.constant(0n), fc.constant(1n << 100n), amount),
      deadline: fc.integer({ min: 0, max: 10_000 }),
    })
    .filter((s) => s.tokenIn !== s.tokenOut),
  fc.record({
    kind: fc.constant('join' as const),
    maxAmounts: fc.tuple(amount, amount, amount).map((t) => [...t]),
    minShares: fc.constant(0n),
  }),
  fc.record({
    kind: fc.constant('joinSingle' as const),
    token,
    amount,
    minShares: fc.constant(0n),
  }),
  fc.record({
    kind: fc.constant('exit' as const),
    shares: fc.bigInt({ min: 1n, max: 100n * ONE_TOKEN }),
    minAmounts: fc.constant([0n, 0n, 0n]).map((a) => [...a]),
  }),
  fc.record({
    kind: fc.constant('exitSingle' as const),
    token,
    shares: fc.bigInt({ min: 1n, max: 100n * ONE_TOKEN }),
    minAmount: fc.constant(0n),
  }),
  fc.record({
    kind: fc.constantFrom('stake' as const, 'unstake' as const),
    validator: fc.constantFrom(...validatorKeys),
    amount,
  }),
)
const stepArb = fc.record({
  user: fc.integer({ min: 0, max: users.length - 1 }),
  action: actionArb,
})
const weightsArb = fc.constantFrom<readonly bigint[]>(
  DEVNET_POOL_WEIGHTS,
  [ONE_TOKEN / 50n, (ONE_TOKEN * 49n) / 100n, (ONE_TOKEN * 49n) / 100n],
  [(ONE_TOKEN * 98n) / 100n, ONE_TOKEN / 100n, ONE_TOKEN / 100n],
)

interface Outcome {
  hash: string
  failures: string[]
}

/** Applies every step (one block each) and checks the invariants after each. */
function run(weights: readonly bigint[], steps: { user: number; action: Action }[]): Outcome {
  const state = genesisState(weights)
  const failures: string[] = []
  steps.forEach(({ user, action }, height) => {
    const signer = users[user]!
    const tx: SignedTx = {
      body: {
        sender: signer.publicKey(),
        nonce: state.account(signer.address).nonce,
        fee: FEE,
        action,
      },
      signature: new Uint8Array(64),
    }
    const ctx: TxContext = {
      params: { minFee: FEE, ...STAKING },
      feeRecipient: proposer.address,
      height,
      clusterId: 'ledger-properties',
    }
    const view = state.view()
    const before = view.pool
    const receipt = applyTx(view, tx, ctx)
    if (receipt.status === 'failed') failures.push(receipt.error.code)
    if (action.kind === 'swap' && receipt.status === 'ok') {
      // V never decreases on a swap (rounding and the fee both favour the pool).
      expect(invariant(view.pool.reserves, view.pool.weights)).toBeGreaterThanOrEqual(
        invariant(before.reserves, before.weights),
      )
    }
    endOfBlock(view, height)
    state.apply(view)
    // Supply of every token conserved (staked and unbonding CHR included), and nothing negative.
    const total = [...state.pool.reserves]
    for (const [, account] of state.entries()) {
      account.balances.forEach((b, t) => {
        expect(b).toBeGreaterThanOrEqual(0n)
        total[t] = total[t]! + b
      })
      expect(account.shares).toBeGreaterThanOrEqual(0n)
    }
    for (const [, record] of state.stakes.entries()) {
      expect(record.amount).toBeGreaterThan(0n)
      total[0] = total[0]! + record.amount
    }
    for (const [, amount] of state.unbonding.entries()) total[0] = total[0]! + amount
    expect(total).toEqual([...state.supply])
    // Unstaking never leaves the cluster without a validator.
    expect([...state.stakes.entries()].some(([, r]) => r.amount >= STAKING.minValidatorStake)).toBe(
      true,
    )
    for (const r of state.pool.reserves) expect(r).toBeGreaterThan(0n)
    let shares = 0n
    for (const [, account] of state.entries()) shares += account.shares
    expect(shares).toBe(state.pool.totalShares)
  })
  return { hash: toHex(state.hash()), failures }
}

describe('the CEE ledger under random sequences', () => {
  it('conserves supply, never goes negative, never lowers V on a swap, and replays identically', () => {
    fc.assert(
      fc.property(
        weightsArb,
        fc.array(stepArb, { minLength: 1, maxLength: 25 }),
        (weights, steps) => {
          const first = run(weights, steps)
          const replay = run(weights, steps)
          expect(replay).toEqual(first)
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it('a swap and its reverse never leave the trader with more than they started with', () => {
    fc.assert(
      fc.property(
        weightsArb,
        token,
        token,
        fc.bigInt({ min: 1_000n, max: 500n * ONE_TOKEN }),
        fc.boolean(),
        (weights, i, o, size, exactOut) => {
          fc.pre(i !== o)
          const state = genesisState(weights)
          const trader = users[1]!
          const start = state.account(trader.address).balances
          const ctx: TxContext = {
            params: { minFee: 0n, ...DEFAULT_STAKING_PARAMS },
            feeRecipient: proposer.address,
            height: 0,
            clusterId: 'ledger-properties',
          }
          const swap = (tokenIn: number, tokenOut: number, amt: bigint, nonce: number): void => {
            const view = state.view()
            const tx: SignedTx = {
              body: {
                sender: trader.publicKey(),
                nonce,
                fee: 0n,
                action: {
                  kind: 'swap',
                  tokenIn,
                  tokenOut,
                  exactOut,
                  amount: amt,
                  limit: exactOut ? 1n << 120n : 0n,
                  deadline: 1,
                },
              },
              signature: new Uint8Array(64),
            }
            applyTx(view, tx, ctx)
            state.apply(view)
          }
          swap(i, o, size, 0)
          const mid = state.account(trader.address).balances
          // Swap back whatever the first leg gave (exact in) or took (exact out).
          const back = exactOut ? start[i]! - mid[i]! : mid[o]! - start[o]!
          if (back > 0n) swap(o, i, back, 1)
          const end = state.account(trader.address).balances
          // Value check: the trader can never end with more of both tokens, nor more of one
          // without less of the other.
          const gainedIn = end[i]! - start[i]!
          const gainedOut = end[o]! - start[o]!
          expect(gainedIn > 0n && gainedOut >= 0n).toBe(false)
          expect(gainedOut > 0n && gainedIn >= 0n).toBe(false)
        },
      ),
      { numRuns: 1_000 },
    )
  })
})

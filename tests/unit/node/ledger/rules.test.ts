import { describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/shared/encoding'
import { ONE_TOKEN, TOKEN_ID } from '../../../../src/shared/tokens'
import { DEFAULT_STAKING_PARAMS } from '../../../../src/main/node/ledger/staking'
import { LedgerState } from '../../../../src/main/node/ledger/state'
import { applyTx, executeTxOrThrow, type TxContext } from '../../../../src/main/node/ledger/rules'
import type { PoolState } from '../../../../src/main/node/cee/poolState'
import { DEVNET_POOL_WEIGHTS } from '../../../../src/main/node/devnet'
import {
  decodeTx,
  encodeTx,
  verifyTxSignature,
  type Action,
  type SignedTx,
} from '../../../../src/main/node/ledger/tx'
import { signedTransfer, testSigner } from '../../../helpers/txs'

const CLUSTER = 'test-cluster'
const FEE = ONE_TOKEN / 1000n
const alice = testSigner()
const bob = testSigner()
const proposer = testSigner()

const POOL: PoolState = {
  reserves: [10n * ONE_TOKEN, 10n * ONE_TOKEN, 10n * ONE_TOKEN],
  weights: [...DEVNET_POOL_WEIGHTS],
  swapFee: 0n,
  totalShares: ONE_TOKEN,
  priceHistory: [],
}

function freshState(): LedgerState {
  const state = new LedgerState([110n * ONE_TOKEN, 110n * ONE_TOKEN, 110n * ONE_TOKEN], POOL)
  state.load(toHex(alice.address), {
    balances: [100n * ONE_TOKEN, 100n * ONE_TOKEN, 100n * ONE_TOKEN],
    nonce: 0,
    shares: 0n,
  })
  state.finishLoading()
  return state
}

const ctx: TxContext = {
  params: { minFee: FEE, ...DEFAULT_STAKING_PARAMS },
  feeRecipient: proposer.address,
  height: 1,
  clusterId: CLUSTER,
}

function transfer(fields: Partial<{ token: number; amount: bigint; nonce: number; fee: bigint }>) {
  return signedTransfer(CLUSTER, alice, {
    to: bob.address,
    token: TOKEN_ID.CHR,
    amount: ONE_TOKEN,
    nonce: 0,
    fee: FEE,
    ...fields,
  })
}

/** Runs the full check of a transaction (signature, then rules) against a fresh state. */
function check(tx: SignedTx): { code: string | null; state: LedgerState; changed: number } {
  const state = freshState()
  const view = state.view()
  try {
    executeTxOrThrow(view, tx, ctx, false)
    return { code: null, state, changed: view.changedEntries().length }
  } catch (err) {
    return { code: (err as { code: string }).code, state, changed: view.changedEntries().length }
  }
}

describe('transfer rules', () => {
  it('moves the amount, charges the fee and the PSY flow fee, and bumps the nonce', () => {
    const state = freshState()
    const view = state.view()
    const tx = transfer({ token: TOKEN_ID.PSY, amount: 5n * ONE_TOKEN })
    verifyTxSignature(CLUSTER, tx)
    expect(applyTx(view, tx, ctx)).toEqual({ status: 'ok' })
    state.apply(view)
    expect(state.account(alice.address)).toEqual({
      balances: [100n * ONE_TOKEN, 95n * ONE_TOKEN - ONE_TOKEN / 20n, 100n * ONE_TOKEN - FEE],
      nonce: 1,
      shares: 0n,
    })
    // The 1 % flow fee of the PSY transfer went into the pool.
    expect(state.pool.reserves[TOKEN_ID.PSY]).toBe(10n * ONE_TOKEN + ONE_TOKEN / 20n)
    expect(state.account(bob.address).balances).toEqual([0n, 5n * ONE_TOKEN, 0n])
    expect(state.account(proposer.address).balances).toEqual([0n, 0n, FEE])
    const total = [...state.pool.reserves]
    for (const s of [alice, bob, proposer]) {
      state.account(s.address).balances.forEach((b, i) => (total[i] = total[i]! + b))
    }
    expect(total).toEqual([...state.supply])
  })

  it('refuses each bad transfer with its own code and changes nothing', () => {
    const baseline = freshState().hash()
    const forged = transfer({})
    const action = forged.body.action as Extract<Action, { kind: 'transfer' }>
    const withAmount = (amount: bigint): SignedTx => ({
      ...forged,
      body: { ...forged.body, action: { ...action, amount } },
    })
    const tampered = withAmount(2n * ONE_TOKEN)
    const cases: [string, SignedTx][] = [
      ['ERR_INSUFFICIENT_BALANCE', transfer({ amount: 101n * ONE_TOKEN })],
      ['ERR_INSUFFICIENT_BALANCE', transfer({ token: TOKEN_ID.FLX, amount: 100n * ONE_TOKEN })],
      ['ERR_BAD_SIGNATURE', tampered],
      ['ERR_BAD_SIGNATURE', { ...forged, signature: bob.sign(new Uint8Array([1])) }],
      ['ERR_BAD_NONCE', transfer({ nonce: 1 })],
      ['ERR_INVALID_AMOUNT', transfer({ amount: 0n })],
      ['ERR_INVALID_AMOUNT', withAmount(-5n)],
      ['ERR_UNKNOWN_TOKEN', transfer({ token: 3 })],
      ['ERR_FEE_TOO_LOW', transfer({ fee: FEE - 1n })],
    ]
    const codes = new Set<string>()
    for (const [expected, tx] of cases) {
      const result = check(tx)
      expect(result.code, expected).toBe(expected)
      expect(result.changed).toBe(0)
      expect(toHex(result.state.hash())).toBe(toHex(baseline))
      codes.add(result.code!)
    }
    expect(codes.size).toBe(6)
  })

  it('signatures do not carry over to another cluster', () => {
    const tx = transfer({})
    expect(() => verifyTxSignature('other-cluster', tx)).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_SIGNATURE' }),
    )
  })

  it('decodes only canonical transactions', () => {
    const bytes = encodeTx(transfer({}))
    expect(encodeTx(decodeTx(bytes))).toEqual(bytes)
    expect(() => decodeTx(new Uint8Array([...bytes, 0]))).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED_TX' }),
    )
    expect(() => decodeTx(bytes.slice(0, bytes.length - 1))).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED_TX' }),
    )
    expect(() => decodeTx(new Uint8Array(5000))).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED_TX' }),
    )
  })

  it('state hash depends on every account and not on insertion order', () => {
    const a = freshState()
    const b = new LedgerState(a.supply, POOL)
    const c = new LedgerState(a.supply, POOL)
    const accounts = [alice, bob, proposer].map((s, i) => ({
      key: toHex(s.address),
      account: { balances: [BigInt(i), 0n, 0n] as const, nonce: i, shares: 0n },
    }))
    for (const x of accounts) b.load(x.key, x.account)
    for (const x of [...accounts].reverse()) c.load(x.key, x.account)
    b.finishLoading()
    c.finishLoading()
    expect(toHex(b.hash())).toBe(toHex(c.hash()))
    expect(toHex(b.hash())).not.toBe(toHex(a.hash()))
  })
})

describe('swap failures inside a block', () => {
  function swap(fields: { limit: bigint; deadline: number }): SignedTx {
    const body = {
      sender: alice.publicKey(),
      nonce: 0,
      fee: FEE,
      action: {
        kind: 'swap' as const,
        tokenIn: TOKEN_ID.FLX,
        tokenOut: TOKEN_ID.CHR,
        exactOut: false,
        amount: ONE_TOKEN,
        ...fields,
      },
    }
    return { body, signature: new Uint8Array(64) }
  }

  for (const [code, fields] of [
    ['ERR_SLIPPAGE', { limit: 2n * ONE_TOKEN, deadline: 10 }],
    ['ERR_DEADLINE', { limit: 0n, deadline: 0 }],
  ] as const) {
    it(`${code}: the action is undone, only the fee is charged and the nonce used`, () => {
      const state = freshState()
      const view = state.view()
      const receipt = applyTx(view, swap(fields), ctx)
      expect(receipt).toMatchObject({ status: 'failed', error: { code } })
      state.apply(view)
      expect(state.account(alice.address)).toEqual({
        balances: [100n * ONE_TOKEN, 100n * ONE_TOKEN, 100n * ONE_TOKEN - FEE],
        nonce: 1,
        shares: 0n,
      })
      expect(state.pool).toEqual(POOL)
      expect(state.account(proposer.address).balances[TOKEN_ID.FLX]).toBe(FEE)
    })
  }
})

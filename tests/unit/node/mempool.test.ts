import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/shared/encoding'
import { ONE_TOKEN, TOKEN_ID } from '../../../src/shared/tokens'
import { DEVNET_POOL_WEIGHTS } from '../../../src/main/node/devnet'
import { DEFAULT_STAKING_PARAMS } from '../../../src/main/node/ledger/staking'
import { LedgerState } from '../../../src/main/node/ledger/state'
import { encodeTx, txHash } from '../../../src/main/node/ledger/tx'
import { Mempool, MEMPOOL_TTL_BLOCKS } from '../../../src/main/node/mempool/mempool'
import { signedTransfer, testSigner } from '../../helpers/txs'

const CLUSTER = 'mempool-test'
const FEE = ONE_TOKEN / 1000n
const alice = testSigner()
const bob = testSigner()

function state(nonce = 0): LedgerState {
  const s = new LedgerState([100n * ONE_TOKEN, 10n * ONE_TOKEN, 20n * ONE_TOKEN], {
    reserves: [10n * ONE_TOKEN, 10n * ONE_TOKEN, 10n * ONE_TOKEN],
    weights: [...DEVNET_POOL_WEIGHTS],
    swapFee: 0n,
    totalShares: ONE_TOKEN,
    priceHistory: [],
  })
  s.load(toHex(alice.address), {
    balances: [90n * ONE_TOKEN, 0n, 10n * ONE_TOKEN],
    nonce,
    shares: 0n,
  })
  s.finishLoading()
  return s
}

const ctx = (height = 1) => ({
  params: { minFee: FEE, ...DEFAULT_STAKING_PARAMS },
  feeRecipient: bob.address,
  height,
  clusterId: CLUSTER,
})

function tx(nonce: number, fee = FEE, amount = ONE_TOKEN) {
  return signedTransfer(CLUSTER, alice, {
    to: bob.address,
    token: TOKEN_ID.CHR,
    amount,
    nonce,
    fee,
  })
}
const hex = (t: ReturnType<typeof tx>) => toHex(txHash(t))

describe('the mempool', () => {
  it('refuses a duplicate, and refuses new senders when full but still takes replacements', () => {
    const pool = new Mempool(CLUSTER, 1)
    const first = tx(0)
    pool.add(encodeTx(first), state(), ctx())
    expect(() => pool.add(encodeTx(first), state(), ctx())).toThrow(
      expect.objectContaining({ code: 'ERR_TX_DUPLICATE' }),
    )
    expect(() => pool.add(encodeTx(tx(1)), state(), ctx())).toThrow(
      expect.objectContaining({ code: 'ERR_MEMPOOL_FULL' }),
    )
    pool.add(encodeTx(tx(0, 2n * FEE)), state(), ctx())
    expect(pool.size).toBe(1)
  })

  it('replaces a pending transaction only for a fee at least 10 % higher', () => {
    const pool = new Mempool(CLUSTER, 10)
    const original = tx(0)
    pool.add(encodeTx(original), state(), ctx())
    const cheap = tx(0, FEE + FEE / 20n, 2n * ONE_TOKEN)
    expect(() => pool.add(encodeTx(cheap), state(), ctx())).toThrow(
      expect.objectContaining({ code: 'ERR_REPLACEMENT_UNDERPRICED' }),
    )
    const better = tx(0, FEE + FEE / 10n, 2n * ONE_TOKEN)
    pool.add(encodeTx(better), state(), ctx())
    expect(pool.pending().map(hex)).toEqual([hex(better)])
    expect(pool.isVerified(hex(original))).toBe(false)
    expect(pool.nextNonce(alice.address, 0)).toBe(1)
  })

  it('drops included, stale and expired transactions after a block', () => {
    const pool = new Mempool(CLUSTER, 10)
    const [a, b, c] = [tx(0), tx(1), tx(5)]
    for (const t of [a, b]) pool.add(encodeTx(t), state(), ctx())
    pool.add(encodeTx(c), state(), ctx(2))
    // a was included; b went stale (the sender's nonce moved past it some other way).
    pool.afterCommit([hex(a)], state(2), 2)
    expect(pool.pending().map(hex)).toEqual([hex(c)])
    pool.afterCommit([], state(2), 1 + MEMPOOL_TTL_BLOCKS - 1)
    expect(pool.size).toBe(1)
    pool.afterCommit([], state(2), 1 + MEMPOOL_TTL_BLOCKS)
    expect(pool.size).toBe(0)
  })
})

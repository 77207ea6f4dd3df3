import { array, decode, encode, fixedArray, i128, struct, u128 } from '../../../shared/encoding'
import type { Balances } from '../../../shared/tokens'

/** How many recent blocks of log prices the fee controller looks at. */
export const FEE_WINDOW = 20

/** Log spot prices (18-decimal fixed point) of CHR and PSY in FLX at the end of one block. */
export type LogPrices = readonly [bigint, bigint]

/** The Coherence Economy Engine's weighted pool: part of ledger state. */
export interface PoolState {
  /** Tokens held by the pool, indexed by TokenId. */
  readonly reserves: Balances
  /** Normalised weights Ψ (18-decimal fixed point, sum exactly 10^18). */
  readonly weights: Balances
  /** Current swap fee (18-decimal fixed point), moved by the fee controller each block. */
  readonly swapFee: bigint
  /** Pool shares in existence. */
  readonly totalShares: bigint
  /** Log prices at the end of the last FEE_WINDOW blocks, oldest first. */
  readonly priceHistory: readonly LogPrices[]
}

const PoolCodec = struct({
  reserves: fixedArray(u128, 3),
  weights: fixedArray(u128, 3),
  swapFee: u128,
  totalShares: u128,
  priceHistory: array(fixedArray(i128, 2), FEE_WINDOW),
})

export function encodePool(pool: PoolState): Uint8Array {
  return encode(PoolCodec, {
    reserves: [...pool.reserves],
    weights: [...pool.weights],
    swapFee: pool.swapFee,
    totalShares: pool.totalShares,
    priceHistory: pool.priceHistory.map((p) => [...p]),
  })
}

export function decodePool(bytes: Uint8Array): PoolState {
  const r = decode(PoolCodec, bytes)
  const triple = (v: bigint[]): Balances => [v[0]!, v[1]!, v[2]!]
  return {
    reserves: triple(r.reserves),
    weights: triple(r.weights),
    swapFee: r.swapFee,
    totalShares: r.totalShares,
    priceHistory: r.priceHistory.map((p) => [p[0]!, p[1]!] as const),
  }
}

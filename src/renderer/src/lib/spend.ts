import { parseAmount } from '../../../shared/amount'
import { ONE_TOKEN } from '../../../shared/tokens'

/** The network fee the UI proposes, in FLX: the devnet's minimum (0.001 FLX). */
export const DEFAULT_FEE_TEXT = '0.001'
export const DEFAULT_FEE = ONE_TOKEN / 1000n

/** A swap stays valid for this many blocks after the current height. */
export const SWAP_DEADLINE_BLOCKS = 20

/** The slippage tolerance proposed by default, in percent. */
export const DEFAULT_SLIPPAGE_TEXT = '0.5'
/** The node refuses quotes with a tolerance above 50 %. */
export const MAX_SLIPPAGE_BPS = 5000
const BPS = 10_000n

/** A positive token amount typed by the person, in base units, or null. */
export function parsePositiveAmount(text: string): bigint | null {
  const units = parseAmount(text)
  return units !== null && units > 0n ? units : null
}

/** "0.5" (percent) → 50 basis points; null unless 0–50 % with at most two decimals. */
export function parseSlippageBps(text: string): number | null {
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!m) return null
  const bps = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return bps <= MAX_SLIPPAGE_BPS ? bps : null
}

/** The least an amount may come to under a slippage tolerance: amount·(1 − tolerance), rounded down. */
export function lessSlippage(amount: bigint, bps: number): bigint {
  return (amount * (BPS - BigInt(bps))) / BPS
}

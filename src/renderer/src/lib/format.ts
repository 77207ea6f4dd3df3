import { formatAmount } from '../../../shared/amount'
import type { HistoryItem } from '../../../shared/ipc/contract'

/** "1234567" → "1,234,567". */
function groupThousands(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** A token amount for display: grouped thousands, at most `decimals` fraction digits. */
export function displayAmount(units: string, decimals = 4): string {
  const [whole = '0', frac = ''] = formatAmount(BigInt(units)).split('.')
  const cut = frac.slice(0, decimals).replace(/0+$/, '')
  return cut ? `${groupThousands(whole)}.${cut}` : groupThousands(whole)
}

/** A token amount to confirm a spend with: grouped thousands and every fraction digit. */
export function exactAmount(units: string): string {
  const [whole = '0', frac = ''] = formatAmount(BigInt(units)).split('.')
  return frac ? `${groupThousands(whole)}.${frac}` : groupThousands(whole)
}

/** An exact amount with its token: "1,234.5 FLX". */
export function tokenAmount(units: string, token: string): string {
  return `${exactAmount(units)} ${token}`
}

/** "3 s ago", "2 min ago": how long before `nowMs` a time was. */
export function ago(timeMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - timeMs) / 1000))
  if (s < 60) return `${s} s ago`
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min ago`
  return `${Math.round(m / 60)} h ago`
}

/** The first and last characters of a long identifier. */
export function shorten(text: string, keep = 10): string {
  return text.length <= 2 * keep + 1 ? text : `${text.slice(0, keep)}…${text.slice(-keep)}`
}

/**
 * An 18-decimal fixed-point fraction as a percentage, rounded half up: 333333333333333334 →
 * "33.33 %". A positive value too small to show is "< 0.01 %", never "0 %".
 */
export function displayPercent(fraction: string, decimals = 2): string {
  const value = BigInt(fraction)
  // 10^18 is 100 %, so one step of 10^-decimals % is 10^(16 - decimals).
  const step = 10n ** BigInt(16 - decimals)
  const steps = (value + step / 2n) / step
  const scale = 10n ** BigInt(decimals)
  if (steps === 0n && value > 0n)
    return `< ${decimals === 0 ? '1' : `0.${'1'.padStart(decimals, '0')}`} %`
  const whole = groupThousands((steps / scale).toString())
  const frac = (steps % scale).toString().padStart(decimals, '0')
  return decimals === 0 ? `${whole} %` : `${whole}.${frac} %`
}

/** Where a transaction stands: "pending", "committed at height N" or "failed: CODE — message". */
export function txStatusText(item: HistoryItem): string {
  switch (item.status) {
    case 'pending':
      return 'pending'
    case 'committed':
      return `committed at height ${item.height ?? '?'}`
    case 'failed':
      return item.error ? `failed: ${item.error.code} — ${item.error.message}` : 'failed'
  }
}

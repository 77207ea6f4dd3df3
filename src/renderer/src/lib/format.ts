import { formatAmount } from '../../../shared/amount'

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

import { DECIMALS } from './tokens'

const SCALE = 10n ** BigInt(DECIMALS)

/** Formats base units as a decimal string with trailing zeros removed: 1500000000000000000n → "1.5". */
export function formatAmount(units: bigint): string {
  const negative = units < 0n
  const abs = negative ? -units : units
  const whole = abs / SCALE
  const frac = (abs % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${frac ? '.' + frac : ''}`
}

/** Parses a decimal string into base units, or returns null if it is not a plain decimal amount. */
export function parseAmount(text: string): bigint | null {
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(text.trim())
  if (!m) return null
  const whole = BigInt(m[1]!)
  const frac = BigInt((m[2] ?? '').padEnd(DECIMALS, '0'))
  return whole * SCALE + frac
}

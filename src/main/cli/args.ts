import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CliError } from './rpcClient'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * Parses flags strictly: an unknown flag, a missing value or a stray argument is a usage error,
 * never ignored.
 */
export function parseFlags<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false })
  } catch (err) {
    throw new CliError('ERR_USAGE', (err as Error).message)
  }
}

/** A whole number within [min, max], or a usage error naming the flag. */
export function intFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value)) throw new CliError('ERR_USAGE', `--${name} must be a whole number`)
  const n = Number(value)
  if (n < min || n > max)
    throw new CliError('ERR_USAGE', `--${name} must be between ${min} and ${max}`)
  return n
}

import type { z } from 'zod'

const MAX_ECHO_CHARS = 40

/** Short printable form of a rejected value; only ever called on non-secret fields. */
function echo(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…` : text
}

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.join('.') || '(root)'
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing field ${where}`
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    const input = issue.input as Record<string, unknown> | undefined
    const value = input?.[issue.discriminator]
    if (value === undefined) return `missing field ${where}`
    const options = 'options' in issue ? (issue.options ?? []) : []
    return `unsupported ${where} ${echo(value)} (supported: ${options.join(', ')})`
  }
  if (issue.code === 'invalid_value') {
    return `unsupported ${where} ${echo(issue.input)} (expected ${issue.values.map(echo).join(' or ')})`
  }
  if (issue.code === 'unrecognized_keys') return `unknown field ${where}.${issue.keys.join(', ')}`
  return `${where}: ${issue.message}`
}

/**
 * One line listing everything wrong, e.g. "missing field crypto.checksum; crypto.cipher.params.iv:
 * expected 16 bytes of hex". Parse with `reportInput: true` so rejected values can be named.
 */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map(describe).join('; ')
}

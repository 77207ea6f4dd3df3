/** Outcome of parsing text that should hold one JSON object. */
export type JsonText =
  { ok: true; value: unknown } | { ok: false; problem: 'truncated' | 'not-json' }

/**
 * Parses JSON and, when that fails, tells a file cut short (empty, or an object whose brackets or
 * strings never close, as a crash mid-write leaves it) from text that is not JSON at all.
 */
export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    // JSON.parse's message quotes the text, which may be a secret pasted by mistake: drop it.
    return { ok: false, problem: isCutShort(text) ? 'truncated' : 'not-json' }
  }
}

function isCutShort(text: string): boolean {
  const trimmed = text.trim()
  if (trimmed === '') return true
  if (!trimmed.startsWith('{')) return false
  let depth = 0
  let inString = false
  let escaped = false
  for (const char of trimmed) {
    if (inString) {
      if (escaped) escaped = false
      else if (char === '\\') escaped = true
      else if (char === '"') inString = false
    } else if (char === '"') inString = true
    else if (char === '{' || char === '[') depth++
    else if (char === '}' || char === ']') depth--
  }
  return inString || depth > 0
}

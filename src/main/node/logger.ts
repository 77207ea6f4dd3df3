/** Structured logging, injected everywhere; the only thing in main that writes output. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
}

type Level = 'debug' | 'info' | 'warn' | 'error'
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** A logger writing one JSON object per line to a stream (stderr by default). */
export function createJsonLogger(
  options: {
    level?: Level
    write?: (line: string) => void
    base?: Record<string, unknown>
  } = {},
): Logger {
  const min = LEVELS[options.level ?? 'info']
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'))
  const base = options.base ?? {}
  const log = (level: Level, msg: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[level] < min) return
    write(
      JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }, (_k, v) =>
        typeof v === 'bigint' ? v.toString() : (v as unknown),
      ),
    )
  }
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (fields) => createJsonLogger({ ...options, base: { ...base, ...fields } }),
  }
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
}

/**
 * Errors that cross a boundary (IPC, RPC, CLI) travel as data: a stable `ERR_*` code and a
 * human-readable message. Inside the code each module throws a `CodedError` with its own code set.
 */
export interface ErrorPayload {
  code: string
  message: string
}

/** An error with a stable machine-readable code. Subclass per module to narrow the code set. */
export class CodedError<Code extends string = string> extends Error {
  readonly code: Code

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message }
  }
}

/** Result of a call across a process or trust boundary. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload }

/** Code used when something that is not a CodedError escapes; its message is not forwarded. */
export const ERR_INTERNAL = 'ERR_INTERNAL'

/** Turns anything thrown into a payload that is safe to send to an untrusted peer. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof CodedError) return err.toPayload()
  return { code: ERR_INTERNAL, message: 'internal error' }
}

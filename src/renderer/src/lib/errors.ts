import { CodedError } from '../../../shared/errors'

/** Codes from main that the UI reacts to; every other code is shown as it comes. */
export const ERR_NODE_NOT_RUNNING = 'ERR_NODE_NOT_RUNNING'
export const ERR_MNEMONIC_MISMATCH = 'ERR_MNEMONIC_MISMATCH'
export const ERR_BAD_PASSWORD = 'ERR_BAD_PASSWORD'
/** Something failed in the page itself (reading a file, the clipboard), not in the node. */
export const ERR_UI = 'ERR_UI'

/** An error as the UI shows it: the message for the person, the stable code for logic and tests. */
export interface UiError {
  readonly code: string
  readonly message: string
}

function isCoded(err: unknown): err is CodedError<string> {
  return err instanceof CodedError
}

/** Coded errors (from main, or from the shared pool math run here) keep their code. */
export function toUiError(err: unknown): UiError {
  if (isCoded(err)) return { code: err.code, message: err.message }
  return { code: ERR_UI, message: err instanceof Error ? err.message : String(err) }
}

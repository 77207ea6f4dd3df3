import { CodedError } from '../../../../shared/errors'

/** Stable codes for everything that can go wrong in a Noise handshake or session. */
export type NoiseErrorCode =
  | 'ERR_NOISE_DECRYPT'
  | 'ERR_NOISE_STATE'
  | 'ERR_NOISE_MESSAGE_TOO_LONG'
  | 'ERR_NOISE_BAD_KEY'
  | 'ERR_NOISE_NONCE_EXHAUSTED'
  | 'ERR_NOISE_IDENTITY'
  | 'ERR_NOISE_UNKNOWN_PEER'
  | 'ERR_NOISE_TIMEOUT'

/** The one error class of the Noise transport; `code` says what went wrong. */
export class NoiseError extends CodedError<NoiseErrorCode> {}

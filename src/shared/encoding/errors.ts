import { CodedError } from '../errors'

/** Stable codes for everything that can go wrong while encoding or decoding canonical bytes. */
export type EncodingErrorCode =
  | 'ERR_ENCODING_RANGE'
  | 'ERR_ENCODING_TRUNCATED'
  | 'ERR_ENCODING_TRAILING_BYTES'
  | 'ERR_ENCODING_TOO_LONG'
  | 'ERR_ENCODING_NON_CANONICAL'
  | 'ERR_ENCODING_BAD_TAG'
  | 'ERR_ENCODING_BAD_HEX'

export class EncodingError extends CodedError<EncodingErrorCode> {}

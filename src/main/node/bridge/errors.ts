import { CodedError } from '../../../shared/errors'

export type LightClientErrorCode =
  /** The client holds evidence of a fork of the remote cluster and accepts nothing more. */
  | 'ERR_LC_FROZEN'
  | 'ERR_LC_WRONG_CLUSTER'
  /** Not the height after the trusted one (nor a conflicting header at the trusted one). */
  | 'ERR_LC_WRONG_HEIGHT'
  | 'ERR_LC_WRONG_PARENT'
  /** A validator set that is not the one the header names or the client trusts. */
  | 'ERR_LC_VALIDATORS_MISMATCH'
  /** The commit is for another block or height, or names a signer twice. */
  | 'ERR_LC_BAD_COMMIT'
  | 'ERR_LC_UNKNOWN_SIGNER'
  | 'ERR_LC_BAD_SIGNATURE'
  /** The signers hold no more than 2/3 of the power. */
  | 'ERR_LC_INSUFFICIENT_POWER'

export class LightClientError extends CodedError<LightClientErrorCode> {}

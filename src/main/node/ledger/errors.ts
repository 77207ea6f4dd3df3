import { CodedError } from '../../../shared/errors'

/** Why a transaction was refused. Each rule has its own code so callers can tell them apart. */
export type LedgerErrorCode =
  | 'ERR_UNKNOWN_TOKEN'
  | 'ERR_INVALID_AMOUNT'
  | 'ERR_FEE_TOO_LOW'
  | 'ERR_BAD_SIGNATURE'
  | 'ERR_BAD_NONCE'
  | 'ERR_INSUFFICIENT_BALANCE'
  | 'ERR_MALFORMED_TX'
  | 'ERR_WRONG_CLUSTER'
  | 'ERR_BAD_GENESIS'
  | 'ERR_STAKE_OWNER'
  | 'ERR_STAKE_INSUFFICIENT'
  | 'ERR_LAST_VALIDATOR'

export class LedgerError extends CodedError<LedgerErrorCode> {}

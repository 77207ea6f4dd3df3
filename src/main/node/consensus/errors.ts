import { CodedError } from '../../../shared/errors'

export type ConsensusErrorCode =
  | 'ERR_DOUBLE_SIGN_REFUSED'
  | 'ERR_BAD_VOTE_SIGNATURE'
  | 'ERR_UNKNOWN_VALIDATOR'
  | 'ERR_BAD_PROPOSAL'
  | 'ERR_INVALID_BLOCK'
  | 'ERR_BAD_COMMIT'

export class ConsensusError extends CodedError<ConsensusErrorCode> {}

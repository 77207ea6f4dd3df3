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

export type BridgeErrorCode =
  /** No open connection to that cluster. */
  | 'ERR_BRIDGE_NOT_CONNECTED'
  | 'ERR_BRIDGE_ALREADY_CONNECTED'
  /** A connection to this cluster itself. */
  | 'ERR_BRIDGE_SELF'
  | 'ERR_BRIDGE_BAD_TERMS'
  /** The sender owns no validator's stake, so cannot approve a connection. */
  | 'ERR_BRIDGE_NOT_VALIDATOR'
  | 'ERR_BRIDGE_ALREADY_APPROVED'
  /** A message proven at a remote height the light client does not trust yet. */
  | 'ERR_BRIDGE_UNKNOWN_HEIGHT'
  /** The proof does not show the message in that height's packet root. */
  | 'ERR_BRIDGE_BAD_PROOF'
  /** A message for another cluster. */
  | 'ERR_BRIDGE_WRONG_DESTINATION'
  /** A packet or ack that was already processed. */
  | 'ERR_BRIDGE_REPLAYED'
  /** A packet after one that has not been received yet. */
  | 'ERR_BRIDGE_OUT_OF_ORDER'
  /** An ack for a packet this cluster never sent. */
  | 'ERR_BRIDGE_UNKNOWN_PACKET'
  /** An ack whose packet hash or outcome does not match the packet sent. */
  | 'ERR_BRIDGE_ACK_MISMATCH'
  /** A send whose timeout height the destination has already reached. */
  | 'ERR_BRIDGE_TIMEOUT_PASSED'

export class BridgeError extends CodedError<BridgeErrorCode> {}

import { CodedError } from '../../shared/errors'

/**
 * Stable codes of the key management module. Messages name what is wrong but never contain a
 * password, a mnemonic or any other secret.
 */
export type KeysErrorCode =
  /** A password does not open a keystore (EIP-2335 checksum mismatch). */
  | 'ERR_BAD_PASSWORD'
  /** A new password is empty once control characters are stripped. */
  | 'ERR_EMPTY_PASSWORD'
  /** A keystore file does not exist. */
  | 'ERR_KEYSTORE_NOT_FOUND'
  /** A keystore is not JSON at all. */
  | 'ERR_KEYSTORE_NOT_JSON'
  /** A keystore is empty or ends in the middle of its JSON. */
  | 'ERR_KEYSTORE_TRUNCATED'
  /** A keystore is JSON but a field is missing, malformed or unsupported. */
  | 'ERR_KEYSTORE_INVALID'
  /** A mnemonic has an unknown word, a wrong word count or a wrong checksum. */
  | 'ERR_BAD_MNEMONIC'
  /** A derivation path is malformed or asks for non-hardened derivation. */
  | 'ERR_BAD_PATH'
  /** A byte argument has the wrong type or length. */
  | 'ERR_BAD_BYTES'
  /** The operation needs the wallet unlocked. */
  | 'ERR_WALLET_LOCKED'
  /** A wallet already exists in the directory. */
  | 'ERR_WALLET_EXISTS'
  /** No wallet exists in the directory. */
  | 'ERR_NO_WALLET'
  /** The wallet index is unreadable or disagrees with the keys it describes. */
  | 'ERR_WALLET_CORRUPT'
  /** No account or key with that purpose and index. */
  | 'ERR_UNKNOWN_ACCOUNT'
  /** An imported key is already in the wallet. */
  | 'ERR_ACCOUNT_EXISTS'
  /** An account label is too long. */
  | 'ERR_BAD_LABEL'

/** The error thrown by everything under src/main/keys. */
export class KeysError extends CodedError<KeysErrorCode> {}

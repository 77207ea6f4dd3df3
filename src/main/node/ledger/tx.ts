import { ADDRESS_LENGTH } from '../../../shared/address'
import {
  bool,
  decode,
  encode,
  fixedArray,
  fixedBytes,
  optional,
  str,
  struct,
  taggedUnion,
  u128,
  u8,
  uint,
  type Infer,
} from '../../../shared/encoding'
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, ed25519Verify, sha256 } from '../crypto'
import { signBytes, SIGN_DOMAIN } from '../chain/domain'
import {
  CommitCodec,
  HeaderCodec,
  MAX_CLUSTER_ID_BYTES,
  MAX_RELAY_TX_BYTES,
  MAX_TX_BYTES,
} from '../chain/block'

export { MAX_RELAY_TX_BYTES, MAX_TX_BYTES }
import { ConnectTermsCodec } from '../bridge/bridgeState'
import { MembersCodec } from '../bridge/lightClientState'
import { BridgeMessageCodec, MessageProofCodec } from '../bridge/packet'
import { LedgerError } from './errors'

const Address = fixedBytes(ADDRESS_LENGTH)

const Amounts = fixedArray(u128, 3)

/** The actions a transaction can carry; one per transaction. */
export const ActionCodec = taggedUnion({
  transfer: struct({ to: Address, token: u8, amount: u128 }),
  /**
   * A swap through the CEE pool. With `exactOut` false, `amount` is paid in and at least `limit`
   * must come out; with `exactOut` true, `amount` comes out and at most `limit` may be paid in.
   * After block `deadline` it fails (and costs only the fee).
   */
  swap: struct({
    tokenIn: u8,
    tokenOut: u8,
    exactOut: bool,
    amount: u128,
    limit: u128,
    deadline: uint,
  }),
  /** Proportional join: at most `maxAmounts` in, at least `minShares` out. */
  join: struct({ maxAmounts: Amounts, minShares: u128 }),
  /** Single-token join. */
  joinSingle: struct({ token: u8, amount: u128, minShares: u128 }),
  /** Proportional exit: `shares` in, at least `minAmounts` out. */
  exit: struct({ shares: u128, minAmounts: Amounts }),
  /** Single-token exit. */
  exitSingle: struct({ token: u8, shares: u128, minAmount: u128 }),
  /** Bonds `amount` CHR to the validator with this Ed25519 consensus key: its voting power. */
  stake: struct({ validator: fixedBytes(PUBLIC_KEY_LENGTH), amount: u128 }),
  /** Starts returning `amount` CHR bonded to `validator`; it arrives after the unbonding period. */
  unstake: struct({ validator: fixedBytes(PUBLIC_KEY_LENGTH), amount: u128 }),
  /**
   * A validator owner's approval of a connection to another cluster on these terms; it opens
   * once owners of more than 2/3 of the staked power approved the same terms.
   */
  bridgeConnect: ConnectTermsCodec,
  /** A relayed header of a connected cluster for its light client. */
  bridgeUpdate: struct({
    header: HeaderCodec,
    commit: CommitCodec,
    lastCommit: optional(CommitCodec),
    nextValidators: optional(MembersCodec),
  }),
  /** Sends tokens to `recipient` on a connected cluster; they wait in escrow until acknowledged. */
  bridgeSend: struct({
    cluster: str(MAX_CLUSTER_ID_BYTES),
    recipient: Address,
    token: u8,
    amount: u128,
    /** The destination's height from which the transfer is refused there and refunded here. */
    timeoutHeight: uint,
  }),
  /** A relayed packet or ack from a connected cluster, proven against its header at `height`. */
  bridgeDeliver: struct({ height: uint, message: BridgeMessageCodec, proof: MessageProofCodec }),
})
export type Action = Infer<typeof ActionCodec>

export const TxBodyCodec = struct({
  sender: fixedBytes(PUBLIC_KEY_LENGTH),
  nonce: uint,
  fee: u128,
  action: ActionCodec,
})
export type TxBody = Infer<typeof TxBodyCodec>

export const SignedTxCodec = struct({
  body: TxBodyCodec,
  signature: fixedBytes(SIGNATURE_LENGTH),
})
export type SignedTx = Infer<typeof SignedTxCodec>

/** The bytes a sender signs: domain tag, cluster id and the body, so no replay across roles or clusters. */
export function txSignBytes(clusterId: string, body: TxBody): Uint8Array {
  return signBytes(SIGN_DOMAIN.tx, clusterId, encode(TxBodyCodec, body))
}

export function encodeTx(tx: SignedTx): Uint8Array {
  return encode(SignedTxCodec, tx)
}

/**
 * Decodes a signed transaction, refusing oversized or non-canonical bytes with ERR_MALFORMED_TX.
 * Only a light-client update or a connection approval may exceed MAX_TX_BYTES.
 */
export function decodeTx(bytes: Uint8Array): SignedTx {
  if (bytes.length > MAX_RELAY_TX_BYTES) throw oversized(bytes.length, MAX_RELAY_TX_BYTES)
  let tx: SignedTx
  try {
    tx = decode(SignedTxCodec, bytes)
  } catch (err) {
    throw new LedgerError('ERR_MALFORMED_TX', `malformed transaction: ${(err as Error).message}`)
  }
  const kind = tx.body.action.kind
  if (bytes.length > MAX_TX_BYTES && kind !== 'bridgeUpdate' && kind !== 'bridgeConnect') {
    throw oversized(bytes.length, MAX_TX_BYTES)
  }
  return tx
}

function oversized(length: number, limit: number): LedgerError {
  return new LedgerError('ERR_MALFORMED_TX', `transaction of ${length} bytes > ${limit}`)
}

/** The id of a transaction: SHA-256 of its canonical signed encoding. */
export function txHash(tx: SignedTx): Uint8Array {
  return sha256(encodeTx(tx))
}

/** Checks the sender's signature over the body; throws ERR_BAD_SIGNATURE. */
export function verifyTxSignature(clusterId: string, tx: SignedTx): void {
  if (!ed25519Verify(tx.body.sender, txSignBytes(clusterId, tx.body), tx.signature)) {
    throw new LedgerError('ERR_BAD_SIGNATURE', 'transaction signature does not verify')
  }
}

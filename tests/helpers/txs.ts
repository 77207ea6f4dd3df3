import { randomBytes } from 'node:crypto'
import { Ed25519Signer, type Signer } from '../../src/main/keys/signer'
import { addressOf } from '../../src/main/node/crypto'
import {
  encodeTx,
  txSignBytes,
  type Action,
  type SignedTx,
  type TxBody,
} from '../../src/main/node/ledger/tx'

/** A fresh random key for tests. */
export function testSigner(): Signer & { address: Uint8Array } {
  const signer = new Ed25519Signer(new Uint8Array(randomBytes(32)))
  return Object.assign(signer, { address: addressOf(signer.publicKey()) })
}

/** A transaction carrying `action`, signed by `signer` for `clusterId`. */
export function signedAction(
  clusterId: string,
  signer: Signer,
  fields: { action: Action; nonce: number; fee: bigint },
): SignedTx {
  const body: TxBody = { sender: signer.publicKey(), ...fields }
  return { body, signature: signer.sign(txSignBytes(clusterId, body)) }
}

/** A transfer signed by `signer` for `clusterId`. */
export function signedTransfer(
  clusterId: string,
  signer: Signer,
  fields: { to: Uint8Array; token: number; amount: bigint; nonce: number; fee: bigint },
): SignedTx {
  const { to, token, amount, nonce, fee } = fields
  return signedAction(clusterId, signer, {
    action: { kind: 'transfer', to, token, amount },
    nonce,
    fee,
  })
}

export function txHex(tx: SignedTx): string {
  return Buffer.from(encodeTx(tx)).toString('hex')
}

import { CodedError } from '../../../shared/errors'
import { bytesEqual, toHex } from '../../../shared/encoding'
import { addressOf } from '../crypto'
import { LedgerError } from '../ledger/errors'
import type { LedgerState } from '../ledger/state'
import { checkTxFields, executeTxOrThrow, type TxContext } from '../ledger/rules'
import { decodeTx, txHash, verifyTxSignature, type SignedTx } from '../ledger/tx'

export type MempoolErrorCode = 'ERR_MEMPOOL_FULL' | 'ERR_TX_DUPLICATE' | 'ERR_NONCE_TOO_FAR'
export class MempoolError extends CodedError<MempoolErrorCode> {}

/** How far ahead of an account's nonce a pending transaction may be. */
const MAX_NONCE_GAP = 64

interface Entry {
  readonly tx: SignedTx
  readonly hashHex: string
}

/**
 * Transactions waiting for a block. Each is checked on entry (decoding, signature, and that it
 * would apply now or after the sender's earlier pending transactions); signatures are verified
 * once here, and the hashes of verified transactions are remembered so block validation can skip
 * them.
 */
export class Mempool {
  private readonly entries = new Map<string, Entry>()
  private readonly verified = new Set<string>()

  constructor(
    private readonly clusterId: string,
    private readonly maxSize: number,
  ) {}

  get size(): number {
    return this.entries.size
  }

  /** Validates and adds a transaction; returns its hash (hex). */
  add(bytes: Uint8Array, state: LedgerState, ctx: TxContext & { clusterId: string }): string {
    const tx = decodeTx(bytes)
    const hashHex = toHex(txHash(tx))
    if (this.entries.has(hashHex))
      throw new MempoolError('ERR_TX_DUPLICATE', 'transaction already pending')
    if (this.entries.size >= this.maxSize)
      throw new MempoolError('ERR_MEMPOOL_FULL', 'mempool is full')
    checkTxFields(tx, ctx.params)
    if (!this.verified.has(hashHex)) verifyTxSignature(this.clusterId, tx)
    const sender = addressOf(tx.body.sender)
    const expected = state.account(sender).nonce
    if (tx.body.nonce < expected) {
      throw new LedgerError(
        'ERR_BAD_NONCE',
        `nonce ${tx.body.nonce} already used (next is ${expected})`,
      )
    }
    if (tx.body.nonce >= expected + MAX_NONCE_GAP) {
      throw new MempoolError(
        'ERR_NONCE_TOO_FAR',
        `nonce ${tx.body.nonce} is too far ahead of ${expected}`,
      )
    }
    if (tx.body.nonce === expected) {
      // The sender's next transaction must apply, action included, so a person learns at once
      // that it would fail; later nonces are checked when a block is built.
      executeTxOrThrow(state.view(), tx, ctx, true)
    }
    this.verified.add(hashHex)
    this.entries.set(hashHex, { tx, hashHex })
    return hashHex
  }

  /** Whether a transaction's signature was verified on entry. */
  isVerified(hashHex: string): boolean {
    return this.verified.has(hashHex)
  }

  /** The nonce a new transaction of `sender` should carry, after its pending ones. */
  nextNonce(sender: Uint8Array, stateNonce: number): number {
    let next = stateNonce
    for (const e of this.entries.values()) {
      if (e.tx.body.nonce >= next && bytesEqual(addressOf(e.tx.body.sender), sender)) {
        next = e.tx.body.nonce + 1
      }
    }
    return next
  }

  /** Pending transactions in arrival order. */
  pending(): SignedTx[] {
    return [...this.entries.values()].map((e) => e.tx)
  }

  /** Drops included transactions and those their senders' new nonces made stale. */
  afterCommit(includedHashes: readonly string[], state: LedgerState): void {
    for (const h of includedHashes) {
      this.entries.delete(h)
      this.verified.delete(h)
    }
    for (const [h, e] of this.entries) {
      if (e.tx.body.nonce < state.account(addressOf(e.tx.body.sender)).nonce) {
        this.entries.delete(h)
        this.verified.delete(h)
      }
    }
  }

  /** Removes a transaction that can no longer apply. */
  evict(hashHex: string): void {
    this.entries.delete(hashHex)
    this.verified.delete(hashHex)
  }
}

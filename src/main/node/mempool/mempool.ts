import { CodedError } from '../../../shared/errors'
import { bytesEqual, toHex } from '../../../shared/encoding'
import { addressOf } from '../crypto'
import { LedgerError } from '../ledger/errors'
import type { LedgerState } from '../ledger/state'
import { checkTxFields, executeTxOrThrow, type TxContext } from '../ledger/rules'
import { decodeTx, txHash, verifyTxSignature, type SignedTx } from '../ledger/tx'

export type MempoolErrorCode =
  'ERR_MEMPOOL_FULL' | 'ERR_TX_DUPLICATE' | 'ERR_NONCE_TOO_FAR' | 'ERR_REPLACEMENT_UNDERPRICED'
export class MempoolError extends CodedError<MempoolErrorCode> {}

/** How far ahead of an account's nonce a pending transaction may be. */
const MAX_NONCE_GAP = 64
/**
 * A pending transaction is dropped after this many blocks without inclusion (e.g. its nonce gap
 * never closed), so the pool cannot fill with transactions that will never apply.
 */
export const MEMPOOL_TTL_BLOCKS = 600
/** A replacement (same sender and nonce) must raise the fee by this many percent at least. */
export const REPLACEMENT_FEE_BUMP_PERCENT = 10n

interface Entry {
  readonly tx: SignedTx
  readonly hashHex: string
  /** The chain's height when it entered; it expires MEMPOOL_TTL_BLOCKS later. */
  readonly addedAt: number
}

function slotOf(tx: SignedTx): string {
  return `${toHex(tx.body.sender)}/${tx.body.nonce}`
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
  /** Pending transaction (hash) of each sender and nonce: one per slot. */
  private readonly slots = new Map<string, string>()

  constructor(
    private readonly clusterId: string,
    private readonly maxSize: number,
  ) {}

  get size(): number {
    return this.entries.size
  }

  /**
   * Validates and adds a transaction; returns its hash (hex). One with the sender and nonce of a
   * pending one replaces it when it pays at least REPLACEMENT_FEE_BUMP_PERCENT more fee.
   */
  add(bytes: Uint8Array, state: LedgerState, ctx: TxContext & { clusterId: string }): string {
    const tx = decodeTx(bytes)
    const hashHex = toHex(txHash(tx))
    if (this.entries.has(hashHex))
      throw new MempoolError('ERR_TX_DUPLICATE', 'transaction already pending')
    const replaced = this.slots.get(slotOf(tx))
    const previous = replaced === undefined ? undefined : this.entries.get(replaced)
    if (previous) {
      const minimum =
        previous.tx.body.fee + (previous.tx.body.fee * REPLACEMENT_FEE_BUMP_PERCENT) / 100n
      if (tx.body.fee < minimum || tx.body.fee === previous.tx.body.fee) {
        throw new MempoolError(
          'ERR_REPLACEMENT_UNDERPRICED',
          `a transaction with nonce ${tx.body.nonce} is pending; a replacement must pay a fee of at least ${minimum}`,
        )
      }
    } else if (this.entries.size >= this.maxSize) {
      throw new MempoolError('ERR_MEMPOOL_FULL', 'mempool is full')
    }
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
    if (previous) this.evict(previous.hashHex)
    this.verified.add(hashHex)
    this.entries.set(hashHex, { tx, hashHex, addedAt: ctx.height - 1 })
    this.slots.set(slotOf(tx), hashHex)
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

  /**
   * After block `height`: drops included transactions, those their senders' new nonces made
   * stale, and those pending for MEMPOOL_TTL_BLOCKS.
   */
  afterCommit(includedHashes: readonly string[], state: LedgerState, height: number): void {
    for (const h of includedHashes) this.evict(h)
    for (const [h, e] of this.entries) {
      const stale = e.tx.body.nonce < state.account(addressOf(e.tx.body.sender)).nonce
      if (stale || height - e.addedAt >= MEMPOOL_TTL_BLOCKS) this.evict(h)
    }
  }

  /** Removes a transaction that can no longer apply. */
  evict(hashHex: string): void {
    const entry = this.entries.get(hashHex)
    if (entry && this.slots.get(slotOf(entry.tx)) === hashHex) this.slots.delete(slotOf(entry.tx))
    this.entries.delete(hashHex)
    this.verified.delete(hashHex)
  }
}

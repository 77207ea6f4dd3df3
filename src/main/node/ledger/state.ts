import { encode, fixedArray, fromHex, toHex, u128 } from '../../../shared/encoding'
import type { Balances } from '../../../shared/tokens'
import { sha256 } from '../crypto'
import { encodePool, type PoolState } from '../cee/poolState'
import { EMPTY_ACCOUNT, encodeAccount, type Account } from './account'
import { bridgeDigest } from '../bridge/bridgeState'
import { stakingDigest, type StakeRecord } from './stakes'
import { mergeSorted, SortedTable, TableView } from './table'

/** Reads of ledger state, as seen by the rules. */
export interface StateReader {
  account(address: Uint8Array): Account
  readonly supply: Balances
  readonly pool: PoolState
}

/**
 * The committed ledger: every account, the stakes and the unbonding queue, kept in memory and
 * mirrored in the store. Alongside each account it keeps the hash of its leaf, so a block only
 * re-hashes what it touched.
 */
export class LedgerState implements StateReader {
  private readonly accounts = new Map<string, Account>()
  private readonly leafHashes = new Map<string, Uint8Array>()
  /** Account keys (hex) in byte order: the order the state hash commits to. */
  private sortedKeys: string[] = []
  /** Stake records by validator consensus key (see stakes.ts). */
  readonly stakes = new SortedTable<StakeRecord>()
  /** Unbonding amounts by release height and owner (see stakes.ts). */
  readonly unbonding = new SortedTable<bigint>()
  /** The bridge's rows: connections, escrowed and queued packets (see bridge/bridgeState.ts). */
  readonly bridge = new SortedTable<Uint8Array>()
  /** The staking part of the state hash; recomputed only after staking changed. */
  private stakingHash: Uint8Array | null = null
  /** The bridge part of the state hash; recomputed only after the bridge changed. */
  private bridgeHash: Uint8Array | null = null

  constructor(
    public supply: Balances,
    public pool: PoolState,
  ) {}

  account(address: Uint8Array): Account {
    return this.accounts.get(toHex(address)) ?? EMPTY_ACCOUNT
  }

  accountByKey(key: string): Account | undefined {
    return this.accounts.get(key)
  }

  get size(): number {
    return this.accounts.size
  }

  /** A writable view over this state; nothing changes here until `apply`. */
  view(): StateView {
    return new StateView(this)
  }

  /** Accounts in canonical (address byte) order. */
  *entries(): IterableIterator<[Uint8Array, Account]> {
    for (const key of this.sortedKeys) yield [fromHex(key), this.accounts.get(key)!]
  }

  /** Writes a view's changes into the committed state. */
  apply(view: StateView): void {
    const newKeys: string[] = []
    const hashes = view.changedHashes()
    for (const [key, account] of view.changedEntries()) {
      if (!this.accounts.has(key)) newKeys.push(key)
      this.accounts.set(key, account)
      this.leafHashes.set(key, hashes.get(key)!)
    }
    if (newKeys.length > 0) this.sortedKeys = mergeSorted(this.sortedKeys, newKeys.sort())
    this.supply = view.supply
    this.pool = view.pool
    if (view.stakes.changed || view.unbonding.changed) {
      this.stakes.apply(view.stakes.changedEntries())
      this.unbonding.apply(view.unbonding.changedEntries())
      this.stakingHash = null
    }
    if (view.bridge.changed) {
      this.bridge.apply(view.bridge.changedEntries())
      this.bridgeHash = null
    }
  }

  /** Loads one stored account (at startup). Call `finishLoading` after the last one. */
  load(key: string, account: Account): void {
    this.accounts.set(key, account)
    this.leafHashes.set(key, leafHash(key, account))
  }

  finishLoading(): void {
    this.sortedKeys = [...this.accounts.keys()].sort()
  }

  /** Loads the stored stakes and unbonding entries (at startup, and at genesis). */
  loadStaking(
    stakes: Iterable<[string, StakeRecord]>,
    unbonding: Iterable<[string, bigint]>,
  ): void {
    for (const [key, record] of stakes) this.stakes.load(key, record)
    for (const [key, amount] of unbonding) this.unbonding.load(key, amount)
    this.stakes.finishLoading()
    this.unbonding.finishLoading()
    this.stakingHash = null
  }

  /** Loads the stored bridge rows (at startup). */
  loadBridge(rows: Iterable<[string, Uint8Array]>): void {
    for (const [key, row] of rows) this.bridge.load(key, row)
    this.bridge.finishLoading()
    this.bridgeHash = null
  }

  /** The state hash of this state as changed by `view` (or of this state alone). */
  hash(view?: StateView): Uint8Array {
    const changed = view ? view.changedHashes() : new Map<string, Uint8Array>()
    const newKeys = [...changed.keys()].filter((k) => !this.accounts.has(k)).sort()
    const keys = newKeys.length > 0 ? mergeSorted(this.sortedKeys, newKeys) : this.sortedKeys
    const supply = view ? view.supply : this.supply
    const pool = view ? view.pool : this.pool
    const staking =
      view && (view.stakes.changed || view.unbonding.changed)
        ? stakingDigest(view.stakes.entries(), view.unbonding.entries())
        : (this.stakingHash ??= stakingDigest(this.stakes.entries(), this.unbonding.entries()))
    const bridge =
      view && view.bridge.changed
        ? bridgeDigest(view.bridge.entries())
        : (this.bridgeHash ??= bridgeDigest(this.bridge.entries()))
    const parts: Uint8Array[] = [supplyLeaf(supply), sha256(encodePool(pool)), staking, bridge]
    for (const key of keys) parts.push(changed.get(key) ?? this.leafHashes.get(key)!)
    return sha256(...parts)
  }
}

/**
 * Copy-on-write changes over a LedgerState, for executing a block or checking a transaction.
 * A fork is a view over another view: it holds only its own changes, so forking per transaction
 * costs nothing however many changes the block already made.
 */
export class StateView implements StateReader {
  private readonly changes = new Map<string, Account>()
  private hashes: Map<string, Uint8Array> | null = null
  supply: Balances
  pool: PoolState
  readonly stakes: TableView<StakeRecord>
  readonly unbonding: TableView<bigint>
  readonly bridge: TableView<Uint8Array>
  /** Bridge messages emitted in this view itself (not its parent's); see `messages`. */
  private readonly outbox: Uint8Array[] = []

  constructor(
    private readonly base: LedgerState,
    private readonly parent: StateView | null = null,
  ) {
    this.supply = parent ? parent.supply : base.supply
    this.pool = parent ? parent.pool : base.pool
    this.stakes = parent ? parent.stakes.fork() : new TableView(base.stakes)
    this.unbonding = parent ? parent.unbonding.fork() : new TableView(base.unbonding)
    this.bridge = parent ? parent.bridge.fork() : new TableView(base.bridge)
  }

  /** Emits a bridge message (an encoded packet or ack) from this block. */
  emit(message: Uint8Array): void {
    this.outbox.push(message)
  }

  /** The block's bridge messages so far, in execution order: the leaves of its packet root. */
  messages(): Uint8Array[] {
    return this.parent ? [...this.parent.messages(), ...this.outbox] : [...this.outbox]
  }

  account(address: Uint8Array): Account {
    return this.accountByKey(toHex(address))
  }

  private accountByKey(key: string): Account {
    return (
      this.changes.get(key) ??
      (this.parent ? this.parent.accountByKey(key) : this.base.accountByKey(key)) ??
      EMPTY_ACCOUNT
    )
  }

  setAccount(address: Uint8Array, account: Account): void {
    this.hashes = null
    this.changes.set(toHex(address), account)
  }

  /** A nested view: its changes land here only when `merge` is called (all-or-nothing actions). */
  fork(): StateView {
    return new StateView(this.base, this)
  }

  /** Takes over the changes of a fork of this view. */
  merge(child: StateView): void {
    if (child.parent !== this) throw new Error('merge only a fork of this view')
    this.hashes = null
    for (const [k, v] of child.changes) this.changes.set(k, v)
    this.supply = child.supply
    this.pool = child.pool
    this.stakes.merge(child.stakes)
    this.unbonding.merge(child.unbonding)
    this.bridge.merge(child.bridge)
    this.outbox.push(...child.outbox)
  }

  /** Changed accounts in address order (the order they are written to the store). */
  changedEntries(): [string, Account][] {
    return [...this.changes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  }

  /** Leaf hashes of the changed accounts; computed once (state hash, then commit). */
  changedHashes(): Map<string, Uint8Array> {
    if (this.hashes) return this.hashes
    const out = new Map<string, Uint8Array>()
    for (const [k, v] of this.changes) out.set(k, leafHash(k, v))
    this.hashes = out
    return out
  }
}

function leafHash(key: string, account: Account): Uint8Array {
  return sha256(fromHex(key), encodeAccount(account))
}

const SupplyCodec = fixedArray(u128, 3)

function supplyLeaf(supply: Balances): Uint8Array {
  return sha256(encode(SupplyCodec, [...supply]))
}

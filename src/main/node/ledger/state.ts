import { array, encode, fromHex, toHex, u128 } from '../../../shared/encoding'
import type { Balances } from '../../../shared/tokens'
import { sha256 } from '../crypto'
import { EMPTY_ACCOUNT, encodeAccount, type Account } from './account'

/** Reads and writes of ledger state, as seen by the rules. */
export interface StateReader {
  account(address: Uint8Array): Account
  readonly supply: Balances
}

/**
 * The committed ledger: every account, kept in memory and mirrored in the store. Alongside each
 * account it keeps the hash of its leaf, so a block only re-hashes what it touched.
 */
export class LedgerState implements StateReader {
  private readonly accounts = new Map<string, Account>()
  private readonly leafHashes = new Map<string, Uint8Array>()
  /** Account keys (hex) in byte order: the order the state hash commits to. */
  private sortedKeys: string[] = []

  constructor(public supply: Balances) {}

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
    for (const [key, account] of view.changedEntries()) {
      if (!this.accounts.has(key)) newKeys.push(key)
      this.accounts.set(key, account)
      this.leafHashes.set(key, leafHash(key, account))
    }
    if (newKeys.length > 0) this.sortedKeys = mergeSorted(this.sortedKeys, newKeys.sort())
    this.supply = view.supply
  }

  /** Loads one stored account (at startup). Call `finishLoading` after the last one. */
  load(key: string, account: Account): void {
    this.accounts.set(key, account)
    this.leafHashes.set(key, leafHash(key, account))
  }

  finishLoading(): void {
    this.sortedKeys = [...this.accounts.keys()].sort()
  }

  /** The state hash of this state as changed by `view` (or of this state alone). */
  hash(view?: StateView): Uint8Array {
    const changed = view ? view.changedHashes() : new Map<string, Uint8Array>()
    const newKeys = [...changed.keys()].filter((k) => !this.accounts.has(k)).sort()
    const keys = newKeys.length > 0 ? mergeSorted(this.sortedKeys, newKeys) : this.sortedKeys
    const supply = view ? view.supply : this.supply
    const parts: Uint8Array[] = [supplyLeaf(supply)]
    for (const key of keys) parts.push(changed.get(key) ?? this.leafHashes.get(key)!)
    return sha256(...parts)
  }
}

/** Copy-on-write changes over a LedgerState, for executing a block or checking a transaction. */
export class StateView implements StateReader {
  private readonly changes = new Map<string, Account>()
  supply: Balances

  constructor(private readonly base: LedgerState) {
    this.supply = base.supply
  }

  account(address: Uint8Array): Account {
    const key = toHex(address)
    return this.changes.get(key) ?? this.base.accountByKey(key) ?? EMPTY_ACCOUNT
  }

  setAccount(address: Uint8Array, account: Account): void {
    this.changes.set(toHex(address), account)
  }

  /** A nested view: its changes land here only when `merge` is called (all-or-nothing actions). */
  fork(): StateView {
    const child = new StateView(this.base)
    for (const [k, v] of this.changes) child.changes.set(k, v)
    child.supply = this.supply
    return child
  }

  merge(child: StateView): void {
    for (const [k, v] of child.changes) this.changes.set(k, v)
    this.supply = child.supply
  }

  /** Changed accounts in address order (the order they are written to the store). */
  changedEntries(): [string, Account][] {
    return [...this.changes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  }

  changedHashes(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>()
    for (const [k, v] of this.changes) out.set(k, leafHash(k, v))
    return out
  }
}

function leafHash(key: string, account: Account): Uint8Array {
  return sha256(fromHex(key), encodeAccount(account))
}

const SupplyCodec = array(u128, 3)

function supplyLeaf(supply: Balances): Uint8Array {
  return sha256(encode(SupplyCodec, [...supply]))
}

function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) out.push(a[i]! < b[j]! ? a[i++]! : b[j++]!)
  while (i < a.length) out.push(a[i++]!)
  while (j < b.length) out.push(b[j++]!)
  return out
}

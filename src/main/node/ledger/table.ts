/**
 * A committed key-value table of ledger state. Keys are the hex of the stored key bytes, kept in
 * byte order: the order the state hash commits to and the store writes in.
 */
export class SortedTable<V> {
  private readonly rows = new Map<string, V>()
  private keys: string[] = []

  get(key: string): V | undefined {
    return this.rows.get(key)
  }

  get size(): number {
    return this.rows.size
  }

  /** Rows in key order. */
  *entries(): IterableIterator<[string, V]> {
    for (const key of this.keys) yield [key, this.rows.get(key)!]
  }

  /** Writes a view's changes; a null value deletes the row. */
  apply(changes: readonly [string, V | null][]): void {
    const added: string[] = []
    let removed = false
    for (const [key, value] of changes) {
      if (value === null) {
        removed = this.rows.delete(key) || removed
        continue
      }
      if (!this.rows.has(key)) added.push(key)
      this.rows.set(key, value)
    }
    if (removed) this.keys = this.keys.filter((k) => this.rows.has(k))
    if (added.length > 0) this.keys = mergeSorted(this.keys, added.sort())
  }

  /** Loads one stored row (at startup). Call `finishLoading` after the last one. */
  load(key: string, value: V): void {
    this.rows.set(key, value)
  }

  finishLoading(): void {
    this.keys = [...this.rows.keys()].sort()
  }
}

/**
 * Copy-on-write changes over a SortedTable. Like StateView for accounts, a fork holds only its own
 * changes and lands in its parent only on `merge`, so an action can fail half-way harmlessly.
 */
export class TableView<V> {
  private readonly changes = new Map<string, V | null>()

  constructor(
    private readonly base: SortedTable<V>,
    private readonly parent: TableView<V> | null = null,
  ) {}

  get(key: string): V | undefined {
    const changed = this.changes.get(key)
    if (changed !== undefined) return changed ?? undefined
    return this.parent ? this.parent.get(key) : this.base.get(key)
  }

  /** Sets a row; null deletes it. */
  set(key: string, value: V | null): void {
    this.changes.set(key, value)
  }

  fork(): TableView<V> {
    return new TableView(this.base, this)
  }

  /** Takes over the changes of a fork of this view. */
  merge(child: TableView<V>): void {
    if (child.parent !== this) throw new Error('merge only a fork of this view')
    for (const [k, v] of child.changes) this.changes.set(k, v)
  }

  /** Whether this view or a view it forked from changed anything. */
  get changed(): boolean {
    return this.changes.size > 0 || (this.parent?.changed ?? false)
  }

  /** This view's own changes in key order (null: deleted); what a block writes to the store. */
  changedEntries(): [string, V | null][] {
    return [...this.changes.entries()].sort((a, b) => compareKeys(a[0], b[0]))
  }

  /** Every row as this view sees it, in key order; lazy, so a caller may stop early. */
  *entries(): IterableIterator<[string, V]> {
    const changes = this.allChanges()
    const changed = [...changes.entries()].sort((a, b) => compareKeys(a[0], b[0]))
    let j = 0
    for (const [key, value] of this.base.entries()) {
      while (j < changed.length && changed[j]![0] < key) {
        const [k, v] = changed[j++]!
        if (v !== null) yield [k, v]
      }
      if (!changes.has(key)) yield [key, value]
    }
    for (; j < changed.length; j++) {
      const [k, v] = changed[j]!
      if (v !== null) yield [k, v]
    }
  }

  /** The changes of this view over its base, its ancestors' included. */
  private allChanges(): Map<string, V | null> {
    const all = this.parent ? this.parent.allChanges() : new Map<string, V | null>()
    for (const [k, v] of this.changes) all.set(k, v)
    return all
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Merges two sorted key lists into one. */
export function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) out.push(a[i]! < b[j]! ? a[i++]! : b[j++]!)
  while (i < a.length) out.push(a[i++]!)
  while (j < b.length) out.push(b[j++]!)
  return out
}

import { ClassicLevel } from 'classic-level'
import { CodedError } from '../../../shared/errors'
import {
  array,
  bytes,
  concatBytes,
  decode,
  encode,
  fixedBytes,
  fromHex,
  i128,
  optional,
  str,
  struct,
  u128,
  u32,
  uint,
} from '../../../shared/encoding'
import { decodePool, encodePool, type PoolState } from '../cee/poolState'
import { decodeAccount, encodeAccount, type Account } from '../ledger/account'
import {
  decodeStake,
  decodeUnbondingAmount,
  encodeStake,
  encodeUnbondingAmount,
  type StakeRecord,
} from '../ledger/stakes'
import type { LedgerState } from '../ledger/state'
import {
  CommitCodec,
  decodeBlock,
  encodeBlock,
  MAX_TX_BYTES,
  MAX_TXS_PER_BLOCK,
  MAX_VALIDATORS,
  type Block,
  type Commit,
} from '../chain/block'
import type { Member } from '../chain/validators'
import { decodeTransfer, encodeTransfer, type TransferRecord } from '../bridge/transferLog'
import { HASH_LENGTH, PUBLIC_KEY_LENGTH } from '../crypto'

export type StoreErrorCode = 'ERR_DATA_DIR_LOCKED' | 'ERR_STORE_OPEN' | 'ERR_STORE_CORRUPT'
export class StoreError extends CodedError<StoreErrorCode> {}

// One-byte key prefixes: each kind of record in its own key range.
const PREFIX = {
  meta: 0x01,
  block: 0x02,
  commit: 0x03,
  account: 0x04,
  priorities: 0x05,
  signGuard: 0x06,
  /** Outcome and place of each transaction, by hash. */
  receipt: 0x07,
  /** Per-account index of transactions: address ‖ height ‖ position → hash. */
  history: 0x08,
  /** The pool's value and share supply after each block (for value per share and the CAF). */
  poolValue: 0x09,
  /** Stake records: validator public key → owner and amount. */
  stake: 0x0a,
  /** Unbonding entries: release height ‖ owner → amount. */
  unbonding: 0x0b,
  /** Each validator set by the height it starts at: members and their priorities there. */
  validatorSet: 0x0c,
  /** The bridge's state rows (bridge/bridgeState.ts), by their table key. */
  bridge: 0x0d,
  /** The bridge messages each block emitted (the leaves of its packet root), for relayers. */
  bridgeMessages: 0x0e,
  /** The cross-cluster transfers this chain sent or received (bridge/transferLog.ts). */
  bridgeTransfer: 0x0f,
} as const

const MessagesCodec = array(bytes(MAX_TX_BYTES), MAX_TXS_PER_BLOCK * 2)

const META_LATEST = concatBytes(new Uint8Array([PREFIX.meta]), new TextEncoder().encode('latest'))
const META_GENESIS = concatBytes(new Uint8Array([PREFIX.meta]), new TextEncoder().encode('genesis'))
const SIGN_GUARD_KEY = new Uint8Array([PREFIX.signGuard])
const META_POOL = concatBytes(new Uint8Array([PREFIX.meta]), new TextEncoder().encode('pool'))

const ReceiptCodec = struct({
  height: uint,
  index: u32,
  failure: optional(struct({ code: str(64), message: str(1024) })),
})
/** Where a transaction landed and whether its action succeeded. */
export type TxReceiptRecord = ReturnType<typeof ReceiptCodec.read>

const PoolValueCodec = struct({ time: uint, value: u128, totalShares: u128 })
/** The pool's value V and share supply S after one block, at that block's time. */
export type PoolValueRecord = ReturnType<typeof PoolValueCodec.read> & { height: number }

const LatestCodec = struct({ height: uint, hash: fixedBytes(HASH_LENGTH) })
const PrioritiesCodec = array(i128, 10_000)
const ValidatorSetCodec = struct({
  validators: array(
    struct({ publicKey: fixedBytes(PUBLIC_KEY_LENGTH), power: u128 }),
    MAX_VALIDATORS,
  ),
  priorities: array(i128, MAX_VALIDATORS),
})
/** A validator set as stored: its members and their proposer priorities at `start`. */
export type StoredValidatorSet = ReturnType<typeof ValidatorSetCodec.read> & { start: number }

function key(prefix: number, body: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([prefix]), body)
}

function historyKey(address: Uint8Array, height: number, index: number): Uint8Array {
  const k = new Uint8Array(1 + address.length + 12)
  k[0] = PREFIX.history
  k.set(address, 1)
  const view = new DataView(k.buffer)
  view.setBigUint64(1 + address.length, BigInt(height))
  view.setUint32(1 + address.length + 8, index)
  return k
}

function heightKey(prefix: number, height: number): Uint8Array {
  const k = new Uint8Array(9)
  k[0] = prefix
  new DataView(k.buffer).setBigUint64(1, BigInt(height))
  return k
}

/** Everything one committed block changes, written in one atomic batch. */
export interface BlockWrite {
  readonly block: Block
  readonly blockHash: Uint8Array
  /** The commit certificate this node saw for the block. */
  readonly commit: Commit
  readonly accounts: readonly [string, Account][]
  readonly pool: PoolState
  /** The pool's invariant after the block. */
  readonly poolValue: bigint
  /** Changed stake records and unbonding entries by table key; null deletes. */
  readonly stakes: readonly [string, StakeRecord | null][]
  readonly unbonding: readonly [string, bigint | null][]
  /** Changed bridge rows by table key; null deletes. */
  readonly bridge: readonly [string, Uint8Array | null][]
  /** The bridge messages the block emitted, in packet-root order. */
  readonly bridgeMessages: readonly Uint8Array[]
  /** Transfer records the block created or completed, by key. */
  readonly transfers: readonly [string, TransferRecord][]
  /** Per transaction, in block order: hash, the accounts whose history shows it, its failure. */
  readonly txs: readonly {
    hash: Uint8Array
    parties: readonly Uint8Array[]
    failure: { code: string; message: string } | null
  }[]
  /**
   * The validator set of height + 2 (the one this block's state decides): its proposer priorities
   * for round 0, and its members when they differ from the set of height + 1.
   */
  readonly upcomingValidators: {
    readonly priorities: readonly bigint[]
    readonly members: readonly Member[] | null
  }
}

/**
 * The node's embedded database (LevelDB via classic-level). LevelDB's own lock file doubles as the
 * lock on the data directory: a second node on the same directory fails to open it.
 */
export class ChainStore {
  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>) {}

  static async open(path: string): Promise<ChainStore> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(path, {
      keyEncoding: 'view',
      valueEncoding: 'view',
    })
    try {
      await db.open()
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new StoreError(
          'ERR_DATA_DIR_LOCKED',
          `data directory is in use by another node (${path})`,
        )
      }
      throw new StoreError('ERR_STORE_OPEN', `cannot open the database at ${path}`, { cause: err })
    }
    return new ChainStore(db)
  }

  async close(): Promise<void> {
    await this.db.close()
  }

  private async getRaw(k: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(k)
  }

  async genesisHash(): Promise<Uint8Array | undefined> {
    return this.getRaw(META_GENESIS)
  }

  /** Writes the genesis hash, accounts, stakes and pool in one batch, before block 1. */
  async initGenesis(
    hash: Uint8Array,
    accounts: readonly [string, Account][],
    stakes: readonly [string, StakeRecord][],
    pool: PoolState,
  ): Promise<void> {
    const batch = this.db.batch()
    batch.put(META_POOL, encodePool(pool))
    for (const [addressHex, account] of accounts) {
      batch.put(key(PREFIX.account, fromHex(addressHex)), encodeAccount(account))
    }
    for (const [keyHex, record] of stakes) {
      batch.put(key(PREFIX.stake, fromHex(keyHex)), encodeStake(record))
    }
    batch.put(META_GENESIS, hash)
    await batch.write({ sync: true })
  }

  async latest(): Promise<{ height: number; hash: Uint8Array } | null> {
    const raw = await this.getRaw(META_LATEST)
    return raw === undefined ? null : decode(LatestCodec, raw)
  }

  async block(height: number): Promise<Block | null> {
    const raw = await this.getRaw(heightKey(PREFIX.block, height))
    return raw === undefined ? null : decodeBlock(raw)
  }

  /** The commit certificate this node holds for block `height`. */
  async commit(height: number): Promise<Commit | null> {
    const raw = await this.getRaw(heightKey(PREFIX.commit, height))
    return raw === undefined ? null : decode(CommitCodec, raw)
  }

  /** Proposer priorities for round 0 of `height`, kept from the block two heights before. */
  async priorities(height: number): Promise<bigint[] | null> {
    const raw = await this.getRaw(heightKey(PREFIX.priorities, height))
    if (raw === undefined) return null
    return decode(PrioritiesCodec, raw)
  }

  /** Loads every account into `state` (at startup). */
  async loadAccounts(state: LedgerState): Promise<void> {
    for await (const [k, v] of this.prefixed(PREFIX.account)) state.load(k, decodeAccount(v))
    state.finishLoading()
  }

  /** Loads every stake record and unbonding entry into `state` (at startup). */
  async loadStaking(state: LedgerState): Promise<void> {
    const stakes: [string, StakeRecord][] = []
    for await (const [k, v] of this.prefixed(PREFIX.stake)) stakes.push([k, decodeStake(v)])
    const unbonding: [string, bigint][] = []
    for await (const [k, v] of this.prefixed(PREFIX.unbonding)) {
      unbonding.push([k, decodeUnbondingAmount(v)])
    }
    state.loadStaking(stakes, unbonding)
  }

  /** Loads every bridge row into `state` (at startup). */
  async loadBridge(state: LedgerState): Promise<void> {
    const rows: [string, Uint8Array][] = []
    for await (const row of this.prefixed(PREFIX.bridge)) rows.push(row)
    state.loadBridge(rows)
  }

  /** The bridge messages block `height` emitted; none for a block without. */
  async bridgeMessages(height: number): Promise<Uint8Array[]> {
    const raw = await this.getRaw(heightKey(PREFIX.bridgeMessages, height))
    return raw ? decode(MessagesCodec, raw) : []
  }

  async transfer(keyHex: string): Promise<TransferRecord | undefined> {
    const raw = await this.getRaw(key(PREFIX.bridgeTransfer, fromHex(keyHex)))
    return raw && decodeTransfer(raw)
  }

  /** Every transfer record in key order (direction, cluster, sequence). */
  async transfers(): Promise<TransferRecord[]> {
    const out: TransferRecord[] = []
    for await (const [, v] of this.prefixed(PREFIX.bridgeTransfer)) out.push(decodeTransfer(v))
    return out
  }

  /** Every validator set after the genesis one, by the height it starts at, oldest first. */
  async validatorSets(): Promise<StoredValidatorSet[]> {
    const out: StoredValidatorSet[] = []
    for await (const [k, v] of this.prefixed(PREFIX.validatorSet)) {
      out.push({ start: Number.parseInt(k, 16), ...decode(ValidatorSetCodec, v) })
    }
    return out
  }

  /** The records under one prefix in key order, each key (without the prefix) in hex. */
  private async *prefixed(prefix: number): AsyncGenerator<[string, Uint8Array]> {
    const range = { gte: new Uint8Array([prefix]), lt: new Uint8Array([prefix + 1]) }
    for await (const [k, v] of this.db.iterator(range)) {
      yield [Buffer.from(k.subarray(1)).toString('hex'), v]
    }
  }

  /** Writes a committed block and all its effects atomically, synced to disk. */
  async commitBlock(write: BlockWrite): Promise<void> {
    const height = write.block.header.height
    const batch = this.db.batch()
    batch.put(heightKey(PREFIX.block, height), encodeBlock(write.block))
    batch.put(heightKey(PREFIX.commit, height), encode(CommitCodec, write.commit))
    const upcoming = write.upcomingValidators
    batch.put(
      heightKey(PREFIX.priorities, height + 2),
      encode(PrioritiesCodec, [...upcoming.priorities]),
    )
    if (upcoming.members) {
      batch.put(
        heightKey(PREFIX.validatorSet, height + 2),
        encode(ValidatorSetCodec, {
          validators: upcoming.members.map((m) => ({ publicKey: m.publicKey, power: m.power })),
          priorities: [...upcoming.priorities],
        }),
      )
    }
    for (const [addressHex, account] of write.accounts) {
      batch.put(key(PREFIX.account, fromHex(addressHex)), encodeAccount(account))
    }
    for (const [keyHex, record] of write.stakes) {
      const k = key(PREFIX.stake, fromHex(keyHex))
      if (record) batch.put(k, encodeStake(record))
      else batch.del(k)
    }
    for (const [keyHex, amount] of write.unbonding) {
      const k = key(PREFIX.unbonding, fromHex(keyHex))
      if (amount !== null) batch.put(k, encodeUnbondingAmount(amount))
      else batch.del(k)
    }
    for (const [keyHex, row] of write.bridge) {
      const k = key(PREFIX.bridge, fromHex(keyHex))
      if (row) batch.put(k, row)
      else batch.del(k)
    }
    for (const [keyHex, record] of write.transfers) {
      batch.put(key(PREFIX.bridgeTransfer, fromHex(keyHex)), encodeTransfer(record))
    }
    if (write.bridgeMessages.length > 0) {
      batch.put(
        heightKey(PREFIX.bridgeMessages, height),
        encode(MessagesCodec, [...write.bridgeMessages]),
      )
    }
    batch.put(META_POOL, encodePool(write.pool))
    batch.put(
      heightKey(PREFIX.poolValue, height),
      encode(PoolValueCodec, {
        time: write.block.header.time,
        value: write.poolValue,
        totalShares: write.pool.totalShares,
      }),
    )
    write.txs.forEach((tx, index) => {
      batch.put(
        key(PREFIX.receipt, tx.hash),
        encode(ReceiptCodec, { height, index, failure: tx.failure }),
      )
      for (const party of tx.parties) batch.put(historyKey(party, height, index), tx.hash)
    })
    batch.put(META_LATEST, encode(LatestCodec, { height, hash: write.blockHash }))
    await batch.write({ sync: true })
  }

  /** Replaces the commit certificate kept for a block (a fuller one arrived later). */
  async putCommit(commit: Commit): Promise<void> {
    await this.db.put(heightKey(PREFIX.commit, commit.height), encode(CommitCodec, commit))
  }

  async pool(): Promise<PoolState | undefined> {
    const raw = await this.getRaw(META_POOL)
    return raw === undefined ? undefined : decodePool(raw)
  }

  async receipt(hash: Uint8Array): Promise<TxReceiptRecord | undefined> {
    const raw = await this.getRaw(key(PREFIX.receipt, hash))
    return raw === undefined ? undefined : decode(ReceiptCodec, raw)
  }

  /** Hashes of an account's transactions, newest first. */
  async history(address: Uint8Array, limit: number): Promise<Uint8Array[]> {
    const prefix = key(PREFIX.history, address)
    const out: Uint8Array[] = []
    for await (const value of this.db.values({
      gte: prefix,
      lt: concatBytes(prefix, new Uint8Array(12).fill(0xff), new Uint8Array([0xff])),
      reverse: true,
      limit,
    })) {
      out.push(value)
    }
    return out
  }

  /** The pool's value records from `fromHeight` on, oldest first. */
  async poolValues(fromHeight: number, limit: number): Promise<PoolValueRecord[]> {
    const out: PoolValueRecord[] = []
    for await (const [k, v] of this.db.iterator({
      gte: heightKey(PREFIX.poolValue, fromHeight),
      lt: new Uint8Array([PREFIX.poolValue + 1]),
      limit,
    })) {
      const height = Number(new DataView(k.buffer, k.byteOffset, k.byteLength).getBigUint64(1))
      out.push({ height, ...decode(PoolValueCodec, v) })
    }
    return out
  }

  async signGuard(): Promise<Uint8Array | undefined> {
    return this.getRaw(SIGN_GUARD_KEY)
  }

  /** Persists the double-sign guard; synced, because it must survive a crash right after. */
  async putSignGuard(value: Uint8Array): Promise<void> {
    await this.db.put(SIGN_GUARD_KEY, value, { sync: true })
  }
}

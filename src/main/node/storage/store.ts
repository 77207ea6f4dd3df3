import { ClassicLevel } from 'classic-level'
import { CodedError } from '../../../shared/errors'
import {
  array,
  concatBytes,
  decode,
  encode,
  fixedBytes,
  fromHex,
  i128,
  struct,
  uint,
} from '../../../shared/encoding'
import { decodeAccount, encodeAccount, type Account } from '../ledger/account'
import type { LedgerState } from '../ledger/state'
import { CommitCodec, decodeBlock, encodeBlock, type Block, type Commit } from '../chain/block'
import { HASH_LENGTH } from '../crypto'

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
} as const

const META_LATEST = concatBytes(new Uint8Array([PREFIX.meta]), new TextEncoder().encode('latest'))
const META_GENESIS = concatBytes(new Uint8Array([PREFIX.meta]), new TextEncoder().encode('genesis'))
const SIGN_GUARD_KEY = new Uint8Array([PREFIX.signGuard])

const LatestCodec = struct({ height: uint, hash: fixedBytes(HASH_LENGTH) })
const PrioritiesCodec = array(i128, 10_000)

function key(prefix: number, body: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([prefix]), body)
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
  /** Proposer priorities for round 0 of the next height. */
  readonly nextPriorities: readonly bigint[]
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

  /** Writes the genesis hash and the genesis accounts in one batch, before block 1. */
  async initGenesis(hash: Uint8Array, accounts: readonly [string, Account][]): Promise<void> {
    const batch = this.db.batch()
    for (const [addressHex, account] of accounts) {
      batch.put(key(PREFIX.account, fromHex(addressHex)), encodeAccount(account))
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

  async priorities(height: number): Promise<bigint[] | null> {
    const raw = await this.getRaw(heightKey(PREFIX.priorities, height))
    if (raw === undefined) return null
    return decode(PrioritiesCodec, raw)
  }

  /** Loads every account into `state` (at startup). */
  async loadAccounts(state: LedgerState): Promise<void> {
    const gte = new Uint8Array([PREFIX.account])
    const lt = new Uint8Array([PREFIX.account + 1])
    for await (const [k, v] of this.db.iterator({ gte, lt })) {
      state.load(Buffer.from(k.subarray(1)).toString('hex'), decodeAccount(v))
    }
    state.finishLoading()
  }

  /** Writes a committed block and all its effects atomically, synced to disk. */
  async commitBlock(write: BlockWrite): Promise<void> {
    const height = write.block.header.height
    const batch = this.db.batch()
    batch.put(heightKey(PREFIX.block, height), encodeBlock(write.block))
    batch.put(heightKey(PREFIX.commit, height), encode(CommitCodec, write.commit))
    batch.put(
      heightKey(PREFIX.priorities, height + 1),
      encode(PrioritiesCodec, [...write.nextPriorities]),
    )
    for (const [addressHex, account] of write.accounts) {
      batch.put(key(PREFIX.account, fromHex(addressHex)), encodeAccount(account))
    }
    batch.put(META_LATEST, encode(LatestCodec, { height, hash: write.blockHash }))
    await batch.write({ sync: true })
  }

  /** Replaces the commit certificate kept for a block (a fuller one arrived later). */
  async putCommit(commit: Commit): Promise<void> {
    await this.db.put(heightKey(PREFIX.commit, commit.height), encode(CommitCodec, commit))
  }

  async signGuard(): Promise<Uint8Array | undefined> {
    return this.getRaw(SIGN_GUARD_KEY)
  }

  /** Persists the double-sign guard; synced, because it must survive a crash right after. */
  async putSignGuard(value: Uint8Array): Promise<void> {
    await this.db.put(SIGN_GUARD_KEY, value, { sync: true })
  }
}

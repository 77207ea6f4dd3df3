import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { join } from 'node:path'
import { ensurePrivateDir } from '../files/atomicFile'
import { assertBytes, wipe } from './bytes'
import { ed25519PrivateKey, ed25519Sign, publicKeyOf } from './ed25519'
import { KeysError } from './errors'
import { IdleTimer, SYSTEM_CLOCK } from './idleTimer'
import type { Clock } from './idleTimer'
import { DEFAULT_KDF, assertNewPassword, createKdfModule, deriveDecryptionKey } from './kdf'
import type { KdfParams } from './kdf'
import { decryptKeystore, decryptKeystoreWithKey, encryptKeystore } from './keystore'
import type { KeystoreMeta } from './keystore'
import { readKeystoreFile } from './keystoreFile'
import { parseKeystoreText, serializeKeystore } from './keystoreSchema'
import type { KdfModule, Keystore } from './keystoreSchema'
import {
  generateMnemonic,
  mnemonicFromEntropy,
  mnemonicToEntropy,
  mnemonicToSeed,
} from './mnemonic'
import { CONSENSUS_KEY_PATH, IDENTITY_KEY_PATH, keyPath } from './paths'
import type { KeyPurpose } from './paths'
import { Ed25519Signer } from './signer'
import type { Signer } from './signer'
import { derivePath } from './slip10'
import { commitWalletIndex, writeSecretFile } from './walletFiles'
import type { SecretKind, WalletKey } from './walletFiles'
import { MAX_LABEL_LENGTH, readWalletIndex, walletIndexExists } from './walletIndex'
import type { AccountRecord, WalletIndex } from './walletIndex'

/** Idle time after which an unlocked wallet locks itself, unless configured otherwise. */
export const DEFAULT_IDLE_LOCK_MS = 5 * 60 * 1000

/** How a wallet encrypts, and when it locks. */
export interface WalletOptions {
  /** KDF cost for keystores the wallet writes; EIP-2335's scrypt n=2^18 by default. */
  kdf?: KdfParams
  /** Lock after this long without activity; Infinity never locks on its own. */
  idleLockMs?: number
  /** Time source for idle locking. */
  clock?: Clock
  /** Called whenever an unlocked wallet locks (explicitly or after idle time). */
  onLock?: () => void
}

/** What a new wallet is made from. */
export interface CreateWalletParams {
  /** Encrypts everything at rest. */
  password: string
  /** 12 to 24 English words to restore from; a new 24-word phrase is generated if omitted. */
  mnemonic?: string
  /** Optional BIP39 passphrase; it is not stored, and revealMnemonic cannot show it. */
  passphrase?: string
}

/** Public description of one account. */
export interface AccountInfo {
  index: number
  label: string
  /** Derivation path; for an imported key, whatever path its keystore named ("" if none). */
  path: string
  /** Raw Ed25519 public key, hex. */
  publicKey: string
  kind: 'derived' | 'imported'
}

/** Purposes whose keys the node holds on to while the wallet is locked. */
export type NodeKeyPurpose = Exclude<KeyPurpose, 'account'>

/** Secrets held while unlocked; every array is zeroed on lock. */
interface Session extends WalletKey {
  seed: Uint8Array
  /** Private keys of imported accounts, by account index. */
  imported: Map<number, Uint8Array>
}

const SEED_META = { path: 'm', description: 'Coherence wallet BIP39 seed' }
const MNEMONIC_META = { description: 'Coherence wallet BIP39 mnemonic entropy' }
const ACCOUNT_DESCRIPTION = 'Coherence account key'

/** Options with defaults applied, checked before anything touches the disk. */
function resolveOptions(options: WalletOptions): Required<WalletOptions> {
  const idleLockMs = options.idleLockMs ?? DEFAULT_IDLE_LOCK_MS
  if (!(idleLockMs > 0)) throw new RangeError('idleLockMs must be positive or Infinity')
  return {
    kdf: options.kdf ?? DEFAULT_KDF,
    idleLockMs,
    clock: options.clock ?? SYSTEM_CLOCK,
    onLock: options.onLock ?? (() => {}),
  }
}

function derivePrivateKey(seed: Uint8Array, path: string): Uint8Array {
  const node = derivePath(seed, path)
  wipe(node.chainCode)
  return node.privateKey
}

function derivePublicKeyHex(seed: Uint8Array, path: string): string {
  const privateKey = derivePrivateKey(seed, path)
  try {
    return bytesToHex(publicKeyOf(privateKey))
  } finally {
    wipe(privateKey)
  }
}

function checkLabel(label: string): string {
  if (label.length > MAX_LABEL_LENGTH) {
    throw new KeysError('ERR_BAD_LABEL', `label is longer than ${MAX_LABEL_LENGTH} characters`)
  }
  return label
}

function derivedAccount(seed: Uint8Array, index: number, label?: string): AccountRecord {
  const path = keyPath('account', index)
  const publicKey = derivePublicKeyHex(seed, path)
  return { kind: 'derived', index, label: checkLabel(label ?? `Account ${index}`), path, publicKey }
}

function nextAccountIndex(accounts: readonly AccountRecord[]): number {
  return accounts.reduce((next, account) => Math.max(next, account.index + 1), 0)
}

function toInfo({ index, label, path, publicKey, kind }: AccountRecord): AccountInfo {
  return { index, label, path, publicKey, kind }
}

function sameKdf(a: KdfModule, b: KdfModule): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function wipeSession(session: Session): void {
  wipe(session.seed, session.decryptionKey, ...session.imported.values())
  session.imported.clear()
}

/**
 * An HD wallet in one directory: a BIP39 seed and the mnemonic's entropy, each in an EIP-2335
 * keystore, imported keys in keystores of their own, and `wallet.json`, a plain index of public
 * keys that names the current keystore files. All keystores of a wallet share one kdf module, so
 * unlocking runs the slow KDF once. Private keys exist in memory only while unlocked, are derived
 * per signature and zeroed afterwards; locking (explicit or after idle time) zeroes the rest.
 */
export class Wallet {
  /** Directory holding the wallet. */
  readonly dir: string
  #index: WalletIndex
  #session: Session | null = null
  readonly #kdfParams: KdfParams
  readonly #clock: Clock
  readonly #onLock: () => void
  #idle: IdleTimer
  #queue: Promise<void> = Promise.resolve()

  private constructor(dir: string, index: WalletIndex, options: Required<WalletOptions>) {
    this.dir = dir
    this.#index = index
    this.#kdfParams = options.kdf
    this.#clock = options.clock
    this.#onLock = options.onLock
    this.#idle = new IdleTimer(options.clock, options.idleLockMs, () => this.lock())
  }

  /** Changes the idle time after which the wallet locks itself (Infinity: never). */
  setIdleLockMs(idleLockMs: number): void {
    if (!(idleLockMs > 0)) throw new RangeError('idleLockMs must be positive or Infinity')
    this.#idle.stop()
    this.#idle = new IdleTimer(this.#clock, idleLockMs, () => this.lock())
    if (this.#session) this.#idle.start()
  }

  /** Checks a password without changing anything (a person's confirmation of a spend). */
  async verifyPassword(password: string): Promise<void> {
    await this.#exclusive(async () => wipeSession(await this.#openSession(password)))
  }

  /** True if `dir` holds a wallet. */
  static async exists(dir: string): Promise<boolean> {
    return walletIndexExists(dir)
  }

  /**
   * Creates a wallet with account 0 and returns it unlocked. ERR_WALLET_EXISTS if `dir` has one,
   * ERR_BAD_MNEMONIC for an invalid phrase, ERR_EMPTY_PASSWORD for an empty password.
   */
  static async create(
    dir: string,
    params: CreateWalletParams,
    options: WalletOptions = {},
  ): Promise<Wallet> {
    const resolved = resolveOptions(options)
    if (await walletIndexExists(dir)) {
      throw new KeysError('ERR_WALLET_EXISTS', `a wallet already exists in ${dir}`)
    }
    assertNewPassword(params.password)
    const mnemonic = params.mnemonic ?? generateMnemonic()
    const entropy = mnemonicToEntropy(mnemonic)
    const kdf = createKdfModule(resolved.kdf)
    const session: Session = {
      seed: new Uint8Array(0),
      imported: new Map(),
      decryptionKey: new Uint8Array(0),
      kdf,
    }
    try {
      session.seed = await mnemonicToSeed(mnemonic, params.passphrase ?? '')
      session.decryptionKey = await deriveDecryptionKey(params.password, kdf)
      const { seed } = session
      await ensurePrivateDir(dir)
      const index: WalletIndex = {
        version: 1,
        seed: await writeSecretFile(dir, 'seed', seed, session, SEED_META),
        mnemonic: await writeSecretFile(dir, 'mnemonic', entropy, session, MNEMONIC_META),
        consensusPublicKey: derivePublicKeyHex(seed, CONSENSUS_KEY_PATH),
        identityPublicKey: derivePublicKeyHex(seed, IDENTITY_KEY_PATH),
        accounts: [derivedAccount(seed, 0)],
      }
      await commitWalletIndex(dir, index)
      const wallet = new Wallet(dir, index, resolved)
      wallet.#begin(session)
      return wallet
    } catch (error) {
      wipeSession(session)
      throw error
    } finally {
      wipe(entropy)
    }
  }

  /** Opens the wallet in `dir`, locked. ERR_NO_WALLET if there is none. */
  static async open(dir: string, options: WalletOptions = {}): Promise<Wallet> {
    const resolved = resolveOptions(options)
    return new Wallet(dir, await readWalletIndex(dir), resolved)
  }

  /** True unless unlocked and active within the idle time. */
  get isLocked(): boolean {
    this.#lockIfIdle()
    return this.#session === null
  }

  /**
   * Decrypts the keys and keeps them until lock. ERR_BAD_PASSWORD on a wrong password (the files
   * are only read), ERR_WALLET_CORRUPT if a key disagrees with the index.
   */
  async unlock(password: string): Promise<void> {
    await this.#exclusive(async () => {
      const session = await this.#openSession(password)
      this.#end()
      this.#begin(session)
    })
  }

  /** Zeroes every key held in memory. Signers from detachedSigner keep working. */
  lock(): void {
    const wasUnlocked = this.#session !== null
    this.#end()
    if (wasUnlocked) this.#onLock()
  }

  /** Public information about every account; works while locked. */
  listAccounts(): AccountInfo[] {
    return this.#index.accounts.map(toInfo)
  }

  /**
   * Raw public key for a purpose and index; works while locked. Consensus and identity have one
   * key each, index 0. ERR_UNKNOWN_ACCOUNT otherwise.
   */
  publicKey(purpose: KeyPurpose, index: number): Uint8Array {
    return hexToBytes(this.#resolve(purpose, index).publicKey)
  }

  /**
   * Raw public key at any hardened SLIP-0010 path of the seed; counts as activity. The private
   * key is zeroed before returning. ERR_BAD_PATH for a malformed path, ERR_WALLET_LOCKED if locked.
   */
  derivePublicKey(path: string): Uint8Array {
    return hexToBytes(derivePublicKeyHex(this.#activeSession().seed, path))
  }

  /**
   * Ed25519 signature by the key of that purpose and index; counts as activity. The private key
   * is derived for this call and zeroed before returning. ERR_WALLET_LOCKED if locked.
   */
  sign(purpose: KeyPurpose, index: number, message: Uint8Array): Uint8Array {
    assertBytes(message, 'message')
    const record = this.#resolve(purpose, index)
    return this.#withPrivateKey(this.#activeSession(), record, (privateKey) =>
      ed25519Sign(ed25519PrivateKey(privateKey), message),
    )
  }

  /**
   * A signer holding only the consensus (or identity) key, which keeps signing after the wallet
   * locks, so the validator signs blocks unattended. ERR_WALLET_LOCKED if locked.
   */
  detachedSigner(purpose: NodeKeyPurpose): Signer {
    const session = this.#activeSession()
    const privateKey = derivePrivateKey(session.seed, keyPath(purpose, 0))
    try {
      return new Ed25519Signer(privateKey)
    } finally {
      wipe(privateKey)
    }
  }

  /** Derives the next account (index after the highest in use) and records it. */
  async addAccount(label?: string): Promise<AccountInfo> {
    return this.#exclusive(async () => {
      const session = this.#activeSession()
      const record = derivedAccount(session.seed, nextAccountIndex(this.#index.accounts), label)
      await this.#commit({ ...this.#index, accounts: [...this.#index.accounts, record] })
      return toInfo(record)
    })
  }

  /** EIP-2335 JSON of one account's private key, encrypted under `exportPassword`. */
  async exportKeystore(accountIndex: number, exportPassword: string): Promise<string> {
    assertNewPassword(exportPassword)
    const record = this.#resolve('account', accountIndex)
    const privateKey = this.#privateKey(this.#activeSession(), record)
    try {
      const keystore = await encryptKeystore(privateKey, exportPassword, {
        kdf: this.#kdfParams,
        path: record.path,
        pubkey: hexToBytes(record.publicKey),
        description: ACCOUNT_DESCRIPTION,
      })
      return serializeKeystore(keystore)
    } finally {
      wipe(privateKey)
    }
  }

  /**
   * Adds an account from an EIP-2335 keystore of a 32-byte Ed25519 key, re-encrypted under the
   * wallet's password. ERR_KEYSTORE_* for a bad file, ERR_BAD_PASSWORD for its password,
   * ERR_ACCOUNT_EXISTS if the key is already here, ERR_WALLET_LOCKED if locked.
   */
  async importKeystore(json: string, password: string, label?: string): Promise<AccountInfo> {
    const keystore = parseKeystoreText(json)
    return this.#exclusive(async () => {
      this.#activeSession()
      const secret = await decryptKeystore(keystore, password)
      let key: WalletKey | undefined
      try {
        const record = this.#importedRecord(keystore, secret, label)
        const session = this.#activeSession()
        // Locking zeroes the session's key in place; this write must not depend on it.
        key = { decryptionKey: session.decryptionKey.slice(), kdf: session.kdf }
        const meta = {
          path: record.path,
          pubkey: publicKeyOf(secret),
          description: ACCOUNT_DESCRIPTION,
        }
        const file = await writeSecretFile(this.dir, 'account', secret, key, meta)
        const imported: AccountRecord = { ...record, kind: 'imported', keystore: file }
        await this.#commit({ ...this.#index, accounts: [...this.#index.accounts, imported] })
        // The wallet may have locked meanwhile; a dead session must not receive a key.
        if (this.#session === session) session.imported.set(record.index, secret.slice())
        return toInfo(imported)
      } finally {
        wipe(secret)
        if (key) wipe(key.decryptionKey)
      }
    })
  }

  /** The mnemonic, after checking the password again even if unlocked. ERR_BAD_PASSWORD. */
  async revealMnemonic(password: string): Promise<string> {
    return this.#exclusive(async () => {
      const keystore = await this.#readKeystore(this.#index.mnemonic)
      const entropy = await decryptKeystore(keystore, password)
      try {
        return mnemonicFromEntropy(entropy)
      } finally {
        wipe(entropy)
      }
    })
  }

  /**
   * Re-encrypts every keystore under a new password with a fresh salt. New files are written
   * first and the index switched to them in one atomic rename, so a crash leaves the wallet
   * under either the old or the new password. Works locked or unlocked and keeps that state.
   */
  async changePassword(oldPassword: string, newPassword: string): Promise<void> {
    assertNewPassword(newPassword)
    await this.#exclusive(async () => {
      const old = await this.#openSession(oldPassword)
      const key: WalletKey = {
        decryptionKey: new Uint8Array(0),
        kdf: createKdfModule(this.#kdfParams),
      }
      let entropy: Uint8Array = new Uint8Array(0)
      try {
        const mnemonicKeystore = await this.#readKeystore(this.#index.mnemonic)
        entropy = await this.#openSecret(mnemonicKeystore, old, oldPassword)
        key.decryptionKey = await deriveDecryptionKey(newPassword, key.kdf)
        const write = (kind: SecretKind, secret: Uint8Array, meta: KeystoreMeta) =>
          writeSecretFile(this.dir, kind, secret, key, meta)
        const accounts: AccountRecord[] = []
        for (const account of this.#index.accounts) {
          if (account.kind === 'derived') {
            accounts.push(account)
            continue
          }
          const secret = this.#privateKey(old, account)
          try {
            const keystore = await write('account', secret, {
              path: account.path,
              pubkey: hexToBytes(account.publicKey),
              description: ACCOUNT_DESCRIPTION,
            })
            accounts.push({ ...account, keystore })
          } finally {
            wipe(secret)
          }
        }
        await this.#commit({
          ...this.#index,
          seed: await write('seed', old.seed, SEED_META),
          mnemonic: await write('mnemonic', entropy, MNEMONIC_META),
          accounts,
        })
        if (this.#session) {
          wipe(this.#session.decryptionKey)
          this.#session.decryptionKey = key.decryptionKey.slice()
          this.#session.kdf = key.kdf
        }
      } finally {
        wipe(entropy, key.decryptionKey)
        wipeSession(old)
      }
    })
  }

  /** Runs tasks that read or replace files one at a time. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task)
    this.#queue = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  async #commit(index: WalletIndex): Promise<void> {
    await commitWalletIndex(this.dir, index)
    this.#index = index
  }

  async #readKeystore(name: string): Promise<Keystore> {
    return readKeystoreFile(join(this.dir, name))
  }

  /** Opens a keystore with the session's key when it shares the kdf module, else the password. */
  async #openSecret(keystore: Keystore, key: WalletKey, password: string): Promise<Uint8Array> {
    return sameKdf(keystore.crypto.kdf, key.kdf)
      ? decryptKeystoreWithKey(keystore, key.decryptionKey)
      : decryptKeystore(keystore, password)
  }

  /** Decrypts the seed and imported keys and checks each against the index. */
  async #openSession(password: string): Promise<Session> {
    const seedKeystore = await this.#readKeystore(this.#index.seed)
    const kdf = seedKeystore.crypto.kdf
    const decryptionKey = await deriveDecryptionKey(password, kdf)
    const session: Session = { seed: new Uint8Array(0), imported: new Map(), decryptionKey, kdf }
    try {
      session.seed = decryptKeystoreWithKey(seedKeystore, decryptionKey)
      for (const account of this.#index.accounts) {
        if (account.kind !== 'imported') continue
        const keystore = await this.#readKeystore(account.keystore)
        session.imported.set(account.index, await this.#openSecret(keystore, session, password))
      }
      this.#checkSession(session)
      return session
    } catch (error) {
      wipeSession(session)
      throw error
    }
  }

  /** Catches a seed or key file that does not belong to this index (swapped or damaged). */
  #checkSession(session: Session): void {
    const check = (name: string, expected: string, actual: string) => {
      if (actual !== expected) {
        throw new KeysError('ERR_WALLET_CORRUPT', `the ${name} does not match the wallet index`)
      }
    }
    const index = this.#index
    check(
      'consensus key',
      index.consensusPublicKey,
      derivePublicKeyHex(session.seed, CONSENSUS_KEY_PATH),
    )
    check(
      'identity key',
      index.identityPublicKey,
      derivePublicKeyHex(session.seed, IDENTITY_KEY_PATH),
    )
    for (const account of index.accounts) {
      const publicKey = this.#withPrivateKey(session, account, publicKeyOf)
      check(`key of account ${account.index}`, account.publicKey, bytesToHex(publicKey))
    }
  }

  /** Runs `use` on a fresh copy of a private key and zeroes the copy. */
  #withPrivateKey<T>(session: Session, record: AccountRecord, use: (key: Uint8Array) => T): T {
    const privateKey = this.#privateKey(session, record)
    try {
      return use(privateKey)
    } finally {
      wipe(privateKey)
    }
  }

  /** A fresh copy of a private key; the caller zeroes it. */
  #privateKey(
    session: Session,
    record: Pick<AccountRecord, 'kind' | 'index' | 'path'>,
  ): Uint8Array {
    if (record.kind === 'derived') return derivePrivateKey(session.seed, record.path)
    const key = session.imported.get(record.index)
    if (!key) throw new KeysError('ERR_WALLET_CORRUPT', `account ${record.index} has no key`)
    return key.slice()
  }

  /** The index entry for a purpose and index. */
  #resolve(purpose: KeyPurpose, index: number): AccountRecord {
    if (purpose === 'account') {
      const account = this.#index.accounts.find((a) => a.index === index)
      if (account) return account
    } else if ((purpose === 'consensus' || purpose === 'identity') && index === 0) {
      const publicKey =
        purpose === 'consensus' ? this.#index.consensusPublicKey : this.#index.identityPublicKey
      return { kind: 'derived', index, label: purpose, path: keyPath(purpose, 0), publicKey }
    }
    throw new KeysError('ERR_UNKNOWN_ACCOUNT', `no ${purpose} key with index ${index}`)
  }

  #importedRecord(keystore: Keystore, secret: Uint8Array, label?: string) {
    if (secret.length !== 32) {
      throw new KeysError(
        'ERR_KEYSTORE_INVALID',
        `keystore holds ${secret.length} bytes, not a 32-byte Ed25519 private key`,
      )
    }
    const publicKey = bytesToHex(publicKeyOf(secret))
    if (keystore.pubkey && keystore.pubkey.toLowerCase() !== publicKey) {
      throw new KeysError('ERR_KEYSTORE_INVALID', 'keystore pubkey is not the Ed25519 key it holds')
    }
    const known = [
      this.#index.consensusPublicKey,
      this.#index.identityPublicKey,
      ...this.#index.accounts.map((a) => a.publicKey),
    ]
    if (known.includes(publicKey)) {
      throw new KeysError('ERR_ACCOUNT_EXISTS', 'this key is already in the wallet')
    }
    const index = nextAccountIndex(this.#index.accounts)
    return { index, label: checkLabel(label ?? `Account ${index}`), path: keystore.path, publicKey }
  }

  #activeSession(): Session {
    this.#lockIfIdle()
    if (!this.#session) throw new KeysError('ERR_WALLET_LOCKED', 'the wallet is locked')
    this.#idle.touch()
    return this.#session
  }

  #lockIfIdle(): void {
    // The timer can fire late (sleep, busy loop); never sign past the idle deadline.
    if (this.#session && this.#idle.expired()) this.lock()
  }

  #begin(session: Session): void {
    this.#session = session
    this.#idle.start()
  }

  #end(): void {
    this.#idle.stop()
    if (this.#session) wipeSession(this.#session)
    this.#session = null
  }
}

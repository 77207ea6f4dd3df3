// What the keys and tx commands share: argument parsing, the files they read and write, and the
// wallet, opened only while holding the data directory's lock.
import { access, readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { encodeAddress } from '../../shared/address'
import { CodedError } from '../../shared/errors'
import { fromHex } from '../../shared/encoding'
import { ensurePrivateDir } from '../files/atomicFile'
import { KeysError } from '../keys/errors'
import { MAX_KEY_INDEX } from '../keys/paths'
import { Wallet } from '../keys/wallet'
import { addressOf } from '../node/crypto'
import { dataDirLayout, defaultHeadlessDataDir, type DataDirLayout } from '../node/dataDir'
import { ChainStore, StoreError } from '../node/storage/store'
import { readSecret, type SecretSource } from './prompt'
import { CliError } from './rpcClient'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * Parses flags and exactly the named positional arguments; anything else is a usage error.
 */
export function parseCommand<O extends Options>(argv: string[], options: O, names: string[] = []) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true })
  } catch (err) {
    throw new CliError('ERR_USAGE', (err as Error).message)
  }
  if (parsed.positionals.length !== names.length) {
    const expected = names.length === 0 ? 'no arguments' : names.join(' ')
    throw new CliError('ERR_USAGE', `expected ${expected}, got ${parsed.positionals.length}`)
  }
  return { values: parsed.values, positionals: parsed.positionals }
}

/** The data directory a command works on: --data-dir, else ~/.coherence. */
export function dataDirOf(values: { 'data-dir'?: string | boolean }): DataDirLayout {
  const dir = values['data-dir']
  return dataDirLayout(resolve(typeof dir === 'string' ? dir : defaultHeadlessDataDir()))
}

/** A whole number within [min, max] from a flag (`fallback` when absent), or a usage error. */
export function intFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value)) throw new CliError('ERR_USAGE', `${flag} must be a whole number`)
  const n = Number(value)
  if (n < min || n > max) {
    throw new CliError('ERR_USAGE', `${flag} must be between ${min} and ${max}`)
  }
  return n
}

/** The value of a flag the command cannot do without. */
export function requiredFlag(value: string | undefined, flag: string): string {
  if (value === undefined) throw new CliError('ERR_USAGE', `${flag} is required`)
  return value
}

/** A whole-number account index. */
export function accountIndex(text: string, what: string): number {
  if (!/^\d{1,10}$/u.test(text) || Number(text) > MAX_KEY_INDEX) {
    throw new CliError('ERR_USAGE', `${what} must be an account number from 0 to ${MAX_KEY_INDEX}`)
  }
  return Number(text)
}

/** Errors of the files a command reads or writes; --out never overwrites. */
export class CliFileError extends CodedError<
  'ERR_FILE_EXISTS' | 'ERR_FILE_READ' | 'ERR_FILE_WRITE'
> {}

/** The text of an input file; ERR_FILE_READ names the file if it cannot be read. */
export async function readInputFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    throw new CliFileError('ERR_FILE_READ', `cannot read ${file}`)
  }
}

/** The JSON in an input file; ERR_FILE_READ when it cannot be read or is not JSON. */
export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readInputFile(file)
  try {
    return JSON.parse(text)
  } catch {
    throw new CliFileError('ERR_FILE_READ', `${file} is not JSON`)
  }
}

/** Fails early, before any password is asked, if --out names an existing file. */
export async function assertAbsent(file: string): Promise<void> {
  const exists = await access(file).then(
    () => true,
    () => false,
  )
  if (exists)
    throw new CliFileError('ERR_FILE_EXISTS', `${file} already exists; choose another --out`)
}

/** Creates `file` with `text`; never replaces an existing file. */
export async function writeNewFile(file: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(file, text, { mode, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliFileError('ERR_FILE_EXISTS', `${file} already exists; choose another --out`)
    }
    throw new CliFileError('ERR_FILE_WRITE', `cannot write ${file}`)
  }
}

/** Text from an untrusted file, with control characters (terminal escapes) made visible. */
export function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1)
}

/** bech32 address of a hex public key. */
export function addressOfKey(publicKey: string): string {
  return encodeAddress(addressOf(fromHex(publicKey)))
}

/**
 * Runs `work` while holding the data directory's lock (the database's), so no node changes or
 * uses the wallet meanwhile.
 */
export async function withDataDirLock<T>(
  layout: DataDirLayout,
  work: () => Promise<T>,
): Promise<T> {
  await ensurePrivateDir(layout.root)
  let store: ChainStore
  try {
    store = await ChainStore.open(layout.db)
  } catch (err) {
    if (err instanceof StoreError && err.code === 'ERR_DATA_DIR_LOCKED') {
      throw new StoreError(
        'ERR_DATA_DIR_LOCKED',
        `a node is running on ${layout.root}: stop the node first`,
      )
    }
    throw err
  }
  try {
    return await work()
  } finally {
    await store.close()
  }
}

/** Opens the existing wallet under the data directory's lock; it is locked again afterwards. */
export async function withWallet<T>(
  layout: DataDirLayout,
  work: (wallet: Wallet) => Promise<T>,
): Promise<T> {
  // Checked before locking, so a mistyped --data-dir creates nothing.
  if (!(await Wallet.exists(layout.wallet))) {
    throw new KeysError('ERR_NO_WALLET', `no wallet in ${layout.wallet}`)
  }
  return withDataDirLock(layout, async () => {
    const wallet = await Wallet.open(layout.wallet)
    try {
      return await work(wallet)
    } finally {
      wallet.lock()
    }
  })
}

/** Where the wallet password comes from: --password-file, else the terminal. */
export function walletPassword(file: string | undefined): SecretSource {
  return { file, flag: '--password-file', label: 'wallet password' }
}

/** Unlocks the wallet with its password from --password-file or the terminal. */
export async function unlock(wallet: Wallet, passwordFile: string | undefined): Promise<void> {
  await wallet.unlock(await readSecret(walletPassword(passwordFile)))
}

/** A command made of subcommands (`keys new`, `network create`…), each taking the rest of argv. */
export function withSubcommands(
  group: string,
  table: Record<string, (argv: string[]) => Promise<number>>,
): (argv: string[]) => Promise<number> {
  return (argv) => {
    const [name, ...rest] = argv
    const command = name === undefined ? undefined : table[name]
    if (!command) {
      throw new CliError('ERR_USAGE', `${group} needs one of: ${Object.keys(table).join(', ')}`)
    }
    return command(rest)
  }
}

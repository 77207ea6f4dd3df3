import { randomInt } from 'node:crypto'
import { resolve } from 'node:path'
import { toHex } from '../../shared/encoding'
import { wipe } from '../keys/bytes'
import { KeysError } from '../keys/errors'
import { decryptKeystore } from '../keys/keystore'
import { readKeystoreFile } from '../keys/keystoreFile'
import { serializeKeystore, type Keystore } from '../keys/keystoreSchema'
import { generateMnemonic, mnemonicToEntropy } from '../keys/mnemonic'
import { parsePath } from '../keys/slip10'
import { Wallet, type AccountInfo } from '../keys/wallet'
import type { DataDirLayout } from '../node/dataDir'
import {
  accountIndex,
  addressOfKey,
  assertAbsent,
  dataDirOf,
  parseCommand,
  printable,
  requiredFlag,
  unlock,
  walletPassword,
  withDataDirLock,
  withSubcommands,
  withWallet,
  writeNewFile,
} from './common'
import {
  confirmWords,
  readNewSecret,
  readOptionalSecret,
  readSecret,
  type SecretSource,
} from './prompt'
import { signTxCommand } from './txCommands'

/** Creates a wallet under the data directory's lock and returns it locked. */
async function createWallet(
  layout: DataDirLayout,
  params: { password: string; mnemonic: string; passphrase?: string },
): Promise<Wallet> {
  return withDataDirLock(layout, async () => {
    const wallet = await Wallet.create(layout.wallet, params)
    wallet.lock()
    return wallet
  })
}

async function assertNoWallet(layout: DataDirLayout): Promise<void> {
  if (await Wallet.exists(layout.wallet)) {
    throw new KeysError('ERR_WALLET_EXISTS', `a wallet already exists in ${layout.wallet}`)
  }
}

function findAccount(wallet: Wallet, index: number): AccountInfo {
  const account = wallet.listAccounts().find((a) => a.index === index)
  if (!account) throw new KeysError('ERR_UNKNOWN_ACCOUNT', `the wallet has no account ${index}`)
  return account
}

/** Shows a new mnemonic, the one time it is ever shown. */
function printMnemonic(mnemonic: string): void {
  const words = mnemonic.split(' ')
  console.log(
    `\nWrite down these ${words.length} words, in order, and keep them offline. They are shown` +
      ' only this once.\nAnyone who has them controls every account of this wallet; without' +
      ' them a forgotten password\ncannot be recovered.\n',
  )
  words.forEach((word, i) => console.log(`  ${String(i + 1).padStart(2)}. ${word}`))
  console.log('')
}

/** Three distinct word positions, chosen at random. */
function threeRandomPositions(count: number): number[] {
  const chosen = new Set<number>()
  while (chosen.size < 3) chosen.add(randomInt(count))
  return [...chosen].sort((a, b) => a - b)
}

function printAccount(account: AccountInfo): void {
  console.log(`Account ${account.index}: ${addressOfKey(account.publicKey)}`)
}

async function keysNew(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    'password-file': { type: 'string' },
  })
  const layout = dataDirOf(values)
  await assertNoWallet(layout)
  const password = await readNewSecret(walletPassword(values['password-file']))
  const mnemonic = generateMnemonic()
  printMnemonic(mnemonic)
  // On a terminal the person re-types three words before the wallet is made from them.
  await confirmWords(mnemonic.split(' '), threeRandomPositions(24))
  const wallet = await createWallet(layout, { password, mnemonic })
  console.log(`Wallet created in ${layout.wallet}`)
  printAccount(findAccount(wallet, 0))
  return 0
}

async function keysImportMnemonic(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    'mnemonic-file': { type: 'string' },
    'passphrase-file': { type: 'string' },
    'password-file': { type: 'string' },
  })
  const layout = dataDirOf(values)
  await assertNoWallet(layout)
  const mnemonic = await readSecret({
    file: values['mnemonic-file'],
    flag: '--mnemonic-file',
    label: 'mnemonic',
  })
  // Refuse a mistyped phrase before asking for anything else.
  wipe(mnemonicToEntropy(mnemonic))
  const passphrase = await readOptionalSecret({
    file: values['passphrase-file'],
    flag: '--passphrase-file',
    label: 'BIP39 passphrase',
  })
  const password = await readNewSecret(walletPassword(values['password-file']))
  const wallet = await createWallet(layout, { password, mnemonic, passphrase })
  console.log(`Wallet restored in ${layout.wallet}`)
  printAccount(findAccount(wallet, 0))
  return 0
}

/**
 * Creates a wallet with a new mnemonic (shown once, as soon as the wallet exists) and imports the
 * keystore into it. A wrong keystore password is caught before anything is created.
 */
async function importIntoNewWallet(
  layout: DataDirLayout,
  keystore: Keystore,
  keystorePassword: SecretSource,
  passwordFile: string | undefined,
): Promise<AccountInfo> {
  const openWith = await readSecret(keystorePassword)
  wipe(await decryptKeystore(keystore, openWith))
  const password = await readNewSecret(walletPassword(passwordFile))
  const mnemonic = generateMnemonic()
  return withDataDirLock(layout, async () => {
    const wallet = await Wallet.create(layout.wallet, { password, mnemonic })
    try {
      console.log(`Wallet created in ${layout.wallet}`)
      printMnemonic(mnemonic)
      printAccount(findAccount(wallet, 0))
      return await wallet.importKeystore(serializeKeystore(keystore), openWith)
    } finally {
      wallet.lock()
    }
  })
}

async function keysImportKeystore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      'data-dir': { type: 'string' },
      'keystore-password-file': { type: 'string' },
      'password-file': { type: 'string' },
    },
    ['FILE'],
  )
  const layout = dataDirOf(values)
  const keystore = await readKeystoreFile(resolve(positionals[0] ?? ''))
  const keystorePassword = {
    file: values['keystore-password-file'],
    flag: '--keystore-password-file',
    label: 'keystore password',
  }
  const account = (await Wallet.exists(layout.wallet))
    ? await withWallet(layout, async (wallet) => {
        await unlock(wallet, values['password-file'])
        const openWith = await readSecret(keystorePassword)
        return wallet.importKeystore(serializeKeystore(keystore), openWith)
      })
    : await importIntoNewWallet(layout, keystore, keystorePassword, values['password-file'])
  console.log(`Imported as account ${account.index}: ${addressOfKey(account.publicKey)}`)
  return 0
}

async function keysList(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  })
  const wallet = await Wallet.open(dataDirOf(values).wallet)
  const accounts = wallet
    .listAccounts()
    .map((account) => ({ ...account, address: addressOfKey(account.publicKey) }))
  if (values.json) {
    console.log(JSON.stringify({ accounts }))
    return 0
  }
  for (const a of accounts) {
    console.log(`Account ${a.index}  ${a.kind}  ${JSON.stringify(a.label)}`)
    console.log(`  address     ${a.address}`)
    console.log(`  path        ${a.path ? printable(a.path) : '(none)'}`)
    console.log(`  public key  ${a.publicKey}`)
  }
  return 0
}

async function keysExport(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      'password-file': { type: 'string' },
      'export-password-file': { type: 'string' },
    },
    ['ACCOUNT'],
  )
  const index = accountIndex(positionals[0] ?? '', 'ACCOUNT')
  const out = resolve(requiredFlag(values.out, '--out'))
  await assertAbsent(out)
  const layout = dataDirOf(values)
  const account = await withWallet(layout, async (wallet) => {
    const found = findAccount(wallet, index)
    await unlock(wallet, values['password-file'])
    const exportPassword = await readNewSecret({
      file: values['export-password-file'],
      flag: '--export-password-file',
      label: 'export password',
    })
    await writeNewFile(out, await wallet.exportKeystore(index, exportPassword), 0o600)
    return found
  })
  console.log(`Account ${index} (${addressOfKey(account.publicKey)}) exported to ${out}`)
  return 0
}

async function keysInspectKeystore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      'show-secret': { type: 'boolean' },
      'password-file': { type: 'string' },
      json: { type: 'boolean' },
    },
    ['FILE'],
  )
  const keystore = await readKeystoreFile(resolve(positionals[0] ?? ''))
  const info: Record<string, string> = {
    path: keystore.path,
    pubkey: keystore.pubkey ?? '',
    uuid: keystore.uuid,
    description: keystore.description ?? '',
    kdf: keystore.crypto.kdf.function,
  }
  if (values['show-secret']) {
    const password = await readSecret({
      file: values['password-file'],
      flag: '--password-file',
      label: 'keystore password',
    })
    const secret = await decryptKeystore(keystore, password)
    info.secret = toHex(secret)
    wipe(secret)
  }
  if (values.json) console.log(JSON.stringify(info))
  else
    for (const [name, value] of Object.entries(info))
      console.log(`${name.padEnd(12)}${printable(value)}`)
  return 0
}

async function keysDerive(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    path: { type: 'string' },
    'password-file': { type: 'string' },
    json: { type: 'boolean' },
  })
  const path = requiredFlag(values.path, '--path')
  parsePath(path)
  const publicKey = await withWallet(dataDirOf(values), async (wallet) => {
    await unlock(wallet, values['password-file'])
    return toHex(wallet.derivePublicKey(path))
  })
  if (values.json) console.log(JSON.stringify({ path, publicKey }))
  else console.log(`${path}  ${publicKey}`)
  return 0
}

const KEYS_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  new: keysNew,
  'import-mnemonic': keysImportMnemonic,
  'import-keystore': keysImportKeystore,
  list: keysList,
  export: keysExport,
  'sign-tx': signTxCommand,
  'inspect-keystore': keysInspectKeystore,
  derive: keysDerive,
}

/** `coherence keys <subcommand>`: the wallet from the command line. */
export const keysCommand = withSubcommands('keys', KEYS_COMMANDS)

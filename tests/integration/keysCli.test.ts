// `coherence keys` as real processes: secrets come from files (stdin is not a terminal here), the
// wallet lives in DIR/wallet, and every key derivation uses the real scrypt cost.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../src/shared/encoding'
import { publicKeyOf } from '../../src/main/keys/ed25519'
import { serializeUnsignedTx } from '../../src/main/node/ledger/txFile'
import { PROJECT_ROOT, runCli } from '../helpers/cliNode'
import { tempDir } from '../helpers/tempDir'
import vector from '../fixtures/keys/eip2335-scrypt.json'

const WALLET_PASSWORD = 'wallet password, long enough'
const EXPORT_PASSWORD = 'export password'
const BIP39_TEST_MNEMONIC = `${'abandon '.repeat(11)}about`
const ACCOUNT_0_PATH = "m/44'/7337'/0'/0'/0'"

interface ListedAccount {
  index: number
  label: string
  kind: 'derived' | 'imported'
  path: string
  publicKey: string
  address: string
}

let root: Awaited<ReturnType<typeof tempDir>>
/** The wallet made by `keys new` in beforeAll. */
let walletDir: string
let newOutput: string
/** Account 0 of that wallet, as `keys list --json` reports it. */
let account0: ListedAccount

/** Writes a one-line secret file and returns its path. */
async function secretFile(name: string, text: string): Promise<string> {
  const file = join(root.path, name)
  await writeFile(file, `${text}\n`, { mode: 0o600 })
  return file
}

async function listAccounts(dataDir: string): Promise<ListedAccount[]> {
  const r = await runCli(['keys', 'list', '--data-dir', dataDir, '--json'])
  expect(r.code, r.stderr).toBe(0)
  return (JSON.parse(r.stdout) as { accounts: ListedAccount[] }).accounts
}

/** SHA-256 of every file under the wallet directory, by name. */
async function snapshot(dataDir: string): Promise<Record<string, string>> {
  const dir = join(dataDir, 'wallet')
  const hashes: Record<string, string> = {}
  for (const name of await readdir(dir)) {
    hashes[name] = createHash('sha256')
      .update(await readFile(join(dir, name)))
      .digest('hex')
  }
  return hashes
}

beforeAll(async () => {
  if (!existsSync(join(PROJECT_ROOT, 'out', 'main', 'cli.js'))) {
    throw new Error('the app is not built: run `npm run build` before the integration tests')
  }
  root = await tempDir('coherence-keys-')
  walletDir = join(root.path, 'a')
  const password = await secretFile('password', WALLET_PASSWORD)
  const r = await runCli(['keys', 'new', '--data-dir', walletDir, '--password-file', password])
  expect(r.code, r.stderr).toBe(0)
  newOutput = r.stdout
  const [first] = await listAccounts(walletDir)
  if (!first) throw new Error('keys new made no account 0')
  account0 = first
})

afterAll(async () => {
  await root.remove()
})

describe('coherence keys new / list', () => {
  it('shows 24 numbered words once and account 0, which list reports; a second new is refused', async () => {
    const words = [...newOutput.matchAll(/^\s*(\d+)\. ([a-z]+)$/gm)]
    expect(words.map((m) => Number(m[1]))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
    expect(newOutput).toMatch(/write down/i)
    expect(newOutput).not.toContain(WALLET_PASSWORD)
    const address = /Account 0: (coh1[02-9ac-hj-np-z]+)/.exec(newOutput)?.[1]
    expect(address).toBeDefined()

    expect(account0).toMatchObject({ index: 0, kind: 'derived', path: ACCOUNT_0_PATH, address })

    // The words shown are the wallet's: restoring them gives the same account 0.
    const restored = join(root.path, 'restored')
    const mnemonic = await secretFile('shown-mnemonic', words.map((m) => m[2]).join(' '))
    const password = await secretFile('password', WALLET_PASSWORD)
    const r = await runCli([
      'keys',
      'import-mnemonic',
      '--data-dir',
      restored,
      '--mnemonic-file',
      mnemonic,
      '--password-file',
      password,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect((await listAccounts(restored))[0]?.publicKey).toBe(account0.publicKey)

    const again = await runCli([
      'keys',
      'new',
      '--data-dir',
      walletDir,
      '--password-file',
      password,
    ])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^error: .*\(ERR_WALLET_EXISTS\)\n$/)
  })

  it('never reads a secret from argv: no file and no terminal is a usage error', async () => {
    const dataDir = join(root.path, 'no-password')
    const r = await runCli(['keys', 'new', '--data-dir', dataDir])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('pass --password-file FILE (ERR_USAGE)')
    expect(existsSync(join(dataDir, 'wallet'))).toBe(false)
    const stray = await runCli(['keys', 'new', '--data-dir', dataDir, WALLET_PASSWORD])
    expect(stray.code).toBe(2)
    expect(stray.stderr).not.toContain(WALLET_PASSWORD)
  })
})

describe('a wrong wallet password', () => {
  it('makes export, sign-tx and derive fail with ERR_BAD_PASSWORD and changes no wallet file', async () => {
    const wrong = await secretFile('wrong-password', 'not the password')
    const exportPassword = await secretFile('export-password', EXPORT_PASSWORD)
    const unsigned = join(root.path, 'wrong-password-unsigned.json')
    const body = {
      sender: fromHex(account0.publicKey),
      nonce: 0,
      fee: 10n ** 15n,
      action: { kind: 'transfer' as const, to: new Uint8Array(20), token: 2, amount: 5n },
    }
    await writeFile(unsigned, serializeUnsignedTx({ clusterId: 'devnet-000000', body }))
    const out = join(root.path, 'wrong-password-out.json')
    const before = await snapshot(walletDir)

    const attempts = [
      ['export', '0', '--out', out, '--export-password-file', exportPassword],
      ['sign-tx', unsigned, '--out', out, '--yes'],
      ['derive', '--path', ACCOUNT_0_PATH, '--json'],
    ]
    for (const args of attempts) {
      const r = await runCli(['keys', ...args, '--data-dir', walletDir, '--password-file', wrong])
      expect(r.code, args[0]).toBe(1)
      expect(r.stderr).toMatch(/^(?:[^\n]*\n)*error: [^\n]*\(ERR_BAD_PASSWORD\)\n$/)
      expect(r.stdout + r.stderr).not.toContain('not the password')
      expect(existsSync(out)).toBe(false)
    }
    expect(await snapshot(walletDir)).toEqual(before)
  })
})

describe('coherence keys import-mnemonic / derive', () => {
  it('derives account 0 of the BIP39 test phrase at its path, and another key elsewhere', async () => {
    const dataDir = join(root.path, 'bip39')
    const badMnemonic = await secretFile('bad-mnemonic', `${'abandon '.repeat(11)}abandon`)
    // The phrase is checked before any password is asked for (none is given here).
    const bad = await runCli([
      'keys',
      'import-mnemonic',
      '--data-dir',
      dataDir,
      '--mnemonic-file',
      badMnemonic,
    ])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('(ERR_BAD_MNEMONIC)')
    expect(bad.stderr).not.toContain('abandon')

    const mnemonic = await secretFile('bip39-mnemonic', BIP39_TEST_MNEMONIC)
    const password = await secretFile('password', WALLET_PASSWORD)
    const common = ['--data-dir', dataDir, '--password-file', password]
    const imported = await runCli([
      'keys',
      'import-mnemonic',
      '--mnemonic-file',
      mnemonic,
      ...common,
    ])
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).not.toContain('abandon')
    const [account] = await listAccounts(dataDir)

    const derive = async (path: string): Promise<unknown> => {
      const r = await runCli(['keys', 'derive', '--path', path, '--json', ...common])
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout)
    }
    expect(await derive(ACCOUNT_0_PATH)).toEqual({
      path: ACCOUNT_0_PATH,
      publicKey: account?.publicKey,
    })
    const other = (await derive("m/44'/7337'/0'/0'/1'")) as { publicKey: string }
    expect(other.publicKey).toMatch(/^[0-9a-f]{64}$/)
    expect(other.publicKey).not.toBe(account?.publicKey)
  })
})

describe('coherence keys export / inspect-keystore / import-keystore', () => {
  it('exports a 0600 keystore whose public fields show without a password, the secret with it', async () => {
    const password = await secretFile('password', WALLET_PASSWORD)
    const exportPassword = await secretFile('export-password', EXPORT_PASSWORD)
    const out = join(root.path, 'account-0.json')
    const args = ['keys', 'export', '0', '--out', out, '--data-dir', walletDir]
    const secrets = ['--password-file', password, '--export-password-file', exportPassword]
    const r = await runCli([...args, ...secrets])
    expect(r.code, r.stderr).toBe(0)
    expect((await stat(out)).mode & 0o777).toBe(0o600)

    const open = await runCli(['keys', 'inspect-keystore', out, '--json'])
    expect(open.code, open.stderr).toBe(0)
    const info = JSON.parse(open.stdout) as Record<string, string>
    expect(info).toMatchObject({ pubkey: account0.publicKey, path: ACCOUNT_0_PATH, kdf: 'scrypt' })
    expect(info).not.toHaveProperty('secret')

    const shown = await runCli([
      'keys',
      'inspect-keystore',
      out,
      '--show-secret',
      '--password-file',
      exportPassword,
      '--json',
    ])
    expect(shown.code, shown.stderr).toBe(0)
    const { secret, pubkey } = JSON.parse(shown.stdout) as Record<string, string>
    expect(pubkey).toBe(account0.publicKey)
    expect(toHex(publicKeyOf(fromHex(secret ?? '')))).toBe(account0.publicKey)

    const again = await runCli([...args, ...secrets])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('(ERR_FILE_EXISTS)')
  })

  it('opens the EIP-2335 scrypt test vector and shows its secret', async () => {
    const file = join(root.path, 'eip2335-scrypt.json')
    await writeFile(file, JSON.stringify(vector.keystore))
    const password = await secretFile('vector-password', vector.password)
    const r = await runCli([
      'keys',
      'inspect-keystore',
      file,
      '--show-secret',
      '--password-file',
      password,
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      path: vector.keystore.path,
      pubkey: vector.keystore.pubkey,
      uuid: vector.keystore.uuid,
      description: vector.keystore.description,
      kdf: 'scrypt',
      secret: vector.secret,
    })
  })

  it('refuses a truncated or non-JSON keystore with a clear code', async () => {
    const text = JSON.stringify(vector.keystore)
    const cases = [
      ['truncated.json', text.slice(0, text.length / 2), 'ERR_KEYSTORE_TRUNCATED'],
      ['not-json.json', 'this is not a keystore', 'ERR_KEYSTORE_NOT_JSON'],
      ['not-keystore.json', '{"version": 3}', 'ERR_KEYSTORE_INVALID'],
    ]
    for (const [name = '', content = '', code = ''] of cases) {
      const file = join(root.path, name)
      await writeFile(file, content)
      const r = await runCli(['keys', 'inspect-keystore', file, '--json'])
      expect(r.code, name).toBe(1)
      expect(r.stderr).toMatch(new RegExp(`^error: .*\\(${code}\\)\\n$`))
    }
  })

  it('imports a keystore into an existing wallet as an imported account', async () => {
    const dataDir = join(root.path, 'bip39')
    const password = await secretFile('password', WALLET_PASSWORD)
    const keystorePassword = await secretFile('export-password', EXPORT_PASSWORD)
    const r = await runCli([
      'keys',
      'import-keystore',
      join(root.path, 'account-0.json'),
      '--data-dir',
      dataDir,
      '--password-file',
      password,
      '--keystore-password-file',
      keystorePassword,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`Imported as account 1: ${account0.address}`)
    const accounts = await listAccounts(dataDir)
    expect(accounts).toHaveLength(2)
    expect(accounts[1]).toMatchObject({
      index: 1,
      kind: 'imported',
      path: ACCOUNT_0_PATH,
      publicKey: account0.publicKey,
      address: account0.address,
    })
  })
})

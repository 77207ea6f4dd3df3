import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { publicKeyOf } from '../../../src/main/keys/ed25519'
import { mnemonicToSeed, validateMnemonic } from '../../../src/main/keys/mnemonic'
import { parseKeystoreText } from '../../../src/main/keys/keystoreSchema'
import { CONSENSUS_KEY_PATH, keyPath } from '../../../src/main/keys/paths'
import { derivePath } from '../../../src/main/keys/slip10'
import { Wallet } from '../../../src/main/keys/wallet'
import type { WalletOptions } from '../../../src/main/keys/wallet'
import {
  FAST_KDF,
  FakeClock,
  codeOf,
  errorOf,
  codeOfSync,
  hex,
  loadFixture,
  snapshot,
  tempDir,
  verifyEd25519,
} from './helpers'

const MNEMONIC =
  'legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title'
const OTHER_MNEMONIC =
  'letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless'
const PASSWORD = 'correct horse battery staple'
const MESSAGE = new TextEncoder().encode('transfer 5 CHR')

let dir: string
let cleanup: () => Promise<void>
let clock: FakeClock
let options: WalletOptions

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
  clock = new FakeClock()
  options = { kdf: FAST_KDF, idleLockMs: 60_000, clock }
})
afterEach(async () => {
  await cleanup()
})

async function expectedPublicKey(mnemonic: string, path: string, passphrase = ''): Promise<string> {
  return hex(publicKeyOf(derivePath(await mnemonicToSeed(mnemonic, passphrase), path).privateKey))
}

describe('creating and opening', () => {
  it('creates an unlocked wallet with account 0 from a mnemonic', async () => {
    const wallet = await Wallet.create(dir, { mnemonic: MNEMONIC, password: PASSWORD }, options)
    expect(wallet.isLocked).toBe(false)
    expect(await Wallet.exists(dir)).toBe(true)
    expect(wallet.listAccounts()).toEqual([
      {
        index: 0,
        label: 'Account 0',
        path: "m/44'/7337'/0'/0'/0'",
        publicKey: await expectedPublicKey(MNEMONIC, keyPath('account', 0)),
        kind: 'derived',
      },
    ])
    const files = (await readdir(dir)).sort()
    expect(files).toHaveLength(3)
    expect(files[0]).toMatch(/^mnemonic-[0-9a-f-]{36}\.json$/u)
    expect(files[1]).toMatch(/^seed-[0-9a-f-]{36}\.json$/u)
    expect(files[2]).toBe('wallet.json')
  })

  it.runIf(process.platform !== 'win32')(
    'keeps the directory 0700 and every file 0600',
    async () => {
      const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
      await wallet.addAccount()
      expect((await stat(dir)).mode & 0o777).toBe(0o700)
      for (const name of await readdir(dir)) {
        expect((await stat(join(dir, name))).mode & 0o777, name).toBe(0o600)
      }
    },
  )

  it('generates a 24-word mnemonic when none is given', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    const mnemonic = await wallet.revealMnemonic(PASSWORD)
    expect(mnemonic.split(' ')).toHaveLength(24)
    expect(validateMnemonic(mnemonic)).toBe(true)
    expect(wallet.listAccounts()[0]?.publicKey).toBe(
      await expectedPublicKey(mnemonic, keyPath('account', 0)),
    )
  })

  it('applies the BIP39 passphrase', async () => {
    const params = { mnemonic: MNEMONIC, passphrase: 'TREZOR', password: PASSWORD }
    const wallet = await Wallet.create(dir, params, options)
    const expected = await expectedPublicKey(MNEMONIC, keyPath('account', 0), 'TREZOR')
    expect(wallet.listAccounts()[0]?.publicKey).toBe(expected)
    expect(expected).not.toBe(await expectedPublicKey(MNEMONIC, keyPath('account', 0)))
  })

  it('refuses a second wallet, a bad mnemonic, an empty password and a missing wallet', async () => {
    expect(await codeOf(Wallet.open(dir))).toBe('ERR_NO_WALLET')
    expect(await codeOf(Wallet.create(dir, { mnemonic: 'zoo zoo', password: PASSWORD }))).toBe(
      'ERR_BAD_MNEMONIC',
    )
    expect(await codeOf(Wallet.create(dir, { password: '\u0000' }, options))).toBe(
      'ERR_EMPTY_PASSWORD',
    )
    expect(await Wallet.exists(dir)).toBe(false)
    await Wallet.create(dir, { password: PASSWORD }, options)
    expect(await codeOf(Wallet.create(dir, { password: PASSWORD }, options))).toBe(
      'ERR_WALLET_EXISTS',
    )
  })

  it('opens locked, with public information available', async () => {
    const created = await Wallet.create(dir, { mnemonic: MNEMONIC, password: PASSWORD }, options)
    const wallet = await Wallet.open(dir, options)
    expect(wallet.isLocked).toBe(true)
    expect(wallet.listAccounts()).toEqual(created.listAccounts())
    expect(hex(wallet.publicKey('consensus', 0))).toBe(
      await expectedPublicKey(MNEMONIC, CONSENSUS_KEY_PATH),
    )
  })
})

describe('locking and signing', () => {
  it('refuses to sign while locked and signs verifiably once unlocked', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    wallet.lock()
    expect(wallet.isLocked).toBe(true)
    expect(codeOfSync(() => wallet.sign('account', 0, MESSAGE))).toBe('ERR_WALLET_LOCKED')
    expect(codeOfSync(() => wallet.detachedSigner('consensus'))).toBe('ERR_WALLET_LOCKED')
    await wallet.unlock(PASSWORD)
    const signature = wallet.sign('account', 0, MESSAGE)
    expect(signature).toHaveLength(64)
    expect(verifyEd25519(wallet.publicKey('account', 0), MESSAGE, signature)).toBe(true)
    expect(verifyEd25519(wallet.publicKey('consensus', 0), MESSAGE, signature)).toBe(false)
  })

  it('leaves the files byte-identical and stays locked on a wrong password', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    wallet.lock()
    const before = await snapshot(dir)
    const error = await errorOf(wallet.unlock('Tr0ub4dor&3'))
    expect(error.code).toBe('ERR_BAD_PASSWORD')
    expect(error.message).not.toContain('Tr0ub4dor')
    expect(wallet.isLocked).toBe(true)
    expect(await snapshot(dir)).toEqual(before)
  })

  it('signs with a different key per purpose, each on its own path', async () => {
    const wallet = await Wallet.create(dir, { mnemonic: MNEMONIC, password: PASSWORD }, options)
    const keys = (['account', 'consensus', 'identity'] as const).map((purpose) => {
      const signature = wallet.sign(purpose, 0, MESSAGE)
      expect(verifyEd25519(wallet.publicKey(purpose, 0), MESSAGE, signature)).toBe(true)
      return hex(wallet.publicKey(purpose, 0))
    })
    expect(new Set(keys).size).toBe(3)
    expect(keys[2]).toBe(await expectedPublicKey(MNEMONIC, "m/44'/7337'/2'/0'/0'"))
  })

  it('rejects unknown accounts and non-zero consensus or identity indices', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    expect(codeOfSync(() => wallet.sign('account', 1, MESSAGE))).toBe('ERR_UNKNOWN_ACCOUNT')
    expect(codeOfSync(() => wallet.sign('consensus', 1, MESSAGE))).toBe('ERR_UNKNOWN_ACCOUNT')
    expect(codeOfSync(() => wallet.publicKey('identity', 2))).toBe('ERR_UNKNOWN_ACCOUNT')
    expect(codeOfSync(() => wallet.sign('account', 0, 'text' as never))).toBe('ERR_BAD_BYTES')
  })

  it('locks itself after the idle time, each signature counting as activity', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    clock.advance(59_000)
    wallet.sign('account', 0, MESSAGE)
    clock.advance(59_000)
    expect(wallet.isLocked).toBe(false)
    expect(clock.pendingTimers).toBe(1)
    clock.advance(1_000)
    expect(wallet.isLocked).toBe(true)
    expect(clock.pendingTimers).toBe(0)
    expect(codeOfSync(() => wallet.sign('account', 0, MESSAGE))).toBe('ERR_WALLET_LOCKED')
  })

  it('checks options before touching the disk; Infinity never locks', async () => {
    const bad = { ...options, idleLockMs: 0 }
    await expect(Wallet.create(dir, { password: PASSWORD }, bad)).rejects.toThrow(RangeError)
    expect(await readdir(dir)).toEqual([])
    const forever = { ...options, idleLockMs: Infinity }
    const wallet = await Wallet.create(dir, { password: PASSWORD }, forever)
    clock.advance(10 ** 12)
    expect(wallet.isLocked).toBe(false)
    expect(clock.pendingTimers).toBe(0)
  })

  it('does not sign past the idle deadline even if the timer has not fired', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    clock.jump(60_000)
    expect(codeOfSync(() => wallet.sign('account', 0, MESSAGE))).toBe('ERR_WALLET_LOCKED')
  })

  it('hands out a consensus signer that keeps signing after the wallet locks', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    const signer = wallet.detachedSigner('consensus')
    expect(hex(signer.publicKey())).toBe(hex(wallet.publicKey('consensus', 0)))
    wallet.lock()
    clock.advance(10 * 60_000)
    const block = new TextEncoder().encode('block 42')
    expect(verifyEd25519(wallet.publicKey('consensus', 0), block, signer.sign(block))).toBe(true)
    signer.publicKey().fill(0)
    expect(hex(signer.publicKey())).toBe(hex(wallet.publicKey('consensus', 0)))
  })
})

describe('accounts', () => {
  it('adds accounts on their own paths and persists them', async () => {
    const wallet = await Wallet.create(dir, { mnemonic: MNEMONIC, password: PASSWORD }, options)
    const [one, two] = await Promise.all([wallet.addAccount('savings'), wallet.addAccount()])
    expect(one).toMatchObject({ index: 1, label: 'savings', path: keyPath('account', 1) })
    expect(two).toMatchObject({ index: 2, label: 'Account 2', path: keyPath('account', 2) })
    expect(one?.publicKey).toBe(await expectedPublicKey(MNEMONIC, keyPath('account', 1)))
    const reopened = await Wallet.open(dir, options)
    expect(reopened.listAccounts()).toEqual(wallet.listAccounts())
    await reopened.unlock(PASSWORD)
    expect(
      verifyEd25519(
        reopened.publicKey('account', 2),
        MESSAGE,
        reopened.sign('account', 2, MESSAGE),
      ),
    ).toBe(true)
  })

  it('needs the wallet unlocked to add an account and bounds labels', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    expect(await codeOf(wallet.addAccount('x'.repeat(65)))).toBe('ERR_BAD_LABEL')
    wallet.lock()
    expect(await codeOf(wallet.addAccount())).toBe('ERR_WALLET_LOCKED')
  })
})

describe('export and import', () => {
  it('round-trips an account through an EIP-2335 keystore into another wallet', async () => {
    const source = await Wallet.create(
      join(dir, 'a'),
      { mnemonic: MNEMONIC, password: PASSWORD },
      options,
    )
    const exported = await source.exportKeystore(0, 'export password')
    const keystore = parseKeystoreText(exported)
    expect(keystore.pubkey).toBe(source.listAccounts()[0]?.publicKey)
    expect(keystore.path).toBe(keyPath('account', 0))
    expect(keystore.crypto.kdf.params).toMatchObject({
      n: FAST_KDF.function === 'scrypt' ? FAST_KDF.n : 0,
    })

    const targetDir = join(dir, 'b')
    const target = await Wallet.create(
      targetDir,
      { mnemonic: OTHER_MNEMONIC, password: 'other' },
      options,
    )
    expect(await codeOf(target.importKeystore(exported, 'wrong'))).toBe('ERR_BAD_PASSWORD')
    const account = await target.importKeystore(exported, 'export password', 'from a')
    expect(account).toEqual({
      index: 1,
      label: 'from a',
      path: keyPath('account', 0),
      publicKey: source.listAccounts()[0]?.publicKey,
      kind: 'imported',
    })
    expect(await codeOf(target.importKeystore(exported, 'export password'))).toBe(
      'ERR_ACCOUNT_EXISTS',
    )
    const signature = target.sign('account', 1, MESSAGE)
    expect(verifyEd25519(source.publicKey('account', 0), MESSAGE, signature)).toBe(true)

    // The imported key is stored under the target's password and survives a restart.
    const reopened = await Wallet.open(targetDir, options)
    await reopened.unlock('other')
    expect(
      verifyEd25519(
        reopened.publicKey('account', 1),
        MESSAGE,
        reopened.sign('account', 1, MESSAGE),
      ),
    ).toBe(true)
    const next = await reopened.addAccount()
    expect(next.index).toBe(2)
    expect(next.path).toBe(keyPath('account', 2))
  })

  it('re-exports an imported account', async () => {
    const source = await Wallet.create(join(dir, 'a'), { password: PASSWORD }, options)
    const target = await Wallet.create(join(dir, 'b'), { password: PASSWORD }, options)
    await target.importKeystore(await source.exportKeystore(0, 'pw1'), 'pw1')
    const again = parseKeystoreText(await target.exportKeystore(1, 'pw2'))
    expect(again.pubkey).toBe(source.listAccounts()[0]?.publicKey)
  })

  it('refuses foreign keys that are not Ed25519, and imports while locked', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    const bls = await loadFixture<{ password: string; keystore: unknown }>('eip2335-pbkdf2.json')
    const json = JSON.stringify(bls.keystore)
    const error = await errorOf(wallet.importKeystore(json, bls.password))
    expect(error.code).toBe('ERR_KEYSTORE_INVALID')
    expect(error.message).toMatch(/pubkey is not the Ed25519 key/u)
    expect(await codeOf(wallet.importKeystore('{"crypto": {', 'x'))).toBe('ERR_KEYSTORE_TRUNCATED')
    expect(await codeOf(wallet.importKeystore('not json', 'x'))).toBe('ERR_KEYSTORE_NOT_JSON')
    wallet.lock()
    const exported = await (
      await Wallet.create(join(dir, 'x'), { password: 'p' }, options)
    ).exportKeystore(0, 'e')
    expect(await codeOf(wallet.importKeystore(exported, 'e'))).toBe('ERR_WALLET_LOCKED')
    expect(await codeOf(wallet.exportKeystore(0, 'e'))).toBe('ERR_WALLET_LOCKED')
  })

  it('refuses to import a key the wallet already derives', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    const exported = await wallet.exportKeystore(0, 'e')
    expect(await codeOf(wallet.importKeystore(exported, 'e'))).toBe('ERR_ACCOUNT_EXISTS')
  })
})

describe('mnemonic and password', () => {
  it('reveals the mnemonic only with the right password, locked or not', async () => {
    const wallet = await Wallet.create(dir, { mnemonic: MNEMONIC, password: PASSWORD }, options)
    const error = await errorOf(wallet.revealMnemonic('nope'))
    expect(error.code).toBe('ERR_BAD_PASSWORD')
    expect(error.message).not.toMatch(/legal|winner/u)
    expect(await wallet.revealMnemonic(PASSWORD)).toBe(MNEMONIC)
    wallet.lock()
    expect(await wallet.revealMnemonic(PASSWORD)).toBe(MNEMONIC)
  })

  it('changes the password of every keystore and removes the old files', async () => {
    const walletDir = join(dir, 'wallet')
    const params = { mnemonic: MNEMONIC, password: PASSWORD }
    const wallet = await Wallet.create(walletDir, params, options)
    const other = await Wallet.create(join(dir, 'other'), { password: 'o' }, options)
    await wallet.importKeystore(await other.exportKeystore(0, 'e'), 'e')
    const before = await snapshot(walletDir)
    expect(await codeOf(wallet.changePassword('wrong', 'new password'))).toBe('ERR_BAD_PASSWORD')
    expect(await snapshot(walletDir)).toEqual(before)

    await wallet.changePassword(PASSWORD, 'new password')
    expect(wallet.isLocked).toBe(false)
    const after = await snapshot(walletDir)
    const oldKeystores = [...before.keys()].filter(
      (name) => name.endsWith('.json') && name !== 'wallet.json',
    )
    for (const name of oldKeystores) expect(after.has(name), name).toBe(false)
    expect([...after.keys()].filter((name) => name.startsWith('account-'))).toHaveLength(1)

    // Still unlocked, and anything written now is under the new password.
    const third = await Wallet.create(join(dir, 'third'), { password: 't' }, options)
    await wallet.importKeystore(await third.exportKeystore(0, 'e'), 'e')
    const reopened = await Wallet.open(walletDir, options)
    expect(await codeOf(reopened.unlock(PASSWORD))).toBe('ERR_BAD_PASSWORD')
    await reopened.unlock('new password')
    for (const { index, publicKey } of reopened.listAccounts()) {
      const signature = reopened.sign('account', index, MESSAGE)
      expect(verifyEd25519(Buffer.from(publicKey, 'hex'), MESSAGE, signature)).toBe(true)
    }
    expect(await reopened.revealMnemonic('new password')).toBe(MNEMONIC)
  })

  it('changes the password while locked and stays locked', async () => {
    const wallet = await Wallet.create(dir, { password: PASSWORD }, options)
    wallet.lock()
    await wallet.changePassword(PASSWORD, 'next')
    expect(wallet.isLocked).toBe(true)
    await wallet.unlock('next')
    expect(await codeOf(wallet.changePassword('next', ''))).toBe('ERR_EMPTY_PASSWORD')
  })
})

describe('damaged wallets', () => {
  it('reports an unreadable or malicious index as corrupt', async () => {
    await Wallet.create(dir, { password: PASSWORD }, options)
    const indexFile = join(dir, 'wallet.json')
    const good = await readFile(indexFile, 'utf8')
    const variants = [
      good.slice(0, 40),
      'nonsense',
      good.replace(/"seed": "[^"]+"/u, '"seed": "../../etc/passwd"'),
      good.replace(/"version": 1/u, '"version": 2'),
    ]
    for (const text of variants) {
      await writeFile(indexFile, text)
      expect(await codeOf(Wallet.open(dir))).toBe('ERR_WALLET_CORRUPT')
    }
  })

  it('notices a seed file that does not belong to the index', async () => {
    const a = await Wallet.create(join(dir, 'a'), { password: PASSWORD }, options)
    const b = await Wallet.create(join(dir, 'b'), { password: PASSWORD }, options)
    a.lock()
    b.lock()
    const seedOf = async (wallet: Wallet) =>
      (await readdir(wallet.dir)).find((name) => name.startsWith('seed-')) ?? ''
    await writeFile(join(b.dir, await seedOf(b)), await readFile(join(a.dir, await seedOf(a))))
    expect(await codeOf(b.unlock(PASSWORD))).toBe('ERR_WALLET_CORRUPT')
    expect(b.isLocked).toBe(true)
  })
})

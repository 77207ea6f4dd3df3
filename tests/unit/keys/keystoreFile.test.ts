import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../../src/main/files/atomicFile'
import { decryptKeystore, encryptKeystore } from '../../../src/main/keys/keystore'
import { readKeystoreFile, writeKeystoreFile } from '../../../src/main/keys/keystoreFile'
import { serializeKeystore } from '../../../src/main/keys/keystoreSchema'
import { FAST_KDF, codeOf, errorOf, hex, tempDir } from './helpers'

const SECRET = new Uint8Array(32).fill(5)
const isPosix = process.platform !== 'win32'
let dir: string
let cleanup: () => Promise<void>

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  await cleanup()
})

const modeOf = async (path: string) => (await stat(path)).mode & 0o777

describe('writeKeystoreFile', () => {
  it.runIf(isPosix)('creates the directory 0700 and the file 0600', async () => {
    const keysDir = join(dir, 'nested', 'keys')
    const file = join(keysDir, 'k.json')
    await writeKeystoreFile(file, await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF }), {
      password: 'pw',
    })
    expect(await modeOf(keysDir)).toBe(0o700)
    expect(await modeOf(file)).toBe(0o600)
    expect(hex(await decryptKeystore(await readKeystoreFile(file), 'pw'))).toBe(hex(SECRET))
  })

  it.runIf(isPosix)('tightens an existing directory to 0700', async () => {
    const keysDir = join(dir, 'keys')
    await mkdir(keysDir)
    await chmod(keysDir, 0o755)
    await writeFileAtomic(join(keysDir, 'x'), new Uint8Array([1]))
    expect(await modeOf(keysDir)).toBe(0o700)
  })

  it('replaces an existing keystore and leaves no temp file', async () => {
    const file = join(dir, 'k.json')
    await writeKeystoreFile(file, await encryptKeystore(SECRET, 'one', { kdf: FAST_KDF }), {
      password: 'one',
    })
    await writeKeystoreFile(file, await encryptKeystore(SECRET, 'two', { kdf: FAST_KDF }), {
      password: 'two',
    })
    expect(hex(await decryptKeystore(await readKeystoreFile(file), 'two'))).toBe(hex(SECRET))
    expect(await readdir(dir)).toEqual(['k.json'])
  })

  it('keeps the old file byte-identical when the new one fails verification', async () => {
    const file = join(dir, 'k.json')
    await writeKeystoreFile(file, await encryptKeystore(SECRET, 'old', { kdf: FAST_KDF }), {
      password: 'old',
    })
    const before = await readFile(file)
    const replacement = await encryptKeystore(SECRET, 'new', { kdf: FAST_KDF })
    expect(await codeOf(writeKeystoreFile(file, replacement, { password: 'typo' }))).toBe(
      'ERR_BAD_PASSWORD',
    )
    expect((await readFile(file)).equals(before)).toBe(true)
    expect(await readdir(dir)).toEqual(['k.json'])
  })
})

describe('readKeystoreFile', () => {
  it('tells missing, non-JSON, truncated and invalid files apart, naming the file', async () => {
    const text = serializeKeystore(await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF }))
    const cases: [string, string | null, string][] = [
      ['missing.json', null, 'ERR_KEYSTORE_NOT_FOUND'],
      ['garbage.json', 'hello world', 'ERR_KEYSTORE_NOT_JSON'],
      ['empty.json', '', 'ERR_KEYSTORE_TRUNCATED'],
      ['half.json', text.slice(0, text.length / 2), 'ERR_KEYSTORE_TRUNCATED'],
      ['broken.json', text.replace('"version": 4', '"version": 5'), 'ERR_KEYSTORE_INVALID'],
    ]
    for (const [name, content, code] of cases) {
      const file = join(dir, name)
      if (content !== null) await writeFile(file, content)
      const error = await errorOf(readKeystoreFile(file))
      expect(error.code, name).toBe(code)
      expect(error.message, name).toContain(name)
    }
  })
})

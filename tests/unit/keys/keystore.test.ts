import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_KDF,
  createKdfModule,
  deriveDecryptionKey,
  normalizePassword,
} from '../../../src/main/keys/kdf'
import {
  decryptKeystore,
  decryptKeystoreWithKey,
  encryptKeystore,
} from '../../../src/main/keys/keystore'
import {
  parseKeystore,
  parseKeystoreText,
  serializeKeystore,
} from '../../../src/main/keys/keystoreSchema'
import { FAST_KDF, codeOf, codeOfSync, errorOf, fromHex, hex, loadFixture } from './helpers'

interface VectorFixture {
  password: string
  secret: string
  keystore: unknown
}

const scryptVector = await loadFixture<VectorFixture>('eip2335-scrypt.json')
const pbkdf2Vector = await loadFixture<VectorFixture>('eip2335-pbkdf2.json')
const SECRET = fromHex('11'.repeat(32))

/** A plain-JSON copy of a keystore with the field at a dotted path replaced (or deleted). */
function withField(keystore: unknown, path: string, value: unknown): unknown {
  const json = JSON.parse(JSON.stringify(keystore)) as Record<string, unknown>
  const keys = path.split('.')
  const last = keys.pop() ?? ''
  const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, json)
  if (value === undefined) delete parent[last]
  else parent[last] = value
  return json
}

/** Flips the first hex digit. */
function flip(text: string): string {
  return (text[0] === '0' ? '1' : '0') + text.slice(1)
}

function invalidMessage(value: unknown): string {
  try {
    parseKeystore(value)
  } catch (error) {
    expect((error as { code: string }).code).toBe('ERR_KEYSTORE_INVALID')
    return (error as Error).message
  }
  throw new Error('expected ERR_KEYSTORE_INVALID')
}

describe('EIP-2335 published vectors', () => {
  it('normalises the test password to the published bytes', () => {
    expect(hex(normalizePassword(scryptVector.password))).toBe('7465737470617373776f7264f09f9491')
  })

  it('decrypts the scrypt vector to its secret', async () => {
    const secret = await decryptKeystore(
      parseKeystore(scryptVector.keystore),
      scryptVector.password,
    )
    expect(hex(secret)).toBe(scryptVector.secret)
  })

  it('decrypts the PBKDF2 vector to its secret', async () => {
    const secret = await decryptKeystore(
      parseKeystore(pbkdf2Vector.keystore),
      pbkdf2Vector.password,
    )
    expect(hex(secret)).toBe(pbkdf2Vector.secret)
  })

  it('rejects a wrong password with ERR_BAD_PASSWORD, without quoting it', async () => {
    const error = await errorOf(decryptKeystore(parseKeystore(pbkdf2Vector.keystore), 'hunter2'))
    expect(error.code).toBe('ERR_BAD_PASSWORD')
    expect(error.message).not.toContain('hunter2')
  })
})

describe('password normalisation', () => {
  it('strips C0, DEL and C1 control codes but keeps spaces', () => {
    const bytes = normalizePassword('a\u0000b\u001fc\u007fd\u0080e\u009ff g\u00a0')
    // U+00A0 is not a control code; NFKD turns it into a plain space.
    expect(new TextDecoder().decode(bytes)).toBe('abcdef g ')
  })

  it('treats passwords differing only in control codes or composition as equal', async () => {
    const keystore = await encryptKeystore(SECRET, 'caf\u00e9', { kdf: FAST_KDF })
    expect(hex(await decryptKeystore(keystore, 'cafe\u0301\u0007'))).toBe(hex(SECRET))
  })

  it('refuses to encrypt under an empty password', async () => {
    expect(await codeOf(encryptKeystore(SECRET, '', { kdf: FAST_KDF }))).toBe('ERR_EMPTY_PASSWORD')
    expect(await codeOf(encryptKeystore(SECRET, '\u0000\n\t', { kdf: FAST_KDF }))).toBe(
      'ERR_EMPTY_PASSWORD',
    )
  })
})

describe('encrypt', () => {
  it('defaults to scrypt n=2^18, r=8, p=1, dklen 32 and a 32-byte salt', () => {
    expect(DEFAULT_KDF).toEqual({ function: 'scrypt', n: 262144, r: 8, p: 1 })
    const kdf = createKdfModule()
    expect(kdf.function).toBe('scrypt')
    expect(kdf.params).toMatchObject({ dklen: 32, n: 262144, r: 8, p: 1 })
    expect(fromHex(kdf.params.salt)).toHaveLength(32)
    expect(createKdfModule().params.salt).not.toBe(kdf.params.salt)
  })

  it('writes a complete version 4 keystore that round-trips through JSON', async () => {
    const pubkey = fromHex('ab'.repeat(32))
    const keystore = await encryptKeystore(SECRET, 'pw', {
      kdf: FAST_KDF,
      path: "m/44'/7337'/0'/0'/0'",
      pubkey,
      description: 'test',
    })
    expect(Object.keys(keystore)).toEqual([
      'crypto',
      'description',
      'pubkey',
      'path',
      'uuid',
      'version',
    ])
    expect(keystore.version).toBe(4)
    expect(keystore.pubkey).toBe(hex(pubkey))
    expect(keystore.uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u,
    )
    expect(keystore.crypto.checksum.function).toBe('sha256')
    expect(keystore.crypto.cipher.function).toBe('aes-128-ctr')
    expect(fromHex(keystore.crypto.cipher.params.iv)).toHaveLength(16)
    expect(fromHex(keystore.crypto.cipher.message)).toHaveLength(32)
    const reread = parseKeystoreText(serializeKeystore(keystore))
    expect(hex(await decryptKeystore(reread, 'pw'))).toBe(hex(SECRET))
  })

  it('round-trips any secret under scrypt and PBKDF2', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 96 }),
        fc.string({ minLength: 1 }).filter((p) => normalizePassword(p).length > 0),
        fc.constantFrom(
          { function: 'scrypt', n: 16, r: 8, p: 1 } as const,
          { function: 'pbkdf2', c: 16 } as const,
        ),
        async (secret, password, kdf) => {
          const keystore = await encryptKeystore(secret, password, { kdf })
          expect(hex(await decryptKeystore(keystore, password))).toBe(hex(secret))
        },
      ),
      { numRuns: 40 },
    )
  })

  it('uses a fresh IV and salt every time', async () => {
    const a = await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF })
    const b = await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF })
    expect(a.crypto.cipher.params.iv).not.toBe(b.crypto.cipher.params.iv)
    expect(a.crypto.kdf.params.salt).not.toBe(b.crypto.kdf.params.salt)
    expect(a.crypto.cipher.message).not.toBe(b.crypto.cipher.message)
  })

  it('checks byte arguments and kdf parameters', async () => {
    expect(await codeOf(encryptKeystore(new Uint8Array(0), 'pw'))).toBe('ERR_BAD_BYTES')
    expect(await codeOf(encryptKeystore(new Uint8Array(1025), 'pw'))).toBe('ERR_BAD_BYTES')
    const bad = { function: 'scrypt', n: 1000, r: 8, p: 1 } as const
    expect(await codeOf(encryptKeystore(SECRET, 'pw', { kdf: bad }))).toBe('ERR_KEYSTORE_INVALID')
    const keystore = await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF })
    expect(codeOfSync(() => decryptKeystoreWithKey(keystore, new Uint8Array(16)))).toBe(
      'ERR_BAD_BYTES',
    )
  })
})

describe('tampering and malformed keystores', () => {
  it('reports a flipped ciphertext or checksum byte as a bad password', async () => {
    const keystore = await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF })
    const { cipher, checksum } = keystore.crypto
    for (const [path, value] of [
      ['crypto.cipher.message', flip(cipher.message)],
      ['crypto.checksum.message', flip(checksum.message)],
    ] as const) {
      const tampered = parseKeystore(withField(keystore, path, value))
      expect(await codeOf(decryptKeystore(tampered, 'pw')), path).toBe('ERR_BAD_PASSWORD')
    }
  })

  it('names what is wrong with a broken field', async () => {
    const ks = await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF })
    const cases: [path: string, value: unknown, message: RegExp][] = [
      ['crypto.checksum', undefined, /missing field crypto\.checksum/u],
      ['uuid', undefined, /missing field uuid/u],
      ['path', undefined, /missing field path/u],
      ['crypto.kdf.params.salt', undefined, /missing field crypto\.kdf\.params\.salt/u],
      ['version', 3, /unsupported version 3 \(expected 4\)/u],
      [
        'crypto.kdf.function',
        'argon2id',
        /unsupported crypto\.kdf\.function "argon2id" \(supported: scrypt, pbkdf2\)/u,
      ],
      ['crypto.cipher.function', 'aes-128-gcm', /crypto\.cipher\.function "aes-128-gcm"/u],
      ['crypto.cipher.params.iv', 'abcd', /crypto\.cipher\.params\.iv: expected 16 bytes/u],
      [
        'crypto.checksum.message',
        `${ks.crypto.checksum.message}a`,
        /crypto\.checksum\.message: expected an even/u,
      ],
      ['crypto.kdf.params.salt', 'zz'.repeat(32), /crypto\.kdf\.params\.salt/u],
      ['crypto.kdf.params.n', 1000, /n must be a power of two/u],
      ['crypto.kdf.params.n', 2 ** 30, /memory/u],
      ['crypto.kdf.params.dklen', 16, /crypto\.kdf\.params\.dklen/u],
      ['crypto.kdf.params.extra', 1, /unknown field crypto\.kdf\.params\.extra/u],
      ['uuid', 'not-a-uuid', /uuid: Invalid UUID/u],
      ['crypto.cipher.message', '', /crypto\.cipher\.message/u],
      ['path', 'm'.repeat(2000), /path/u],
    ]
    for (const [path, value, pattern] of cases) {
      expect(invalidMessage(withField(ks, path, value)), path).toMatch(pattern)
    }
    expect(invalidMessage([])).toMatch(/expected object/u)
  })

  it('accepts a foreign top-level field such as "name"', async () => {
    const ks = await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF })
    expect(parseKeystore(withField(ks, 'name', 'validator 1')).uuid).toBe(ks.uuid)
  })

  it('checks PBKDF2 parameters', () => {
    const base = pbkdf2Vector.keystore
    const prf = withField(base, 'crypto.kdf.params.prf', 'hmac-sha512')
    const rounds = withField(base, 'crypto.kdf.params.c', 2 ** 30)
    expect(invalidMessage(prf)).toMatch(/crypto\.kdf\.params\.prf/u)
    expect(invalidMessage(rounds)).toMatch(/crypto\.kdf\.params\.c/u)
  })

  it('tells non-JSON from truncated JSON, without echoing the text', async () => {
    const secretText = 'abandon ability able about above absent'
    const error = await errorOf(Promise.resolve().then(() => parseKeystoreText(secretText)))
    expect(error.code).toBe('ERR_KEYSTORE_NOT_JSON')
    expect(error.message).not.toContain('abandon')
    expect(codeOfSync(() => parseKeystoreText('{"crypto": }'))).toBe('ERR_KEYSTORE_NOT_JSON')
    expect(codeOfSync(() => parseKeystoreText(''))).toBe('ERR_KEYSTORE_TRUNCATED')
    expect(codeOfSync(() => parseKeystoreText('  \n'))).toBe('ERR_KEYSTORE_TRUNCATED')
  })

  it('reports every cut-short prefix of a keystore as truncated', async () => {
    const text = serializeKeystore(await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF }))
    const end = text.lastIndexOf('}')
    for (let cut = 0; cut < end; cut++) {
      expect(
        codeOfSync(() => parseKeystoreText(text.slice(0, cut))),
        `cut at ${cut}`,
      ).toBe('ERR_KEYSTORE_TRUNCATED')
    }
  })

  it('derives the same key the keystore was made with', async () => {
    const keystore = await encryptKeystore(SECRET, 'pw', { kdf: FAST_KDF })
    const key = await deriveDecryptionKey('pw', keystore.crypto.kdf)
    expect(key).toHaveLength(32)
    expect(hex(decryptKeystoreWithKey(keystore, key))).toBe(hex(SECRET))
  })
})

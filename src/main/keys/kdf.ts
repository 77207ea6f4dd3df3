import { pbkdf2, randomBytes, scrypt } from 'node:crypto'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { takeBytes, wipe } from './bytes'
import { KeysError } from './errors'
import { DECRYPTION_KEY_BYTES, SCRYPT_MAX_MEMORY_BYTES, kdfModuleSchema } from './keystoreSchema'
import type { KdfModule } from './keystoreSchema'
import { formatIssues } from './schemaErrors'

/** Cost parameters for a new keystore; the salt is always fresh and dklen always 32. */
export type KdfParams =
  { function: 'scrypt'; n: number; r: number; p: number } | { function: 'pbkdf2'; c: number }

/** EIP-2335's recommended scrypt cost: n=2^18, r=8, p=1 (about a second, 256 MiB). */
export const DEFAULT_KDF: KdfParams = { function: 'scrypt', n: 2 ** 18, r: 8, p: 1 }

const SALT_BYTES = 32
// Above any accepted 128·n·r so OpenSSL never refuses a parameter set the schema let through.
const SCRYPT_MAXMEM_BYTES = SCRYPT_MAX_MEMORY_BYTES + 64 * 1024 * 1024

/** EIP-2335 password bytes: NFKD, then C0 (U+0000-001F), DEL and C1 (U+007F-009F) removed, UTF-8. */
export function normalizePassword(password: string): Uint8Array {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const stripped = password.normalize('NFKD').replace(/[\u0000-\u001f\u007f-\u009f]/gu, '')
  return new TextEncoder().encode(stripped)
}

/** Throws ERR_EMPTY_PASSWORD if a password chosen for new encryption normalises to nothing. */
export function assertNewPassword(password: string): void {
  const bytes = normalizePassword(password)
  const empty = bytes.length === 0
  wipe(bytes)
  if (empty) {
    throw new KeysError(
      'ERR_EMPTY_PASSWORD',
      'password is empty once control characters are removed',
    )
  }
}

/** A `crypto.kdf` module for a new keystore, with a fresh 32-byte salt. */
export function createKdfModule(params: KdfParams = DEFAULT_KDF): KdfModule {
  const salt = bytesToHex(randomBytes(SALT_BYTES))
  const module =
    params.function === 'scrypt'
      ? {
          function: 'scrypt',
          params: { dklen: DECRYPTION_KEY_BYTES, n: params.n, r: params.r, p: params.p, salt },
          message: '',
        }
      : {
          function: 'pbkdf2',
          params: { dklen: DECRYPTION_KEY_BYTES, c: params.c, prf: 'hmac-sha256', salt },
          message: '',
        }
  const result = kdfModuleSchema.safeParse(module, { reportInput: true })
  if (!result.success) {
    throw new KeysError('ERR_KEYSTORE_INVALID', `bad kdf parameters: ${formatIssues(result.error)}`)
  }
  return result.data
}

/**
 * Derives the 32-byte decryption key from a password. Both KDFs run in node:crypto's thread pool,
 * so even n=2^18 scrypt never blocks the event loop.
 */
export async function deriveDecryptionKey(password: string, kdf: KdfModule): Promise<Uint8Array> {
  const secret = normalizePassword(password)
  const salt = hexToBytes(kdf.params.salt)
  try {
    const key = await new Promise<Buffer>((resolve, reject) => {
      const done = (error: Error | null, derived: Buffer) => {
        if (error) reject(error)
        else resolve(derived)
      }
      if (kdf.function === 'scrypt') {
        const { n: N, r, p, dklen } = kdf.params
        scrypt(secret, salt, dklen, { N, r, p, maxmem: SCRYPT_MAXMEM_BYTES }, done)
      } else {
        pbkdf2(secret, salt, kdf.params.c, kdf.params.dklen, 'sha256', done)
      }
    })
    return takeBytes(key)
  } finally {
    wipe(secret)
  }
}

import { z } from 'zod'
import { KeysError } from './errors'
import { parseJsonText } from './jsonText'
import { formatIssues } from './schemaErrors'

/** Bytes of the EIP-2335 decryption key: AES key ‖ checksum key. */
export const DECRYPTION_KEY_BYTES = 32
/** Largest secret a keystore may hold; ours are 64 bytes at most. */
export const MAX_SECRET_BYTES = 1024
/** Longest `path` or `description` accepted; imported files are untrusted. */
export const MAX_TEXT_LENGTH = 1024
/** Memory cap for scrypt parameters accepted from a file (128·n·r bytes). */
export const SCRYPT_MAX_MEMORY_BYTES = 1024 * 1024 * 1024
/** Cap on PBKDF2 iterations accepted from a file, so a hostile file cannot stall the app. */
export const PBKDF2_MAX_ITERATIONS = 2 ** 24

/** Hex string of `min` to `max` bytes (exactly `min` when `max` is omitted). */
function hex(min: number, max = min) {
  const size = min === max ? `${min} bytes` : `${min} to ${max} bytes`
  return z
    .string()
    .regex(/^(?:[0-9a-fA-F]{2})*$/u, `expected an even number of hex digits (${size})`)
    .refine((s) => s.length >= 2 * min && s.length <= 2 * max, `expected ${size} of hex`)
}

const salt = hex(16, 64)
const dklen = z.literal(DECRYPTION_KEY_BYTES)
const positiveInt = (max: number) => z.number().int().min(1).max(max)

const scryptModule = z.strictObject({
  function: z.literal('scrypt'),
  params: z
    .strictObject({
      dklen,
      n: z
        .number()
        .int()
        .min(2)
        .refine((n) => (n & (n - 1)) === 0, 'n must be a power of two'),
      r: positiveInt(32),
      p: positiveInt(16),
      salt,
    })
    .refine(
      ({ n, r }) => 128 * n * r <= SCRYPT_MAX_MEMORY_BYTES,
      `scrypt needs more than ${SCRYPT_MAX_MEMORY_BYTES} bytes of memory`,
    ),
  message: z.literal(''),
})

const pbkdf2Module = z.strictObject({
  function: z.literal('pbkdf2'),
  params: z.strictObject({
    dklen,
    c: positiveInt(PBKDF2_MAX_ITERATIONS),
    prf: z.literal('hmac-sha256'),
    salt,
  }),
  message: z.literal(''),
})

/** The `crypto.kdf` module: scrypt or PBKDF2-HMAC-SHA256. */
export const kdfModuleSchema = z.discriminatedUnion('function', [scryptModule, pbkdf2Module])

/** EIP-2335 version 4 keystore. Unknown top-level fields (some tools add "name") are dropped. */
const keystoreSchema = z.object({
  crypto: z.strictObject({
    kdf: kdfModuleSchema,
    checksum: z.strictObject({
      function: z.literal('sha256'),
      params: z.strictObject({}),
      message: hex(32),
    }),
    cipher: z.strictObject({
      function: z.literal('aes-128-ctr'),
      params: z.strictObject({ iv: hex(16) }),
      message: hex(1, MAX_SECRET_BYTES),
    }),
  }),
  description: z.string().max(MAX_TEXT_LENGTH).optional(),
  pubkey: hex(0, 256).optional(),
  path: z.string().max(MAX_TEXT_LENGTH),
  uuid: z.uuid(),
  version: z.literal(4),
})

/** A parsed EIP-2335 keystore. */
export type Keystore = z.infer<typeof keystoreSchema>
/** A parsed `crypto.kdf` module. */
export type KdfModule = z.infer<typeof kdfModuleSchema>

/** Checks a decoded JSON value field by field; throws ERR_KEYSTORE_INVALID naming each problem. */
export function parseKeystore(value: unknown): Keystore {
  const result = keystoreSchema.safeParse(value, { reportInput: true })
  if (!result.success) {
    throw new KeysError('ERR_KEYSTORE_INVALID', `invalid keystore: ${formatIssues(result.error)}`)
  }
  return result.data
}

/** Parses keystore JSON text: ERR_KEYSTORE_TRUNCATED, ERR_KEYSTORE_NOT_JSON or as parseKeystore. */
export function parseKeystoreText(text: string): Keystore {
  const json = parseJsonText(text)
  if (json.ok) return parseKeystore(json.value)
  if (json.problem === 'truncated') {
    throw new KeysError(
      'ERR_KEYSTORE_TRUNCATED',
      'keystore is truncated: empty, or its JSON ends early',
    )
  }
  throw new KeysError('ERR_KEYSTORE_NOT_JSON', 'keystore is not JSON')
}

/** JSON text of a keystore, as written to files and exports. */
export function serializeKeystore(keystore: Keystore): string {
  return `${JSON.stringify(keystore, null, 2)}\n`
}

import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto'
import { timingSafeEqual } from 'node:crypto'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { assertBytes, takeBytes, wipe } from './bytes'
import { KeysError } from './errors'
import { assertNewPassword, createKdfModule, deriveDecryptionKey } from './kdf'
import type { KdfParams } from './kdf'
import { DECRYPTION_KEY_BYTES, MAX_SECRET_BYTES, parseKeystore } from './keystoreSchema'
import type { KdfModule, Keystore } from './keystoreSchema'

const IV_BYTES = 16
const AES_KEY_BYTES = 16

/** Plain-text fields of a new keystore. */
export interface KeystoreMeta {
  /** Derivation path of the secret, "" if none. */
  path?: string
  /** Public key of the secret, if it is a private key. */
  pubkey?: Uint8Array
  description?: string
}

/** SHA-256(decryptionKey[16:32] ‖ ciphertext), the EIP-2335 password check. */
function checksum(decryptionKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const hash = createHash('sha256')
  hash.update(decryptionKey.subarray(AES_KEY_BYTES, DECRYPTION_KEY_BYTES))
  hash.update(ciphertext)
  return new Uint8Array(hash.digest())
}

/** AES-128-CTR with key = decryptionKey[0:16]; the same call encrypts and decrypts. */
function aes128Ctr(
  mode: 'encrypt' | 'decrypt',
  decryptionKey: Uint8Array,
  iv: Uint8Array,
  input: Uint8Array,
): Uint8Array {
  const key = decryptionKey.subarray(0, AES_KEY_BYTES)
  const cipher =
    mode === 'encrypt'
      ? createCipheriv('aes-128-ctr', key, iv)
      : createDecipheriv('aes-128-ctr', key, iv)
  const head = cipher.update(input)
  const tail = cipher.final()
  const output = takeBytes(head)
  wipe(tail)
  return output
}

/**
 * Encrypts a secret under an already derived decryption key and its kdf module. Lets a wallet put
 * several keystores under one password while running the slow KDF once; each gets its own IV.
 */
export function encryptKeystoreWithKey(
  secret: Uint8Array,
  decryptionKey: Uint8Array,
  kdf: KdfModule,
  meta: KeystoreMeta = {},
): Keystore {
  assertBytes(secret, 'secret', { min: 1, max: MAX_SECRET_BYTES })
  assertBytes(decryptionKey, 'decryptionKey', DECRYPTION_KEY_BYTES)
  if (meta.pubkey !== undefined) assertBytes(meta.pubkey, 'pubkey', { min: 1, max: 256 })
  const iv = new Uint8Array(randomBytes(IV_BYTES))
  const ciphertext = aes128Ctr('encrypt', decryptionKey, iv, secret)
  return parseKeystore({
    crypto: {
      kdf,
      checksum: {
        function: 'sha256',
        params: {},
        message: bytesToHex(checksum(decryptionKey, ciphertext)),
      },
      cipher: {
        function: 'aes-128-ctr',
        params: { iv: bytesToHex(iv) },
        message: bytesToHex(ciphertext),
      },
    },
    description: meta.description ?? '',
    pubkey: meta.pubkey === undefined ? '' : bytesToHex(meta.pubkey),
    path: meta.path ?? '',
    uuid: randomUUID(),
    version: 4,
  })
}

/** Encrypts a secret under a password into a new EIP-2335 keystore (scrypt 2^18 by default). */
export async function encryptKeystore(
  secret: Uint8Array,
  password: string,
  options: KeystoreMeta & { kdf?: KdfParams } = {},
): Promise<Keystore> {
  assertBytes(secret, 'secret', { min: 1, max: MAX_SECRET_BYTES })
  assertNewPassword(password)
  const kdf = createKdfModule(options.kdf)
  const decryptionKey = await deriveDecryptionKey(password, kdf)
  try {
    return encryptKeystoreWithKey(secret, decryptionKey, kdf, options)
  } finally {
    wipe(decryptionKey)
  }
}

/** Checks the checksum and decrypts with a derived key; ERR_BAD_PASSWORD if it does not match. */
export function decryptKeystoreWithKey(keystore: Keystore, decryptionKey: Uint8Array): Uint8Array {
  assertBytes(decryptionKey, 'decryptionKey', DECRYPTION_KEY_BYTES)
  const { checksum: check, cipher } = keystore.crypto
  const ciphertext = hexToBytes(cipher.message)
  if (!timingSafeEqual(checksum(decryptionKey, ciphertext), hexToBytes(check.message))) {
    throw new KeysError('ERR_BAD_PASSWORD', 'wrong password: the keystore checksum does not match')
  }
  return aes128Ctr('decrypt', decryptionKey, hexToBytes(cipher.params.iv), ciphertext)
}

/**
 * Decrypts a keystore with its password and returns the secret bytes as stored. Nothing is
 * checked against `pubkey`, so foreign keystores (e.g. BLS) open too.
 */
export async function decryptKeystore(keystore: Keystore, password: string): Promise<Uint8Array> {
  const decryptionKey = await deriveDecryptionKey(password, keystore.crypto.kdf)
  try {
    return decryptKeystoreWithKey(keystore, decryptionKey)
  } finally {
    wipe(decryptionKey)
  }
}

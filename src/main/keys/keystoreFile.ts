import { readFile } from 'node:fs/promises'
import { wipe } from './bytes'
import { KeysError } from './errors'
import { isNotFound, writeFileAtomic } from '../files/atomicFile'
import { decryptKeystore, decryptKeystoreWithKey } from './keystore'
import { parseKeystoreText, serializeKeystore } from './keystoreSchema'
import type { Keystore } from './keystoreSchema'

/** What opens a keystore: its password, or the decryption key already derived from it. */
export type KeystoreKey = { password: string } | { decryptionKey: Uint8Array }

/**
 * Reads and checks a keystore file. Throws ERR_KEYSTORE_NOT_FOUND, ERR_KEYSTORE_NOT_JSON,
 * ERR_KEYSTORE_TRUNCATED or ERR_KEYSTORE_INVALID, each naming the file.
 */
export async function readKeystoreFile(file: string): Promise<Keystore> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (isNotFound(error)) {
      throw new KeysError('ERR_KEYSTORE_NOT_FOUND', `no keystore file at ${file}`, { cause: error })
    }
    throw error
  }
  try {
    return parseKeystoreText(text)
  } catch (error) {
    if (error instanceof KeysError) {
      throw new KeysError(error.code, `${file}: ${error.message}`, { cause: error })
    }
    throw error
  }
}

/**
 * Writes a keystore file atomically (0600, directory 0700). The written copy is read back and
 * decrypted with `key` before it replaces anything; if that fails the old file stays.
 */
export async function writeKeystoreFile(
  file: string,
  keystore: Keystore,
  key: KeystoreKey,
): Promise<void> {
  const text = new TextEncoder().encode(serializeKeystore(keystore))
  await writeFileAtomic(file, text, async (tempFile) => {
    const written = await readKeystoreFile(tempFile)
    const secret =
      'password' in key
        ? await decryptKeystore(written, key.password)
        : decryptKeystoreWithKey(written, key.decryptionKey)
    wipe(secret)
  })
}

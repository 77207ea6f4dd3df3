import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { TEMP_FILE_PATTERN, syncDir } from '../files/atomicFile'
import { encryptKeystoreWithKey } from './keystore'
import type { KeystoreMeta } from './keystore'
import { writeKeystoreFile } from './keystoreFile'
import type { KdfModule } from './keystoreSchema'
import { KEYSTORE_FILE_PATTERN, writeWalletIndex } from './walletIndex'
import type { WalletIndex } from './walletIndex'

/** What a wallet keystore file holds; also the start of its file name. */
export type SecretKind = 'seed' | 'mnemonic' | 'account'

/** A derived decryption key with the kdf module (salt and cost) it was derived with. */
export interface WalletKey {
  decryptionKey: Uint8Array
  kdf: KdfModule
}

/**
 * Writes a secret to a new keystore file "<kind>-<uuid>.json" and returns its name. Files are
 * never overwritten: a change writes new files and then commits an index that points at them.
 */
export async function writeSecretFile(
  dir: string,
  kind: SecretKind,
  secret: Uint8Array,
  key: WalletKey,
  meta: KeystoreMeta,
): Promise<string> {
  const keystore = encryptKeystoreWithKey(secret, key.decryptionKey, key.kdf, meta)
  const name = `${kind}-${keystore.uuid}.json`
  await writeKeystoreFile(join(dir, name), keystore, { decryptionKey: key.decryptionKey })
  return name
}

/**
 * Commits a new index, then deletes keystore files it no longer references (e.g. those still
 * under an old password) and temp files left by a crash. A crash before the index is replaced
 * leaves the old index and its files intact; the next commit removes the orphans.
 */
export async function commitWalletIndex(dir: string, index: WalletIndex): Promise<void> {
  await writeWalletIndex(dir, index)
  const referenced = new Set([index.seed, index.mnemonic])
  for (const account of index.accounts) {
    if (account.kind === 'imported') referenced.add(account.keystore)
  }
  const stale = (await readdir(dir)).filter(
    (name) =>
      TEMP_FILE_PATTERN.test(name) || (KEYSTORE_FILE_PATTERN.test(name) && !referenced.has(name)),
  )
  if (stale.length === 0) return
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })))
  await syncDir(dir)
}

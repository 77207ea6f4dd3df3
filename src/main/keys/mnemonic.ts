import { pbkdf2, randomBytes } from 'node:crypto'
import { entropyToMnemonic, mnemonicToEntropy as scureMnemonicToEntropy } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { assertBytes, takeBytes, wipe } from './bytes'
import { KeysError } from './errors'

/** Words in a generated mnemonic (256 bits of entropy). */
export const MNEMONIC_WORDS = 24
/** Bytes of entropy behind a generated mnemonic. */
export const MNEMONIC_ENTROPY_BYTES = 32
/** Bytes of a BIP39 seed. */
export const SEED_BYTES = 64

const PBKDF2_ROUNDS = 2048

/**
 * Puts a mnemonic into the form BIP39 hashes: NFKD, lower case, single spaces. Only whitespace
 * and case change, and the English word list has no upper case, so no valid phrase is altered.
 */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.normalize('NFKD').trim().toLowerCase().split(/\s+/u).join(' ')
}

/** Returns a new 24-word English mnemonic from 256 bits of system randomness. */
export function generateMnemonic(): string {
  const entropy = randomBytes(MNEMONIC_ENTROPY_BYTES)
  try {
    return entropyToMnemonic(entropy, wordlist)
  } finally {
    wipe(entropy)
  }
}

/** True if the phrase has 12 to 24 English words and a correct checksum. */
export function validateMnemonic(mnemonic: string): boolean {
  try {
    scureMnemonicToEntropy(normalizeMnemonic(mnemonic), wordlist).fill(0)
    return true
  } catch {
    return false
  }
}

/** Decodes a mnemonic to its 16 to 32 bytes of entropy; throws ERR_BAD_MNEMONIC if invalid. */
export function mnemonicToEntropy(mnemonic: string): Uint8Array {
  try {
    return scureMnemonicToEntropy(normalizeMnemonic(mnemonic), wordlist)
  } catch {
    // The library's message can quote the words; ours must not.
    throw new KeysError(
      'ERR_BAD_MNEMONIC',
      'mnemonic is not 12 to 24 English BIP39 words with a valid checksum',
    )
  }
}

/** Encodes 16 to 32 bytes of entropy (a multiple of 4) as an English mnemonic. */
export function mnemonicFromEntropy(entropy: Uint8Array): string {
  assertBytes(entropy, 'entropy', { min: 16, max: 32 })
  if (entropy.length % 4 !== 0) {
    throw new KeysError(
      'ERR_BAD_BYTES',
      `entropy must be a multiple of 4 bytes, got ${entropy.length}`,
    )
  }
  return entropyToMnemonic(entropy, wordlist)
}

/**
 * BIP39 seed of a valid mnemonic and an optional passphrase, both NFKD-normalised. Runs PBKDF2 in
 * node:crypto's thread pool, which is native and does not block the event loop.
 */
export async function mnemonicToSeed(mnemonic: string, passphrase = ''): Promise<Uint8Array> {
  wipe(mnemonicToEntropy(mnemonic))
  const password = Buffer.from(normalizeMnemonic(mnemonic), 'utf8')
  const salt = Buffer.from(`mnemonic${passphrase.normalize('NFKD')}`, 'utf8')
  try {
    const seed = await new Promise<Buffer>((resolve, reject) => {
      pbkdf2(password, salt, PBKDF2_ROUNDS, SEED_BYTES, 'sha512', (error, key) => {
        if (error) reject(error)
        else resolve(key)
      })
    })
    return takeBytes(seed)
  } finally {
    wipe(password, salt)
  }
}

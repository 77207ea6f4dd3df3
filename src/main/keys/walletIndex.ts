import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { isNotFound, writeFileAtomic } from '../files/atomicFile'
import { KeysError } from './errors'
import { parseJsonText } from './jsonText'
import { MAX_TEXT_LENGTH } from './keystoreSchema'
import { MAX_KEY_INDEX, keyPath } from './paths'
import { formatIssues } from './schemaErrors'

/** Name of the wallet's index inside its directory; writing it commits every change. */
const WALLET_INDEX_FILE = 'wallet.json'
/** Names the index may point at; nothing else in (or outside) the directory can be referenced. */
export const KEYSTORE_FILE_PATTERN =
  /^(?:seed|mnemonic|account)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/u
/** Longest account label, in UTF-16 code units. */
export const MAX_LABEL_LENGTH = 64

const keystoreFile = z
  .string()
  .regex(KEYSTORE_FILE_PATTERN, 'expected a keystore file name like "seed-<uuid>.json"')
const publicKey = z.string().regex(/^[0-9a-f]{64}$/u, 'expected 32 bytes of lowercase hex')
const accountFields = {
  index: z.number().int().min(0).max(MAX_KEY_INDEX),
  label: z.string().max(MAX_LABEL_LENGTH),
  path: z.string().max(MAX_TEXT_LENGTH),
  publicKey,
}

const accountSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('derived'), ...accountFields })
    .refine((account) => account.path === keyPath('account', account.index), {
      message: 'a derived account must use the account path of its index',
      path: ['path'],
    }),
  z.strictObject({ kind: z.literal('imported'), ...accountFields, keystore: keystoreFile }),
])

const walletIndexSchema = z
  .strictObject({
    version: z.literal(1),
    seed: keystoreFile,
    mnemonic: keystoreFile,
    consensusPublicKey: publicKey,
    identityPublicKey: publicKey,
    accounts: z.array(accountSchema),
  })
  .refine((index) => new Set(index.accounts.map((a) => a.index)).size === index.accounts.length, {
    message: 'account indices must be unique',
    path: ['accounts'],
  })
  .refine(
    (index) => new Set(index.accounts.map((a) => a.publicKey)).size === index.accounts.length,
    { message: 'account public keys must be unique', path: ['accounts'] },
  )

/**
 * The wallet's plain-text index: which keystore files are current, and the public side of every
 * key, so accounts can be listed and verified while the wallet is locked.
 */
export type WalletIndex = z.infer<typeof walletIndexSchema>
/** One account as recorded in the index. */
export type AccountRecord = WalletIndex['accounts'][number]

function parseWalletIndex(text: string): WalletIndex {
  const json = parseJsonText(text)
  if (!json.ok) {
    const problem = json.problem === 'truncated' ? 'is truncated' : 'is not JSON'
    throw new KeysError('ERR_WALLET_CORRUPT', `${WALLET_INDEX_FILE} ${problem}`)
  }
  const result = walletIndexSchema.safeParse(json.value, { reportInput: true })
  if (!result.success) {
    throw new KeysError(
      'ERR_WALLET_CORRUPT',
      `${WALLET_INDEX_FILE} is invalid: ${formatIssues(result.error)}`,
    )
  }
  return result.data
}

/** True if the directory holds a wallet index. */
export async function walletIndexExists(dir: string): Promise<boolean> {
  try {
    await access(join(dir, WALLET_INDEX_FILE))
    return true
  } catch (error) {
    if (isNotFound(error)) return false
    throw error
  }
}

/** Reads the index; ERR_NO_WALLET if there is none, ERR_WALLET_CORRUPT if it is unreadable. */
export async function readWalletIndex(dir: string): Promise<WalletIndex> {
  let text: string
  try {
    text = await readFile(join(dir, WALLET_INDEX_FILE), 'utf8')
  } catch (error) {
    if (isNotFound(error)) {
      throw new KeysError('ERR_NO_WALLET', `no wallet in ${dir}`, { cause: error })
    }
    throw error
  }
  return parseWalletIndex(text)
}

/** Atomically replaces the index, after checking the written copy parses back. */
export async function writeWalletIndex(dir: string, index: WalletIndex): Promise<void> {
  const text = `${JSON.stringify(walletIndexSchema.parse(index), null, 2)}\n`
  await writeFileAtomic(
    join(dir, WALLET_INDEX_FILE),
    new TextEncoder().encode(text),
    async (temp) => {
      parseWalletIndex(await readFile(temp, 'utf8'))
    },
  )
}

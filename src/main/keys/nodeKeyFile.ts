import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { fromHex, toHex } from '../../shared/encoding'
import { writeFileAtomic } from '../files/atomicFile'
import { wipe } from './bytes'
import { KeysError } from './errors'
import { Ed25519Signer, type Signer } from './signer'

const NodeKeyFileSchema = z
  .object({
    version: z.literal(1),
    consensusSeed: z.string().regex(/^[0-9a-f]{64}$/),
    accountSeed: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict()

/** The node's own keys: the consensus key it votes with and the devnet account it was funded. */
export interface NodeKeys {
  readonly consensus: Signer
  readonly account: Signer
}

function signerFromSeed(seed: Uint8Array): Signer {
  try {
    return new Ed25519Signer(seed)
  } finally {
    wipe(seed)
  }
}

/**
 * Loads the node key file (mode 0600), creating it with fresh keys on first start. Like a
 * CometBFT priv_validator_key.json, it lets an unattended devnet node vote after a restart.
 */
export async function loadOrCreateNodeKeys(path: string): Promise<NodeKeys> {
  let text: string | null = null
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text === null) {
    const consensus = new Uint8Array(randomBytes(32))
    const account = new Uint8Array(randomBytes(32))
    const file = { version: 1, consensusSeed: toHex(consensus), accountSeed: toHex(account) }
    await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(file, null, 2) + '\n'))
    return { consensus: signerFromSeed(consensus), account: signerFromSeed(account) }
  }
  let parsed: z.infer<typeof NodeKeyFileSchema>
  try {
    parsed = NodeKeyFileSchema.parse(JSON.parse(text))
  } catch {
    throw new KeysError('ERR_KEYSTORE_INVALID', `node key file ${path} is not valid`)
  }
  return {
    consensus: signerFromSeed(fromHex(parsed.consensusSeed)),
    account: signerFromSeed(fromHex(parsed.accountSeed)),
  }
}

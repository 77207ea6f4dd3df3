import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { CodedError } from '../../shared/errors'
import { fromHex, toHex } from '../../shared/encoding'
import type { Signer } from '../node/consensus/privValidator'
import {
  ed25519PrivateKey,
  ed25519PublicKeyOf,
  ed25519Sign,
  randomEd25519Seed,
} from '../node/crypto'
import { writeFileAtomic } from '../node/fsUtil'

const NodeKeyFileSchema = z
  .object({
    version: z.literal(1),
    consensusSeed: z.string().regex(/^[0-9a-f]{64}$/),
    accountSeed: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict()

export class NodeKeyError extends CodedError<'ERR_NODE_KEY_FILE'> {}

/** The node's own keys: the consensus key it votes with and the devnet account it was funded. */
export interface NodeKeys {
  readonly consensus: Signer
  readonly account: Signer
}

/** A Signer over a raw seed; the seed is turned into a KeyObject and the copy zeroed. */
export function seedSigner(seed: Uint8Array): Signer {
  const key = ed25519PrivateKey(seed)
  seed.fill(0)
  const publicKey = ed25519PublicKeyOf(key)
  return {
    publicKey: () => publicKey.slice(),
    sign: (message) => ed25519Sign(key, message),
  }
}

/**
 * Loads the node key file (mode 0600), creating it with fresh keys on first start. Like a
 * CometBFT priv_validator_key.json, it lets an unattended node vote after a restart.
 */
export async function loadOrCreateNodeKeys(path: string): Promise<NodeKeys> {
  let text: string | null = null
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text === null) {
    const consensus = randomEd25519Seed()
    const account = randomEd25519Seed()
    const file = { version: 1, consensusSeed: toHex(consensus), accountSeed: toHex(account) }
    await writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n')
    return { consensus: seedSigner(consensus), account: seedSigner(account) }
  }
  let parsed: z.infer<typeof NodeKeyFileSchema>
  try {
    parsed = NodeKeyFileSchema.parse(JSON.parse(text))
  } catch {
    throw new NodeKeyError('ERR_NODE_KEY_FILE', `node key file ${path} is not valid`)
  }
  return {
    consensus: seedSigner(fromHex(parsed.consensusSeed)),
    account: seedSigner(fromHex(parsed.accountSeed)),
  }
}

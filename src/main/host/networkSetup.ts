import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { CodedError } from '../../shared/errors'
import { isNotFound, writeFileAtomic } from '../files/atomicFile'
import type { DataDirLayout } from '../node/dataDir'
import {
  networkFileJson,
  networkId,
  parseNetworkFile,
  PeerUrlSchema,
  type Network,
} from '../node/p2p/networkFile'

export class NetworkSetupError extends CodedError<'ERR_WRONG_NETWORK' | 'ERR_BAD_P2P_CONFIG'> {}

/** Where the node listens for peers, and the address it gives them. */
export const ListenConfigSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(0).max(65535),
    externalUrl: PeerUrlSchema.optional(),
  })
  .strict()
export type ListenConfig = z.infer<typeof ListenConfigSchema>

/** Peers reach a validator on every interface at the conventional port unless told otherwise. */
export const DEFAULT_LISTEN: ListenConfig = { host: '0.0.0.0', port: 26656 }

function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n')
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** The network this data directory belongs to, or null for a lone devnet. */
export async function loadNetwork(layout: DataDirLayout): Promise<Network | null> {
  const json = await readJson(layout.network)
  return json === undefined ? null : parseNetworkFile(json)
}

/**
 * Makes the data directory a member of the network in `json` (a network file's content). The
 * same network again is fine (its seeds are updated); another network is refused.
 */
export async function importNetwork(layout: DataDirLayout, json: unknown): Promise<Network> {
  const network = parseNetworkFile(json)
  const current = await loadNetwork(layout)
  if (current && networkId(current) !== networkId(network)) {
    throw new NetworkSetupError(
      'ERR_WRONG_NETWORK',
      `${layout.root} already belongs to cluster ${current.genesis.clusterId}; use another data directory`,
    )
  }
  await writeFileAtomic(layout.network, encodeJson(networkFileJson(network)))
  return network
}

/** The saved listening settings with `override` applied (and saved, so restarts keep them). */
export async function listenConfig(
  layout: DataDirLayout,
  override: Partial<ListenConfig> = {},
): Promise<ListenConfig> {
  const saved = await readJson(layout.p2p)
  const parsed = ListenConfigSchema.safeParse({ ...DEFAULT_LISTEN, ...(saved ?? {}), ...override })
  if (!parsed.success) {
    throw new NetworkSetupError('ERR_BAD_P2P_CONFIG', `invalid peer settings in ${layout.p2p}`)
  }
  if (Object.keys(override).length > 0) await writeFileAtomic(layout.p2p, encodeJson(parsed.data))
  return parsed.data
}

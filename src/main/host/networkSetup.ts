import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { CodedError } from '../../shared/errors'
import { isNotFound, writeFileAtomic } from '../files/atomicFile'
import type { DataDirLayout } from '../node/dataDir'
import { bytesEqual } from '../../shared/encoding'
import { genesisHash, parseGenesis } from '../node/chain/genesis'
import {
  assembleNetwork,
  DEFAULT_NETWORK_BALANCE,
  DEFAULT_NETWORK_STAKE,
  NetworkFileError,
  networkFileJson,
  parseJoinRequest,
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

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n')
}

export async function readJson(path: string): Promise<unknown> {
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
 * same network again is fine (its seeds are updated). A directory whose chain began under another
 * genesis (a devnet, another network) cannot change networks: the person is told to use another.
 */
export async function importNetwork(layout: DataDirLayout, json: unknown): Promise<Network> {
  const network = parseNetworkFile(json)
  const current = await readJson(layout.genesis)
  if (current !== undefined) {
    const genesis = parseGenesis(current)
    if (!bytesEqual(genesisHash(genesis), genesisHash(network.genesis))) {
      throw new NetworkSetupError(
        'ERR_WRONG_NETWORK',
        `${layout.root} already holds cluster ${genesis.clusterId}; use another data directory to join ${network.genesis.clusterId}`,
      )
    }
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

/** A network file (text) from join requests (texts), with the default terms and a fresh time. */
export function createNetworkFile(
  clusterId: string,
  requests: readonly string[],
): { file: string; validators: number } {
  const parsed = requests.map((text, i) => {
    try {
      return parseJoinRequest(JSON.parse(text))
    } catch (err) {
      if (err instanceof SyntaxError) {
        throw new NetworkFileError('ERR_BAD_JOIN_REQUEST', `join request ${i + 1} is not JSON`)
      }
      throw err
    }
  })
  const network = assembleNetwork(parsed, {
    clusterId,
    genesisTime: Date.now(),
    stake: DEFAULT_NETWORK_STAKE,
    balance: DEFAULT_NETWORK_BALANCE,
  })
  return {
    file: JSON.stringify(networkFileJson(network), null, 2) + '\n',
    validators: parsed.length,
  }
}

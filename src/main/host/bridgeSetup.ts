import { z } from 'zod'
import { CodedError } from '../../shared/errors'
import { writeFileAtomic } from '../files/atomicFile'
import type { BridgeConfig } from '../node/bridge/bridgeService'
import type { DataDirLayout } from '../node/dataDir'
import { PeerUrlSchema } from '../node/p2p/networkFile'
import { encodeJson, readJson } from './networkSetup'

export class BridgeSetupError extends CodedError<'ERR_BAD_BRIDGE_CONFIG'> {}

const BridgeConfigSchema = z
  .object({
    /** Where this node serves its chain to relayers of connected clusters. */
    listen: z
      .object({ host: z.string().min(1).max(255), port: z.number().int().min(0).max(65535) })
      .strict()
      .optional(),
    /** Bridge endpoints of nodes of connected clusters, whose heights this node relays. */
    remotes: z
      .array(
        z
          .object({
            cluster: z.string().min(1).max(64),
            urls: z.array(PeerUrlSchema).min(1).max(16),
          })
          .strict(),
      )
      .max(64)
      .optional(),
  })
  .strict()
type BridgeConfigFile = z.infer<typeof BridgeConfigSchema>

async function readConfig(layout: DataDirLayout): Promise<BridgeConfigFile> {
  const json = await readJson(layout.bridge)
  if (json === undefined) return {}
  const parsed = BridgeConfigSchema.safeParse(json)
  if (!parsed.success) {
    throw new BridgeSetupError('ERR_BAD_BRIDGE_CONFIG', `${layout.bridge}: ${parsed.error.message}`)
  }
  return parsed.data
}

/** The bridge settings of a data directory (none: no endpoint, nothing relayed). */
export async function loadBridgeConfig(layout: DataDirLayout): Promise<BridgeConfig> {
  const file = await readConfig(layout)
  return { listen: file.listen ?? null, remotes: file.remotes ?? [] }
}

/** Sets where the bridge endpoint listens. */
export async function setBridgeListen(
  layout: DataDirLayout,
  listen: { host: string; port: number },
): Promise<void> {
  const file = await readConfig(layout)
  await writeFileAtomic(layout.bridge, encodeJson({ ...file, listen }))
}

/** Relays `cluster` from the bridge endpoints `urls` (replacing any it had). */
export async function setBridgeRemote(
  layout: DataDirLayout,
  cluster: string,
  urls: readonly string[],
): Promise<void> {
  const file = await readConfig(layout)
  const remotes = (file.remotes ?? []).filter((r) => r.cluster !== cluster)
  remotes.push({ cluster, urls: [...urls] })
  await writeFileAtomic(layout.bridge, encodeJson({ ...file, remotes }))
}

import { createDispatcher } from '../ipc/dispatcher'
import { createHandlers } from '../ipc/handlers'
import { NodeHost, PASSWORD_IS_CONFIRMATION } from '../host/nodeHost'
import type { Logger } from '../node/logger'
import type { ListenConfig } from '../host/networkSetup'
import { startMetricsServer, type MetricsServer } from './metricsServer'
import { startRpcServer } from './rpcServer'

export interface HeadlessOptions {
  readonly dataDir: string
  readonly rpcPort: number
  readonly blockTimeMs: number
  readonly staticDir: string
  readonly logger: Logger
  /** Unlocks the wallet at start, so the validator runs unattended. */
  readonly password?: string
  /** A network file's content to join, and where to listen for its peers. */
  readonly network?: unknown
  readonly listen?: Partial<ListenConfig>
  /** Serve Prometheus metrics on this loopback port (0: any free port); off when absent. */
  readonly metricsPort?: number
}

export interface HeadlessNode {
  readonly host: NodeHost
  readonly uiUrl: string
  /** Where Prometheus scrapes, when metrics are on. */
  readonly metricsUrl: string | null
  stop(): Promise<void>
}

/**
 * The node without Electron, with its UI and RPC served on 127.0.0.1. Without a password the
 * node waits until the wallet is created or unlocked from the UI.
 */
export async function runHeadless(options: HeadlessOptions): Promise<HeadlessNode> {
  const host = await NodeHost.open({
    dataDir: options.dataDir,
    blockTimeMs: options.blockTimeMs,
    logger: options.logger,
    // In headless mode the password sent with a spend is the person's confirmation.
    spendConfirmer: PASSWORD_IS_CONFIRMATION,
    ...(options.network === undefined ? {} : { network: options.network }),
    ...(options.listen ? { listen: options.listen } : {}),
  })
  let server
  let metrics: MetricsServer | null = null
  try {
    if (options.password !== undefined) await host.unlock(options.password)
    server = await startRpcServer({
      port: options.rpcPort,
      staticDir: options.staticDir,
      endpointFile: host.layout.rpc,
      dispatch: createDispatcher(createHandlers(host)),
      logger: options.logger.child({ module: 'rpc' }),
    })
    if (options.metricsPort !== undefined) {
      metrics = await startMetricsServer(options.metricsPort, () => host.runningNode())
    }
  } catch (err) {
    await server?.close()
    await host.stop()
    throw err
  }
  const rpc = server
  const unsubscribe = host.subscribe((event, payload) => rpc.broadcast(event, payload))
  return {
    host,
    uiUrl: rpc.uiUrl,
    metricsUrl: metrics?.url ?? null,
    async stop() {
      unsubscribe()
      await metrics?.close()
      await rpc.close()
      await host.stop()
    },
  }
}

import { createDispatcher } from '../ipc/dispatcher'
import { forwardNodeEvents } from '../ipc/events'
import { createNodeHandlers } from '../ipc/handlers'
import type { Logger } from '../node/logger'
import { CoherenceNode } from '../node/node'
import { startRpcServer } from './rpcServer'

export interface HeadlessOptions {
  readonly dataDir: string
  readonly rpcPort: number
  readonly blockTimeMs: number
  readonly staticDir: string
  readonly logger: Logger
}

export interface HeadlessNode {
  readonly node: CoherenceNode
  readonly uiUrl: string
  stop(): Promise<void>
}

/** The node without Electron, with its UI and RPC served on 127.0.0.1. */
export async function runHeadless(options: HeadlessOptions): Promise<HeadlessNode> {
  const node = await CoherenceNode.start({
    dataDir: options.dataDir,
    blockTimeMs: options.blockTimeMs,
    logger: options.logger,
  })
  let server
  try {
    server = await startRpcServer({
      port: options.rpcPort,
      staticDir: options.staticDir,
      endpointFile: node.layout.rpc,
      dispatch: createDispatcher(createNodeHandlers(node)),
      logger: options.logger.child({ module: 'rpc' }),
    })
  } catch (err) {
    await node.stop()
    throw err
  }
  const rpc = server
  const unsubscribe = forwardNodeEvents(node, (event, payload) => rpc.broadcast(event, payload))
  return {
    node,
    uiUrl: rpc.uiUrl,
    async stop() {
      unsubscribe()
      await rpc.close()
      await node.stop()
    },
  }
}

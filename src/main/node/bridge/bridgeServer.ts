import type { Chain } from '../chain/chain'
import type { Logger } from '../logger'
import { NODE_MAX_MESSAGE_BYTES } from '../p2p/peerManager'
import type { NoiseIdentity } from '../transport/noise/identity'
import type { PeerConnection } from '../transport/peerConnection'
import { startPeerServer, type PeerServer } from '../transport/peerServer'
import { committedBridge } from './bridgeState'
import { readBundles } from './bundles'
import {
  BRIDGE_PROLOGUE,
  decodeRequest,
  encodeResponse,
  type RelayRequest,
  type RelayResponse,
} from './relayProtocol'

/**
 * The serving end of the relay protocol: any node of a connected cluster may ask for this chain's
 * heights. Its answers are public data the asking chain verifies, so anyone may ask; a request
 * that does not decode closes the session.
 */
export async function startBridgeServer(opts: {
  chain: Chain
  identity: NoiseIdentity
  host: string
  port: number
  logger: Logger
}): Promise<PeerServer> {
  const server = await startPeerServer({
    identity: opts.identity,
    prologue: BRIDGE_PROLOGUE,
    maxFrameBytes: NODE_MAX_MESSAGE_BYTES,
    host: opts.host,
    port: opts.port,
    logger: opts.logger,
  })
  server.onConnection((connection) => serve(connection, opts.chain, opts.logger))
  return server
}

function serve(connection: PeerConnection, chain: Chain, logger: Logger): void {
  // One request at a time per session, answered in order.
  let queue = Promise.resolve()
  connection.onMessage((bytes) => {
    queue = queue.then(async () => {
      let request: RelayRequest
      try {
        request = decodeRequest(bytes)
      } catch {
        logger.warn('malformed bridge request; closing the session')
        connection.close()
        return
      }
      const response = await answer(chain, request)
      if (!connection.isClosed) connection.send(encodeResponse(response))
    })
  })
}

async function answer(chain: Chain, request: RelayRequest): Promise<RelayResponse> {
  const { cluster, from, max } = request
  // Headers are public: they are served whether or not this chain connected back.
  const connection = committedBridge(chain.state).connection(cluster)
  return {
    bundles: await readBundles(chain, cluster, from, max),
    tip: chain.height,
    nextRecvSeq: connection?.nextRecvSeq ?? null,
    trustedHeight: connection?.client.trustedHeight ?? null,
  }
}

import { toHex } from '../../../shared/encoding'
import type { Clock } from '../clock'
import { addressOf } from '../crypto'
import { encodeTx, txSignBytes, type Action, type TxBody } from '../ledger/tx'
import type { Logger } from '../logger'
import type { CoherenceNode } from '../node'
import type { NoiseIdentity } from '../transport/noise/identity'
import type { PeerServer } from '../transport/peerServer'
import { startBridgeServer } from './bridgeServer'
import { ClusterRelay, type RelayHost, type RelayView } from './relayer'

/** Where a node serves its chain to other clusters, and whom it relays from. */
export interface BridgeConfig {
  readonly listen: { readonly host: string; readonly port: number } | null
  /** Bridge endpoints of nodes of connected clusters, by cluster id. */
  readonly remotes: readonly { readonly cluster: string; readonly urls: readonly string[] }[]
}

const RELAY_INTERVAL_MS = 300

/**
 * The node's bridge endpoint and relayers. The relayer's account is the node's identity key: it
 * signs relay transactions while the wallet is locked, and pays their fees in FLX.
 */
export class BridgeService {
  private timer: unknown = null
  private closed = false

  private constructor(
    private readonly server: PeerServer | null,
    private readonly relays: readonly ClusterRelay[],
    private readonly clock: Clock,
  ) {}

  static async start(opts: {
    node: CoherenceNode
    identity: NoiseIdentity
    config: BridgeConfig
    clock: Clock
    logger: Logger
  }): Promise<BridgeService> {
    const { node, identity, config, clock } = opts
    const logger = opts.logger.child({ module: 'bridge' })
    const server = config.listen
      ? await startBridgeServer({ chain: node.chain, identity, ...config.listen, logger })
      : null
    const host = relayHost(node, identity)
    const relays = config.remotes.map(
      (r) => new ClusterRelay(r.cluster, r.urls, host, identity, clock, logger),
    )
    const service = new BridgeService(server, relays, clock)
    service.schedule()
    return service
  }

  /** The bridge endpoint's address, when it listens. */
  get url(): string | null {
    return this.server?.url ?? null
  }

  /** What each relayer last saw of its cluster. */
  relayStatus(): Map<string, RelayView> {
    return new Map(this.relays.map((r) => [r.cluster, r.status()]))
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    for (const relay of this.relays) relay.close()
    await this.server?.close()
  }

  private schedule(): void {
    if (this.closed || this.relays.length === 0) return
    this.timer = this.clock.setTimeout(() => {
      void this.round().finally(() => this.schedule())
    }, RELAY_INTERVAL_MS)
  }

  private async round(): Promise<void> {
    for (const relay of this.relays) {
      if (this.closed) return
      await relay.tick()
    }
  }
}

function relayHost(node: CoherenceNode, identity: NoiseIdentity): RelayHost {
  const address = addressOf(identity.publicKey)
  const { chain } = node
  return {
    chain,
    submit(action: Action): void {
      const body: TxBody = {
        sender: identity.publicKey,
        nonce: node.nextNonce(address),
        fee: chain.genesis.minFee,
        action,
      }
      const signature = identity.sign(txSignBytes(chain.clusterId, body))
      node.submitTx(toHex(encodeTx({ body, signature })))
    },
    pendingCount: () => node.nextNonce(address) - chain.state.account(address).nonce,
  }
}

import type { IpcClient } from '../../../shared/ipc/client'
import type { ActionReviewDto, BridgeInfo } from '../../../shared/ipc/contract'
import { NodeReadout } from './nodeReadout.svelte'

/** What a connection to another cluster is proposed with; the cap is per token, in base units. */
export interface ConnectTerms {
  /** The other cluster's network file (text). */
  readonly file: string
  /** Bridge endpoints of that cluster's nodes, for this node to relay it; may be empty. */
  readonly urls: readonly string[]
  readonly flowCap: bigint
  readonly flowWindow: number
}

/**
 * The bridge as the UI sees it: `bridge.info` (connected clusters, governor, queues, transfers),
 * reloaded on every committed block while a page watches, and the approval of a new connection.
 */
export class BridgeState {
  readonly info: NodeReadout<BridgeInfo>
  readonly #client: IpcClient

  constructor(client: IpcClient) {
    this.#client = client
    this.info = new NodeReadout(client, () => client.call('bridge.info', {}))
  }

  /**
   * The approval of a connection to the cluster of a network file, for the wallet to sign; with
   * endpoints, this node also relays that cluster from now on.
   */
  async prepareConnect(terms: ConnectTerms): Promise<{ cluster: string; action: ActionReviewDto }> {
    return this.#client.call('bridge.prepareConnect', {
      file: terms.file,
      urls: [...terms.urls],
      flowCap: terms.flowCap.toString(),
      flowWindow: terms.flowWindow,
    })
  }
}

import type { IpcClient } from '../../../shared/ipc/client'
import type { ChannelResponse } from '../../../shared/ipc/contract'

/** What `network.import` reports about the network the node will start in. */
export type ImportedNetwork = ChannelResponse<'network.import'>

/**
 * The calls that set up a validator network with other people: this wallet's join request, a
 * network file assembled from everyone's requests, and joining the network in such a file.
 */
export class NetworkSetup {
  readonly #client: IpcClient

  constructor(client: IpcClient) {
    this.#client = client
  }

  /** This wallet's join request as file text; `peerUrl` is where the others can dial this node. */
  async joinRequest(name: string, peerUrl: string | null): Promise<string> {
    return (await this.#client.call('network.joinRequest', { name, peerUrl })).file
  }

  /** A network file from join requests (file texts); this node is not changed by it. */
  create(clusterId: string, requests: string[]): Promise<ChannelResponse<'network.create'>> {
    return this.#client.call('network.create', { clusterId, requests })
  }

  /** The network the node belongs to or will start in (a file imported earlier), or null. */
  async current(): Promise<ImportedNetwork | null> {
    return (await this.#client.call('network.current', {})).network
  }

  /** Makes the node start in the network of this file; only before it first starts. */
  import(file: string): Promise<ImportedNetwork> {
    return this.#client.call('network.import', { file })
  }
}

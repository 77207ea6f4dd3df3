import type { IpcClient } from '../../../shared/ipc/client'
import type { BlockSummary, NodeStatus } from '../../../shared/ipc/contract'

const RECENT_BLOCKS = 8

/** The node as the UI sees it, fed by push events (never by polling). */
export class NodeState {
  status = $state<NodeStatus | null>(null)
  recentBlocks = $state<BlockSummary[]>([])
  connected = $state(false)
  error = $state<string | null>(null)

  constructor(private readonly client: IpcClient) {
    client.on('NodeStatus', (s) => {
      this.status = s
    })
    client.on('BlockCommitted', (b) => {
      this.recentBlocks = [b, ...this.recentBlocks].slice(0, RECENT_BLOCKS)
    })
  }

  /** Loads the current status once (on start and after a reconnect). */
  async refresh(): Promise<void> {
    try {
      this.status = await this.client.call('node.status', {})
      this.connected = true
      this.error = null
    } catch (err) {
      this.connected = false
      this.error = (err as Error).message
    }
  }

  setDisconnected(): void {
    this.connected = false
    this.error = 'connection to the node lost; reconnecting…'
  }
}

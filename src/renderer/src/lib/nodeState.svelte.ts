import type { IpcClient } from '../../../shared/ipc/client'
import type { BlockSummary, NodeStatus } from '../../../shared/ipc/contract'
import { IPC_ERRORS } from '../../../shared/ipc/errors'
import { toUiError, type UiError } from './errors'

const RECENT_BLOCKS = 8

/** The node as the UI sees it, fed by push events (never by polling). */
export class NodeState {
  status = $state<NodeStatus | null>(null)
  recentBlocks = $state<BlockSummary[]>([])
  connected = $state(false)
  error = $state<UiError | null>(null)

  constructor(private readonly client: IpcClient) {
    client.on('NodeStatus', (s) => {
      this.status = s
      this.connected = true
      this.error = null
    })
    client.on('BlockCommitted', (b) => {
      this.recentBlocks = [b, ...this.recentBlocks].slice(0, RECENT_BLOCKS)
    })
  }

  /** Loads the current status once (on start, after a reconnect, when the node starts). */
  async refresh(): Promise<void> {
    try {
      this.status = await this.client.call('node.status', {})
      this.connected = true
      this.error = null
    } catch (err) {
      this.error = toUiError(err)
      // Any answer but "disconnected" came from the node, so the connection itself is fine
      // (e.g. ERR_NODE_NOT_RUNNING while the node waits for the wallet).
      this.connected = this.error.code !== IPC_ERRORS.DISCONNECTED
    }
  }

  setDisconnected(): void {
    this.connected = false
    this.error = {
      code: IPC_ERRORS.DISCONNECTED,
      message: 'connection to the node lost; reconnecting…',
    }
  }
}

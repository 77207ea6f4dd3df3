import type { CoherenceNode } from '../node/node'
import type { ChannelHandlers } from './dispatcher'

/** Maps every IPC/RPC channel to the node service that answers it. */
export function createNodeHandlers(node: CoherenceNode): ChannelHandlers {
  return {
    'node.status': () => node.status(),
    'account.get': ({ address }) => node.account(address),
    'block.get': ({ height }) => node.blockSummary(height),
    'tx.submit': ({ tx }) => node.submitTx(tx),
  }
}

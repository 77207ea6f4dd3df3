import type { EventName, EventPayload } from '../../shared/ipc/contract'
import { summarize, type CoherenceNode } from '../node/node'

/** Sends the node's push events (one status and one block summary per committed block). */
export function forwardNodeEvents(
  node: CoherenceNode,
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void,
): () => void {
  return node.onBlock((committed) => {
    emit('BlockCommitted', summarize(committed.block))
    emit('NodeStatus', node.status())
  })
}

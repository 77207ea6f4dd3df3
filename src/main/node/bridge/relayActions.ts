import type { Action } from '../ledger/tx'
import type { BridgeTable } from './bridgeState'
import type { Bundle } from './relayProtocol'

/**
 * The transactions' actions that bring one height of a connected cluster to this chain: the
 * header for the light client, then each message not yet processed here (packets this cluster
 * already received and acks of packets already settled are left out, so a relayer that replays a
 * height after a restart pays for nothing twice).
 */
export function relayActions(bundle: Bundle, table: BridgeTable): Action[] {
  const cluster = bundle.header.clusterId
  const connection = table.connection(cluster)
  if (!connection) return []
  const actions: Action[] = []
  if (bundle.header.height > connection.client.trustedHeight) {
    const { header, commit, lastCommit, nextValidators } = bundle
    actions.push({ kind: 'bridgeUpdate', header, commit, lastCommit, nextValidators })
  }
  for (const { message, proof } of bundle.messages) {
    // An ack of a packet this state has not yet seen sent (this node is behind, e.g. catching up
    // after a restart) is not settled either: leaving it out would lose it for good.
    const pending =
      message.kind === 'packet'
        ? message.sequence >= connection.nextRecvSeq
        : table.outbound(cluster, message.sequence) !== undefined ||
          message.sequence >= connection.nextSendSeq
    if (pending) {
      actions.push({ kind: 'bridgeDeliver', height: bundle.header.height, message, proof })
    }
  }
  return actions
}

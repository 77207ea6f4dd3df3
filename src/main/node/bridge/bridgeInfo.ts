import { encodeAddress } from '../../../shared/address'
import { toHex } from '../../../shared/encoding'
import type {
  BridgeConnection,
  BridgeInfo,
  BridgeTransfer,
  TransferState,
} from '../../../shared/ipc/contract'
import { isTokenId, TOKENS, type TokenId } from '../../../shared/tokens'
import type { Chain } from '../chain/chain'
import { coherenceScore, entropyRate } from '../monitor/kpis'
import { committedBridge, flowWithin, type BridgeTable, type Connection } from './bridgeState'
import { allowance } from './governor'
import { ACK_OUTCOME } from './packet'
import type { RelayView } from './relayer'
import type { TransferRecord } from './transferLog'

/** How many transfers the bridge view lists. */
const MAX_LISTED_TRANSFERS = 200

function balances(b: readonly bigint[]): { CHR: string; PSY: string; FLX: string } {
  return { CHR: b[0]!.toString(), PSY: b[1]!.toString(), FLX: b[2]!.toString() }
}

/** The bridge as people see it: connections, governor, queues and transfers, from the chain. */
export async function bridgeInfo(
  chain: Chain,
  relays: ReadonlyMap<string, RelayView>,
  endpoint: string | null,
  relayer: Uint8Array,
): Promise<BridgeInfo> {
  const table = committedBridge(chain.state)
  const connections = table
    .connectedClusters()
    .map((cluster) =>
      connectionInfo(chain.height, cluster, table.connection(cluster)!, table, relays.get(cluster)),
    )
  const records = await chain.transfers()
  const transfers = records
    .filter((r) => isTokenId(r.packet.token))
    .map((r) => transferInfo(chain.clusterId, r, relays))
    .sort((a, b) => b.time - a.time || b.sequence - a.sequence)
    .slice(0, MAX_LISTED_TRANSFERS)
  return {
    clusterId: chain.clusterId,
    height: chain.height,
    endpoint,
    relayer: {
      address: encodeAddress(relayer),
      flx: chain.state.account(relayer).balances[2].toString(),
    },
    connections,
    proposals: table.proposals().map((p) => ({
      cluster: p.terms.clusterId,
      genesisHash: toHex(p.terms.genesisHash),
      approvals: p.approvals.length,
    })),
    transfers,
  }
}

function connectionInfo(
  height: number,
  cluster: string,
  connection: Connection,
  table: BridgeTable,
  relay: RelayView | undefined,
): BridgeConnection {
  const escrow: [bigint, bigint, bigint] = [0n, 0n, 0n]
  let inFlight = 0
  for (const packet of table.outboundTo(cluster)) {
    inFlight++
    escrow[packet.token] = escrow[packet.token]! + packet.amount
  }
  const { psis } = connection
  return {
    cluster,
    trustedHeight: connection.client.trustedHeight,
    frozen: connection.client.frozen !== null,
    coherenceScore: coherenceScore(psis).value?.toString() ?? null,
    entropyRate: entropyRate([psis]).value?.toString() ?? null,
    psiSamples: psis.length,
    allowance: balances(allowance(connection)),
    // The window the next block sees.
    accepted: balances(flowWithin(connection, height + 1)),
    flowCap: balances(connection.flowCap),
    flowWindow: connection.flowWindow,
    inFlight,
    escrow: balances(escrow),
    queued: [...table.queued(cluster)].length,
    nextSendSeq: connection.nextSendSeq,
    nextRecvSeq: connection.nextRecvSeq,
    relay: relay
      ? {
          connected: relay.connected,
          remoteTip: relay.remoteTip,
          remoteTrustedHeight: relay.remoteTrustedHeight,
          submittedThrough: relay.submittedThrough,
          lastRelayAt: relay.lastRelayAt,
        }
      : null,
  }
}

function transferInfo(
  clusterId: string,
  record: TransferRecord,
  relays: ReadonlyMap<string, RelayView>,
): BridgeTransfer {
  const { packet } = record
  const outgoing = packet.sourceCluster === clusterId
  const cluster = outgoing ? packet.destCluster : packet.sourceCluster
  return {
    direction: outgoing ? 'outgoing' : 'incoming',
    cluster,
    sequence: packet.sequence,
    sender: encodeAddress(packet.sender),
    recipient: encodeAddress(packet.recipient),
    token: TOKENS[packet.token as TokenId],
    amount: packet.amount.toString(),
    timeoutHeight: packet.timeoutHeight,
    state: outgoing ? outgoingState(record, relays.get(cluster)) : incomingState(record),
    height: record.height,
    time: record.time,
    settledHeight: record.settledHeight,
    settledTime: record.settledTime,
    remoteHeight: record.remoteHeight,
  }
}

function outgoingState(record: TransferRecord, relay: RelayView | undefined): TransferState {
  if (record.outcome !== null) {
    return record.outcome === ACK_OUTCOME.received ? 'acknowledged' : 'refunded'
  }
  // What a node of the destination last said: informative, the ack is what settles it.
  if (relay?.remoteNextRecvSeq != null && relay.remoteNextRecvSeq > record.packet.sequence) {
    return 'received'
  }
  if (relay?.remoteTrustedHeight != null && relay.remoteTrustedHeight >= record.height) {
    return 'relayed'
  }
  return 'committed'
}

function incomingState(record: TransferRecord): TransferState {
  if (record.outcome === null) return 'queued'
  return record.outcome === ACK_OUTCOME.received ? 'credited' : 'refused'
}

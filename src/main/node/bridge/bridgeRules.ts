import { bytesEqual, compareBytes, fromHex, toHex } from '../../../shared/encoding'
import { isTokenId } from '../../../shared/tokens'
import { withBalance } from '../ledger/account'
import { LedgerError } from '../ledger/errors'
import type { StateView } from '../ledger/state'
import type { Action } from '../ledger/tx'
import {
  PSI_HISTORY,
  BridgeTable,
  flowWithin,
  type Connection,
  type ConnectTerms,
} from './bridgeState'
import { BridgeError, LightClientError } from './errors'
import { allowance } from './governor'
import { createLightClient, updateLightClient } from './lightClient'
import {
  ACK_OUTCOME,
  encodeMessage,
  emitterOf,
  packetHash,
  packetRoot,
  receiverOf,
  verifyMessageProof,
  type Ack,
  type Packet,
} from './packet'

/*
 * The bridge's ledger rules (DESIGN.md section 7). They run inside a transaction, on a fork of the
 * block's state that lands only if the whole action succeeds, so a refused relay changes nothing
 * but its sender's fee and nonce.
 */

export type BridgeAction = Extract<
  Action,
  { kind: 'bridgeConnect' | 'bridgeUpdate' | 'bridgeSend' | 'bridgeDeliver' }
>

/** What a bridge action needs to know of the block it runs in. */
export interface BridgeContext {
  /** This cluster's id: packets name it as source or destination. */
  readonly clusterId: string
  readonly height: number
  /** Least stake that makes a validator: only its owners approve connections. */
  readonly minValidatorStake: bigint
}

/** Largest rolling window a connection may ask for, in blocks. */
export const MAX_FLOW_WINDOW = 100_000

/** A packet root with no messages: heights with this root keep no row. */
const EMPTY_PACKET_ROOT = packetRoot([])

export function applyBridgeAction(
  view: StateView,
  sender: Uint8Array,
  action: BridgeAction,
  ctx: BridgeContext,
): void {
  const table = new BridgeTable(view.bridge)
  switch (action.kind) {
    case 'bridgeConnect':
      approveConnection(view, table, sender, action, ctx)
      return
    case 'bridgeUpdate':
      updateClient(table, action)
      return
    case 'bridgeSend':
      send(view, table, sender, action, ctx)
      return
    case 'bridgeDeliver':
      deliver(view, table, action, ctx)
      return
  }
}

/** Adds the sender's validators to the approvals of `terms`; opens the connection past 2/3. */
function approveConnection(
  view: StateView,
  table: BridgeTable,
  sender: Uint8Array,
  terms: ConnectTerms,
  ctx: BridgeContext,
): void {
  const cluster = terms.clusterId
  if (cluster === ctx.clusterId)
    throw new BridgeError('ERR_BRIDGE_SELF', 'a cluster cannot connect to itself')
  if (table.connection(cluster)) {
    throw new BridgeError('ERR_BRIDGE_ALREADY_CONNECTED', `already connected to ${cluster}`)
  }
  if (terms.flowWindow < 1 || terms.flowWindow > MAX_FLOW_WINDOW) {
    throw new BridgeError(
      'ERR_BRIDGE_BAD_TERMS',
      `flow window must be 1 to ${MAX_FLOW_WINDOW} blocks`,
    )
  }
  // Refuses a trust root that is not a validator set, before anyone approves it.
  const client = createLightClient(terms)
  const stakes = [...view.stakes.entries()].filter(([, r]) => r.amount >= ctx.minValidatorStake)
  const own = stakes.filter(([, r]) => bytesEqual(r.owner, sender)).map(([key]) => fromHex(key))
  if (own.length === 0) {
    throw new BridgeError(
      'ERR_BRIDGE_NOT_VALIDATOR',
      'only a validator owner approves a connection',
    )
  }
  const proposal = table.proposal(cluster, terms) ?? { terms, approvals: [] }
  const fresh = own.filter((key) => !proposal.approvals.some((a) => bytesEqual(a, key)))
  if (fresh.length === 0) {
    throw new BridgeError('ERR_BRIDGE_ALREADY_APPROVED', 'these validators already approved')
  }
  const approvals = [...proposal.approvals, ...fresh].sort(compareBytes)
  const approved = new Set(approvals.map(toHex))
  let total = 0n
  let power = 0n
  for (const [key, record] of stakes) {
    total += record.amount
    if (approved.has(key)) power += record.amount
  }
  if (power * 3n <= total * 2n) {
    table.setProposal({ terms, approvals }, cluster, terms)
    return
  }
  // Approvals of any other terms for that cluster have nothing left to open.
  for (const other of table.proposals()) {
    if (other.terms.clusterId === cluster) table.setProposal(null, cluster, other.terms)
  }
  table.setConnection(cluster, {
    client,
    flowCap: terms.flowCap,
    flowWindow: terms.flowWindow,
    psis: [],
    nextSendSeq: 1,
    nextRecvSeq: 1,
    flow: [],
  })
}

function connectionOf(table: BridgeTable, cluster: string): Connection {
  const connection = table.connection(cluster)
  if (!connection) throw new BridgeError('ERR_BRIDGE_NOT_CONNECTED', `not connected to ${cluster}`)
  if (connection.client.frozen) {
    throw new LightClientError('ERR_LC_FROZEN', `the light client of ${cluster} is frozen`)
  }
  return connection
}

/** Verifies a relayed header; a trusted one adds its predecessor's Ψ and its packet root. */
function updateClient(
  table: BridgeTable,
  action: Extract<BridgeAction, { kind: 'bridgeUpdate' }>,
): void {
  const cluster = action.header.clusterId
  const connection = connectionOf(table, cluster)
  const result = updateLightClient(connection.client, action)
  if (result.kind === 'frozen') {
    // Evidence of a fork: kept, and nothing more is accepted from that cluster.
    table.setConnection(cluster, { ...connection, client: result.state })
    return
  }
  const psis = result.psi === null ? connection.psis : [...connection.psis, result.psi]
  table.setConnection(cluster, {
    ...connection,
    client: result.state,
    psis: psis.slice(-PSI_HISTORY),
  })
  if (!bytesEqual(action.header.packetRoot, EMPTY_PACKET_ROOT)) {
    table.setRoot(cluster, action.header.height, action.header.packetRoot)
  }
}

/** Escrows the tokens and emits the packet. */
function send(
  view: StateView,
  table: BridgeTable,
  sender: Uint8Array,
  action: Extract<BridgeAction, { kind: 'bridgeSend' }>,
  ctx: BridgeContext,
): void {
  const connection = connectionOf(table, action.cluster)
  if (action.timeoutHeight <= connection.client.trustedHeight) {
    throw new BridgeError(
      'ERR_BRIDGE_TIMEOUT_PASSED',
      `${action.cluster} is already at height ${connection.client.trustedHeight}`,
    )
  }
  const account = view.account(sender)
  if (account.balances[action.token]! < action.amount) {
    throw new LedgerError('ERR_INSUFFICIENT_BALANCE', 'balance too low for the amount')
  }
  // The tokens leave this cluster's supply into escrow: the outbound row holds them until the
  // destination's ack burns them for good (received) or gives them back (timed out).
  view.setAccount(sender, withBalance(account, action.token, -action.amount))
  changeSupply(view, action.token, -action.amount)
  const packet: Packet = {
    sourceCluster: ctx.clusterId,
    destCluster: action.cluster,
    sequence: connection.nextSendSeq,
    sender,
    recipient: action.recipient,
    token: action.token,
    amount: action.amount,
    timeoutHeight: action.timeoutHeight,
  }
  table.setOutbound(action.cluster, packet.sequence, packet)
  table.setConnection(action.cluster, { ...connection, nextSendSeq: packet.sequence + 1 })
  view.emit(encodeMessage({ kind: 'packet', ...packet }))
}

/** Checks a relayed message's proof, then receives the packet or settles the ack. */
function deliver(
  view: StateView,
  table: BridgeTable,
  action: Extract<BridgeAction, { kind: 'bridgeDeliver' }>,
  ctx: BridgeContext,
): void {
  const { message, height } = action
  if (receiverOf(message) !== ctx.clusterId) {
    throw new BridgeError('ERR_BRIDGE_WRONG_DESTINATION', `a message for ${receiverOf(message)}`)
  }
  const cluster = emitterOf(message)
  const connection = connectionOf(table, cluster)
  if (height > connection.client.trustedHeight) {
    throw new BridgeError(
      'ERR_BRIDGE_UNKNOWN_HEIGHT',
      `height ${height} of ${cluster} is not verified yet (trusted: ${connection.client.trustedHeight})`,
    )
  }
  const root = table.root(cluster, height)
  if (!root || !verifyMessageProof(root, encodeMessage(message), action.proof)) {
    throw new BridgeError(
      'ERR_BRIDGE_BAD_PROOF',
      `the message is not in ${cluster}'s block ${height}`,
    )
  }
  if (message.kind === 'packet') receive(view, table, connection, message, ctx)
  else settle(view, table, message)
}

/** Takes the next packet in sequence: refused if timed out, else queued for the governor. */
function receive(
  view: StateView,
  table: BridgeTable,
  connection: Connection,
  packet: Packet,
  ctx: BridgeContext,
): void {
  const cluster = packet.sourceCluster
  if (packet.sequence < connection.nextRecvSeq) {
    throw new BridgeError('ERR_BRIDGE_REPLAYED', `packet ${packet.sequence} was already received`)
  }
  if (packet.sequence > connection.nextRecvSeq) {
    throw new BridgeError(
      'ERR_BRIDGE_OUT_OF_ORDER',
      `packet ${packet.sequence} before packet ${connection.nextRecvSeq}`,
    )
  }
  table.setConnection(cluster, { ...connection, nextRecvSeq: packet.sequence + 1 })
  if (ctx.height >= packet.timeoutHeight || !isTokenId(packet.token)) {
    view.emit(ackFor(packet, ACK_OUTCOME.timedOut))
    return
  }
  table.setQueued(cluster, packet.sequence, packet)
  releaseQueued(view, table, cluster, ctx.height)
}

/** Settles a packet this cluster sent: an ack of receipt burns its escrow, a timeout refunds it. */
function settle(view: StateView, table: BridgeTable, ack: Ack): void {
  const cluster = ack.destCluster
  const packet = table.outbound(cluster, ack.sequence)
  if (!packet) {
    const connection = table.connection(cluster)!
    if (ack.sequence < connection.nextSendSeq) {
      throw new BridgeError('ERR_BRIDGE_REPLAYED', `packet ${ack.sequence} is already settled`)
    }
    throw new BridgeError('ERR_BRIDGE_UNKNOWN_PACKET', `no packet ${ack.sequence} was sent`)
  }
  if (!bytesEqual(ack.packetHash, packetHash(packet))) {
    throw new BridgeError('ERR_BRIDGE_ACK_MISMATCH', 'the ack answers another packet')
  }
  if (ack.outcome === ACK_OUTCOME.timedOut) {
    view.setAccount(
      packet.sender,
      withBalance(view.account(packet.sender), packet.token, packet.amount),
    )
    changeSupply(view, packet.token, packet.amount)
  } else if (ack.outcome !== ACK_OUTCOME.received) {
    throw new BridgeError('ERR_BRIDGE_ACK_MISMATCH', `unknown ack outcome ${ack.outcome}`)
  }
  table.setOutbound(cluster, ack.sequence, null)
}

/**
 * Credits queued packets of `cluster` in sequence order while they fit the governor's allowance
 * for the window ending at `height`. The head always goes when nothing of its token was accepted
 * in the window, so a packet larger than the allowance waits, but not forever.
 */
export function releaseQueued(
  view: StateView,
  table: BridgeTable,
  cluster: string,
  height: number,
): void {
  let connection = table.connection(cluster)
  if (!connection) return
  const limit = allowance(connection)
  const used = flowWithin(connection, height)
  const credited: [bigint, bigint, bigint] = [0n, 0n, 0n]
  for (const packet of table.queued(cluster)) {
    const t = packet.token
    if (used[t]! > 0n && used[t]! + packet.amount > limit[t]!) break
    used[t] = used[t]! + packet.amount
    credited[t] = credited[t]! + packet.amount
    view.setAccount(packet.recipient, withBalance(view.account(packet.recipient), t, packet.amount))
    changeSupply(view, t, packet.amount)
    table.setQueued(cluster, packet.sequence, null)
    view.emit(ackFor(packet, ACK_OUTCOME.received))
  }
  const recent = connection.flow.filter((f) => f.height + connection!.flowWindow > height)
  if (credited.some((a) => a > 0n)) {
    const last = recent.at(-1)
    if (last?.height === height) {
      recent[recent.length - 1] = { height, amounts: last.amounts.map((a, i) => a + credited[i]!) }
    } else {
      recent.push({ height, amounts: credited })
    }
  }
  if (recent.length !== connection.flow.length || credited.some((a) => a > 0n)) {
    connection = { ...connection, flow: recent }
    table.setConnection(cluster, connection)
  }
}

/** At the end of each block: the governor's window moved, so queued packets may now fit. */
export function endBridgeBlock(view: StateView, height: number): void {
  const table = new BridgeTable(view.bridge)
  for (const cluster of table.connectedClusters()) releaseQueued(view, table, cluster, height)
}

function ackFor(packet: Packet, outcome: number): Uint8Array {
  return encodeMessage({
    kind: 'ack',
    sourceCluster: packet.sourceCluster,
    destCluster: packet.destCluster,
    sequence: packet.sequence,
    packetHash: packetHash(packet),
    outcome,
  })
}

function changeSupply(view: StateView, token: number, delta: bigint): void {
  view.supply = view.supply.map((amount, t) => (t === token ? amount + delta : amount)) as [
    bigint,
    bigint,
    bigint,
  ]
}

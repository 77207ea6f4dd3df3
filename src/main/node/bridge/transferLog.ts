import {
  decode,
  encode,
  optional,
  str,
  struct,
  toHex,
  u8,
  uint,
  type Infer,
} from '../../../shared/encoding'
import { MAX_CLUSTER_ID_BYTES, type Block } from '../chain/block'
import { decodeTx } from '../ledger/tx'
import { BridgeMessageCodec, PacketCodec, type BridgeMessage, type Packet } from './packet'

/*
 * The node's record of cross-cluster transfers, for people: when each packet was sent, received,
 * acknowledged or refunded. It is an index of committed blocks (like transaction receipts), not
 * state: the chain never reads it.
 */

export const TRANSFER_DIRECTION = { outgoing: 1, incoming: 2 } as const

const TransferRecordCodec = struct({
  packet: PacketCodec,
  /** Outgoing: the height that sent it. Incoming: the height that received it. */
  height: uint,
  time: uint,
  /** Outgoing: the height whose ack settled it. Incoming: the height that credited it. */
  settledHeight: optional(uint),
  settledTime: optional(uint),
  /** ACK_OUTCOME once settled. */
  outcome: optional(u8),
  /** Outgoing: the destination height whose block answered. */
  remoteHeight: optional(uint),
})
export type TransferRecord = Infer<typeof TransferRecordCodec>

const TransferKeyCodec = struct({
  direction: u8,
  cluster: str(MAX_CLUSTER_ID_BYTES),
  sequence: uint,
})

/** The record's key: direction, remote cluster, sequence (hex, in that order). */
export function transferKey(direction: number, cluster: string, sequence: number): string {
  return toHex(encode(TransferKeyCodec, { direction, cluster, sequence }))
}

export const encodeTransfer = (r: TransferRecord): Uint8Array => encode(TransferRecordCodec, r)
export const decodeTransfer = (b: Uint8Array): TransferRecord => decode(TransferRecordCodec, b)

/**
 * The transfer records block `block` creates or completes, given the messages it emitted, which
 * of its transactions succeeded, and a reader of the records so far.
 */
export async function transferUpdates(
  block: Block,
  succeeded: readonly boolean[],
  messages: readonly Uint8Array[],
  read: (key: string) => Promise<TransferRecord | undefined>,
): Promise<[string, TransferRecord][]> {
  const { height, time, clusterId } = block.header
  const out = new Map<string, TransferRecord>()
  const settle = async (key: string, settled: Partial<TransferRecord>): Promise<void> => {
    const record = out.get(key) ?? (await read(key))
    if (record) out.set(key, { ...record, settledHeight: height, settledTime: time, ...settled })
  }
  const acks: { message: Extract<BridgeMessage, { kind: 'ack' }>; remoteHeight: number }[] = []
  for (const [index, bytes] of block.txs.entries()) {
    if (!succeeded[index]) continue
    const action = decodeTx(bytes).body.action
    if (action.kind !== 'bridgeDeliver') continue
    const message = action.message
    if (message.kind === 'packet' && message.destCluster === clusterId) {
      const key = transferKey(TRANSFER_DIRECTION.incoming, message.sourceCluster, message.sequence)
      out.set(key, fresh(message, height, time))
    } else if (message.kind === 'ack') {
      acks.push({ message, remoteHeight: action.height })
    }
  }
  for (const bytes of messages) {
    const message = decode(BridgeMessageCodec, bytes)
    if (message.kind === 'packet') {
      const key = transferKey(TRANSFER_DIRECTION.outgoing, message.destCluster, message.sequence)
      out.set(key, fresh(message, height, time))
    } else {
      // This cluster answered a packet it received, now or in an earlier block (the governor).
      const key = transferKey(TRANSFER_DIRECTION.incoming, message.sourceCluster, message.sequence)
      await settle(key, { outcome: message.outcome })
    }
  }
  for (const { message, remoteHeight } of acks) {
    const key = transferKey(TRANSFER_DIRECTION.outgoing, message.destCluster, message.sequence)
    await settle(key, { outcome: message.outcome, remoteHeight })
  }
  return [...out.entries()]
}

function fresh(packet: Packet, height: number, time: number): TransferRecord {
  return {
    packet,
    height,
    time,
    settledHeight: null,
    settledTime: null,
    outcome: null,
    remoteHeight: null,
  }
}

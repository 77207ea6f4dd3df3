import {
  array,
  bytes,
  concatBytes,
  decode,
  encode,
  fixedArray,
  fixedBytes,
  fromHex,
  str,
  struct,
  toHex,
  u128,
  u8,
  uint,
  type Infer,
} from '../../../shared/encoding'
import { HASH_LENGTH, PUBLIC_KEY_LENGTH, sha256 } from '../crypto'
import { MAX_CLUSTER_ID_BYTES, MAX_VALIDATORS } from '../chain/block'
import type { LedgerState } from '../ledger/state'
import { TableView } from '../ledger/table'
import {
  decodeLightClientState,
  encodeLightClientState,
  MembersCodec,
  type LightClientState,
} from './lightClientState'
import { PacketCodec, type Packet } from './packet'

/*
 * The bridge's part of the ledger state, in one table of encoded rows (ledger/table.ts) so that
 * the state hash and the store treat it like the stakes. A row's key starts with its kind, then
 * the remote cluster id, then a big-endian number: rows of one kind and cluster sort by number.
 */

/** The terms validators approve a connection on; a connection opens with exactly these. */
export const ConnectTermsCodec = struct({
  clusterId: str(MAX_CLUSTER_ID_BYTES),
  genesisHash: fixedBytes(HASH_LENGTH),
  /** The remote cluster's first validator set (the trust root, from its genesis). */
  validators: MembersCodec,
  /** Base cap of each token accepted from the remote cluster per window, in base units. */
  flowCap: fixedArray(u128, 3),
  /** Length of the governor's rolling window, in this cluster's blocks. */
  flowWindow: uint,
})
export type ConnectTerms = Infer<typeof ConnectTermsCodec>

/** A connection's terms awaiting approval by more than 2/3 of the staked power. */
const ProposalCodec = struct({
  terms: ConnectTermsCodec,
  /** Validator keys whose owners approved, in byte order. */
  approvals: array(fixedBytes(PUBLIC_KEY_LENGTH), MAX_VALIDATORS),
})
export type Proposal = Infer<typeof ProposalCodec>

/** Remote Ψ values a connection keeps: the Coherence Score's window (DESIGN.md 3). */
export const PSI_HISTORY = 100

/** An open connection: the light client, sequences and the governor's inputs. */
const ConnectionCodec = struct({
  client: bytes(1 << 20),
  flowCap: fixedArray(u128, 3),
  flowWindow: uint,
  /** The remote cluster's canonical Ψ per verified height, oldest first. */
  psis: array(u128, PSI_HISTORY),
  /** The sequence the next packet sent there gets. */
  nextSendSeq: uint,
  /** The sequence of the next packet accepted from there. */
  nextRecvSeq: uint,
  /** Amounts credited from there by height, within the rolling window, oldest first. */
  flow: array(struct({ height: uint, amounts: fixedArray(u128, 3) }), 1 << 16),
})
export type Connection = Omit<Infer<typeof ConnectionCodec>, 'client'> & {
  readonly client: LightClientState
}

const KIND = {
  proposal: 1,
  connection: 2,
  /** A packet sent and not yet settled: its tokens are in escrow. */
  outbound: 3,
  /** A packet received but held back by the governor. */
  queued: 4,
  /** The packet root of a verified remote height that carried messages. */
  root: 5,
} as const

const KeyCodec = struct({ kind: u8, cluster: str(MAX_CLUSTER_ID_BYTES), n: uint })

function rowKey(kind: number, cluster: string, n = 0): string {
  return toHex(encode(KeyCodec, { kind, cluster, n }))
}

/** Typed access to the bridge rows of a state view. */
export class BridgeTable {
  constructor(private readonly rows: TableView<Uint8Array>) {}

  proposal(cluster: string, terms: ConnectTerms): Proposal | undefined {
    const row = this.rows.get(proposalKey(cluster, terms))
    return row && decode(ProposalCodec, row)
  }

  setProposal(proposal: Proposal | null, cluster: string, terms: ConnectTerms): void {
    const key = proposalKey(cluster, terms)
    this.rows.set(key, proposal && encode(ProposalCodec, proposal))
  }

  connection(cluster: string): Connection | undefined {
    const row = this.rows.get(rowKey(KIND.connection, cluster))
    if (!row) return undefined
    const stored = decode(ConnectionCodec, row)
    return { ...stored, client: decodeLightClientState(stored.client) }
  }

  setConnection(cluster: string, connection: Connection): void {
    const stored = { ...connection, client: encodeLightClientState(connection.client) }
    this.rows.set(rowKey(KIND.connection, cluster), encode(ConnectionCodec, stored))
  }

  /** Every open connection's cluster id, in key order. */
  connectedClusters(): string[] {
    const prefix = toHex(Uint8Array.of(KIND.connection))
    const out: string[] = []
    for (const [key] of this.rows.entries()) {
      if (key < prefix) continue
      if (!key.startsWith(prefix)) break
      out.push(decode(KeyCodec, fromHex(key)).cluster)
    }
    return out
  }

  /** Connection terms awaiting approval. */
  proposals(): Proposal[] {
    const prefix = toHex(Uint8Array.of(KIND.proposal))
    const out: Proposal[] = []
    for (const [key, row] of this.rows.entries()) {
      if (!key.startsWith(prefix)) break
      out.push(decode(ProposalCodec, row))
    }
    return out
  }

  outbound(cluster: string, sequence: number): Packet | undefined {
    const row = this.rows.get(rowKey(KIND.outbound, cluster, sequence))
    return row && decode(PacketCodec, row)
  }

  setOutbound(cluster: string, sequence: number, packet: Packet | null): void {
    this.rows.set(rowKey(KIND.outbound, cluster, sequence), packet && encode(PacketCodec, packet))
  }

  setQueued(cluster: string, sequence: number, packet: Packet | null): void {
    this.rows.set(rowKey(KIND.queued, cluster, sequence), packet && encode(PacketCodec, packet))
  }

  /** Packets of `cluster` held by the governor, in sequence order. */
  *queued(cluster: string): IterableIterator<Packet> {
    yield* this.rowsOf(KIND.queued, cluster)
  }

  /** Packets sent to `cluster` and not yet settled, in sequence order. */
  *outboundTo(cluster: string): IterableIterator<Packet> {
    yield* this.rowsOf(KIND.outbound, cluster)
  }

  root(cluster: string, height: number): Uint8Array | undefined {
    return this.rows.get(rowKey(KIND.root, cluster, height))
  }

  setRoot(cluster: string, height: number, root: Uint8Array): void {
    this.rows.set(rowKey(KIND.root, cluster, height), root)
  }

  private *rowsOf(kind: number, cluster: string): IterableIterator<Packet> {
    const first = rowKey(kind, cluster, 0)
    const end = rowKey(kind, cluster, Number.MAX_SAFE_INTEGER)
    for (const [key, row] of this.rows.entries()) {
      if (key < first) continue
      if (key > end) break
      yield decode(PacketCodec, row)
    }
  }
}

function proposalKey(cluster: string, terms: ConnectTerms): string {
  // Validators may approve different terms for one cluster: each set of terms gathers its own.
  const digest = sha256(encode(ConnectTermsCodec, terms))
  return rowKey(KIND.proposal, cluster) + toHex(digest)
}

/** Sum of amounts credited within the window ending at `height`. */
export function flowWithin(connection: Connection, height: number): [bigint, bigint, bigint] {
  const sum: [bigint, bigint, bigint] = [0n, 0n, 0n]
  for (const entry of connection.flow) {
    if (entry.height + connection.flowWindow <= height) continue
    for (let t = 0; t < 3; t++) sum[t] = sum[t]! + entry.amounts[t]!
  }
  return sum
}

/**
 * The bridge part of the state hash: every row in key order. Keys and values are length-prefixed,
 * so the concatenation is unambiguous.
 */
export function bridgeDigest(rows: Iterable<[string, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = []
  for (const [key, value] of rows) {
    parts.push(encode(RowCodec, { key: fromHex(key), value }))
  }
  return sha256(concatBytes(...parts))
}

const RowCodec = struct({ key: bytes(1 << 10), value: bytes(1 << 20) })

/** The bridge rows of the committed state, read-only. */
export function committedBridge(state: LedgerState): BridgeTable {
  return new BridgeTable(new TableView(state.bridge))
}

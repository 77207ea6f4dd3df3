// The bridge in words and steps (DESIGN.md 7) for the Bridge page and the wallet's send form.
// Every figure comes from the node (`bridge.info`); this only says how it reads.
import type {
  BridgeConnection,
  BridgeTransfer,
  KpiDto,
  TransferState,
} from '../../../shared/ipc/contract'
import { ONE_TOKEN } from '../../../shared/tokens'

/**
 * Blocks of the destination a cross-cluster transfer has to arrive in, counted from the latest
 * height of it this chain verified, before it is refused there and refunded here (as the
 * `coherence bridge send` command's default).
 */
export const BRIDGE_TIMEOUT_BLOCKS = 1_000

/** The governor's terms proposed for a new connection (as `coherence bridge connect`'s defaults). */
export const DEFAULT_FLOW_CAP_TEXT = '1000000'
export const DEFAULT_FLOW_WINDOW = 100
/** The node refuses a longer window. */
export const MAX_FLOW_WINDOW = 100_000

/** The destination's height from which a transfer sent now is refused and refunded. */
export function timeoutHeight(connection: BridgeConnection): number {
  return connection.trustedHeight + BRIDGE_TIMEOUT_BLOCKS
}

/** An 18-decimal fixed-point ratio from the node as a number, for display only. */
export function ratioValue(units: string | null): number | null {
  if (units === null) return null
  const value = BigInt(units)
  // Whole and fraction apart, so that no precision is lost before the division.
  return Number(value / ONE_TOKEN) + Number(value % ONE_TOKEN) / Number(ONE_TOKEN)
}

/**
 * A connected cluster's KPI (its Coherence Score or Entropy Rate, computed by this chain from the
 * cluster's verified headers) in the form the KPI cards show, judged by the same target and over
 * the same window as this node's own KPI of that name (`own`, from its monitor).
 */
export function remoteKpi(
  units: string | null,
  samples: number,
  own: KpiDto,
  sense: 'atLeast' | 'atMost',
): KpiDto {
  const value = ratioValue(units)
  return {
    value,
    target: own.target,
    met: value === null ? null : sense === 'atLeast' ? value >= own.target : value <= own.target,
    samples: Math.min(samples, own.window),
    window: own.window,
    reason: value === null && samples === 0 ? 'no verified header of it yet' : null,
  }
}

/** What each state means, for the person reading a transfer's progress. */
export const STATE_TEXT: Record<TransferState, string> = {
  committed: 'in a block here, its tokens in escrow',
  relayed: "the destination's light client verified the block that sent it",
  received: 'the destination took it; its acknowledgement is on its way back',
  acknowledged: "the destination's acknowledgement settled it here",
  refunded: 'not received by its timeout height: the sender got it back',
  queued: 'taken, held by the flow governor until its window allows it',
  credited: 'the recipient was credited',
  refused: 'arrived at or after its timeout height: refused, so the source refunds it',
}

export type StepStatus = 'done' | 'todo' | 'failed'

export interface TransferStep {
  readonly label: string
  readonly status: StepStatus
  /** Whether this is the state the transfer is in now. */
  readonly current: boolean
  /** When and where it happened, when known. */
  readonly detail: string | null
}

const OUTGOING: readonly TransferState[] = ['committed', 'relayed', 'received', 'acknowledged']

function at(height: number | null, time: number | null, where = ''): string | null {
  if (height === null) return null
  const when = time === null ? '' : `, ${new Date(time).toLocaleString()}`
  return `at ${where}height ${height}${when}`
}

/**
 * The steps of a transfer: sent ones go committed → relayed → received → acknowledged (or
 * committed → refunded), received ones queued → credited (or queued → refused).
 */
export function transferSteps(t: BridgeTransfer): TransferStep[] {
  const sent = at(t.height, t.time)
  const settled = at(t.settledHeight, t.settledTime)
  if (t.direction === 'outgoing') {
    if (t.state === 'refunded') {
      return [
        { label: 'committed', status: 'done', current: false, detail: sent },
        { label: 'refunded', status: 'failed', current: true, detail: settled },
      ]
    }
    const reached = OUTGOING.indexOf(t.state)
    const details: Record<string, string | null> = {
      committed: sent,
      received: at(t.remoteHeight, null, 'their '),
      acknowledged: settled,
    }
    return OUTGOING.map((state, i) => ({
      label: state,
      status: i <= reached ? 'done' : 'todo',
      current: i === reached,
      detail: i <= reached ? (details[state] ?? null) : null,
    }))
  }
  const last: TransferStep =
    t.state === 'refused'
      ? { label: 'refused', status: 'failed', current: true, detail: settled }
      : {
          label: 'credited',
          status: t.state === 'credited' ? 'done' : 'todo',
          current: t.state === 'credited',
          detail: settled,
        }
  return [{ label: 'queued', status: 'done', current: t.state === 'queued', detail: sent }, last]
}

/** Whether nothing more will happen to the transfer. */
export function isSettled(state: TransferState): boolean {
  return (
    state === 'acknowledged' || state === 'refunded' || state === 'credited' || state === 'refused'
  )
}

/** What a wallet account sent to another cluster, to find its transfer among the bridge's. */
export interface SentTransfer {
  readonly cluster: string
  readonly sender: string
  readonly recipient: string
  readonly token: string
  readonly amount: string
  /** The height of the block that included the send. */
  readonly height: number
}

/** The transfer a send made (the latest, if one block holds several alike), or null. */
export function findTransfer(
  transfers: readonly BridgeTransfer[],
  sent: SentTransfer,
): BridgeTransfer | null {
  let found: BridgeTransfer | null = null
  for (const t of transfers) {
    if (
      t.direction === 'outgoing' &&
      t.cluster === sent.cluster &&
      t.sender === sent.sender &&
      t.recipient === sent.recipient &&
      t.token === sent.token &&
      t.amount === sent.amount &&
      t.height === sent.height &&
      (found === null || t.sequence > found.sequence)
    )
      found = t
  }
  return found
}

/** The relay endpoints typed one per line (or separated by spaces or commas). */
export function parseUrls(text: string): string[] {
  return text.split(/[\s,]+/).filter((u) => u.length > 0)
}

/** Whether a typed endpoint looks like one a bridge serves on; the node checks it exactly. */
export function looksLikeEndpoint(url: string): boolean {
  return /^wss?:\/\/\S+$/.test(url)
}

import type { Chain } from '../chain/chain'
import type { Clock } from '../clock'
import type { Action } from '../ledger/tx'
import type { Logger } from '../logger'
import { NODE_MAX_MESSAGE_BYTES } from '../p2p/peerManager'
import { dialPeer } from '../transport/dialPeer'
import type { NoiseIdentity } from '../transport/noise/identity'
import type { PeerConnection } from '../transport/peerConnection'
import { committedBridge } from './bridgeState'
import { relayActions } from './relayActions'
import {
  BRIDGE_PROLOGUE,
  decodeResponse,
  encodeRequest,
  MAX_BUNDLES,
  type RelayResponse,
} from './relayProtocol'

/** What a relayer needs of its node. */
export interface RelayHost {
  readonly chain: Chain
  /** Signs `action` with the relayer's account and queues it; throws the mempool's refusal. */
  submit(action: Action): void
  /** The relayer's transactions queued and not yet in a block. */
  pendingCount(): number
}

/** The relayer's pending transactions stay below the mempool's nonce-gap limit. */
const MAX_PENDING = 48
/** Without progress for this long, what was submitted is presumed lost and sent again. */
const RETRY_AFTER_MS = 15_000
const ANSWER_TIMEOUT_MS = 10_000

/** What a relayer last saw of the remote cluster, for people (never for the chain). */
export interface RelayView {
  readonly connected: boolean
  /** The remote node's latest height. */
  readonly remoteTip: number | null
  /** The next sequence the remote cluster expects from this one. */
  readonly remoteNextRecvSeq: number | null
  /** This cluster's latest height the remote cluster's light client verified. */
  readonly remoteTrustedHeight: number | null
  /** The highest remote height whose relay transactions this node queued. */
  readonly submittedThrough: number
  /** When a bundle of the remote cluster was last served to this node (ms). */
  readonly lastRelayAt: number | null
}

/**
 * Relays one connected cluster's heights to this chain (DESIGN.md section 8: relaying is the
 * QID's job). It asks a node of that cluster, over a Noise session, for the heights after the
 * ones this chain's light client trusts, and queues the header and message transactions. Anyone
 * may relay: the chain checks everything, and a wrong transaction costs only its fee.
 */
export class ClusterRelay {
  private session: PeerConnection | null = null
  private urlIndex = 0
  private waiting: ((r: RelayResponse | null) => void) | null = null
  private submittedThrough = 0
  private progress = { trusted: -1, at: 0 }
  /**
   * A height with more transactions than may be pending at once (a block full of packets or
   * acks) goes in parts: each part waits until the one before is in a block, so the chain's state
   * says which are left, and relaying stays at that height until its last part is queued.
   */
  private partial: { height: number; at: number } | null = null
  private view: RelayView = {
    connected: false,
    remoteTip: null,
    remoteNextRecvSeq: null,
    remoteTrustedHeight: null,
    submittedThrough: 0,
    lastRelayAt: null,
  }

  constructor(
    readonly cluster: string,
    private readonly urls: readonly string[],
    private readonly host: RelayHost,
    private readonly identity: NoiseIdentity,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  status(): RelayView {
    return { ...this.view, connected: this.session !== null && !this.session.isClosed }
  }

  close(): void {
    this.session?.close()
    this.session = null
  }

  /** One round: fetch the heights after what is trusted or queued, and queue their transactions. */
  async tick(): Promise<void> {
    const table = committedBridge(this.host.chain.state)
    const connection = table.connection(this.cluster)
    if (!connection || connection.client.frozen) return
    const trusted = connection.client.trustedHeight
    const now = this.clock.now()
    if (trusted !== this.progress.trusted) this.progress = { trusted, at: now }
    // Starting (or starting over), the trusted height may be one whose last parts were never
    // queued (this node stopped between them): it is looked at again.
    if (this.submittedThrough === 0 && !this.partial && trusted > 0) {
      this.partial = { height: trusted, at: now }
    }
    // Heights up to here have every transaction queued (or in a block).
    const done = this.partial ? Math.min(trusted, this.partial.height - 1) : trusted
    if (this.submittedThrough < done) this.submittedThrough = done
    if (this.submittedThrough > trusted && now - this.progress.at > RETRY_AFTER_MS) {
      this.logger.info('relay made no progress; sending again', { cluster: this.cluster, trusted })
      this.submittedThrough = done
      this.progress = { trusted, at: now }
    }
    const pending = this.host.pendingCount()
    if (pending >= MAX_PENDING) return
    if (this.partial && pending > 0 && now - this.partial.at <= RETRY_AFTER_MS) return
    const response = await this.ask(this.submittedThrough + 1)
    if (!response) return
    this.view = {
      ...this.view,
      remoteTip: response.tip,
      remoteNextRecvSeq: response.nextRecvSeq,
      remoteTrustedHeight: response.trustedHeight,
      lastRelayAt: response.bundles.length > 0 ? now : this.view.lastRelayAt,
    }
    let budget = MAX_PENDING - this.host.pendingCount()
    for (const bundle of response.bundles) {
      const actions = relayActions(bundle, table)
      if (actions.length > budget) {
        if (budget === MAX_PENDING && this.submitAll(actions.slice(0, budget))) {
          this.partial = { height: bundle.header.height, at: now }
        }
        break
      }
      if (!this.submitAll(actions)) return
      budget -= actions.length
      this.submittedThrough = bundle.header.height
      if (this.partial && this.partial.height <= this.submittedThrough) this.partial = null
    }
    this.view = { ...this.view, submittedThrough: this.submittedThrough }
  }

  /** Queues actions in order; on a refusal starts over from what the chain trusts. */
  private submitAll(actions: readonly Action[]): boolean {
    for (const action of actions) {
      try {
        this.host.submit(action)
      } catch (err) {
        this.logger.warn('relay transaction refused', {
          cluster: this.cluster,
          kind: action.kind,
          code: (err as { code?: string }).code,
          reason: (err as Error).message,
        })
        this.submittedThrough = 0
        this.partial = null
        return false
      }
    }
    return true
  }

  private async ask(from: number): Promise<RelayResponse | null> {
    const session = await this.connect()
    if (!session) return null
    const request = encodeRequest({
      kind: 'getBundles',
      cluster: this.host.chain.clusterId,
      from,
      max: MAX_BUNDLES,
    })
    const response = await new Promise<RelayResponse | null>((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.logger.warn('bridge peer did not answer', { cluster: this.cluster })
        session.close()
        resolve(null)
      }, ANSWER_TIMEOUT_MS)
      this.waiting = (r) => {
        this.clock.clearTimeout(timer)
        resolve(r)
      }
      try {
        session.send(request)
      } catch {
        this.waiting(null)
      }
    })
    this.waiting = null
    return response
  }

  private async connect(): Promise<PeerConnection | null> {
    if (this.session && !this.session.isClosed) return this.session
    const url = this.urls[this.urlIndex++ % this.urls.length]!
    try {
      const session = await dialPeer(url, {
        identity: this.identity,
        prologue: BRIDGE_PROLOGUE,
        maxFrameBytes: NODE_MAX_MESSAGE_BYTES,
        logger: this.logger,
      })
      session.onMessage((bytes) => {
        let response: RelayResponse | null = null
        try {
          response = decodeResponse(bytes)
        } catch {
          this.logger.warn('malformed bridge answer; closing the session', { url })
          session.close()
        }
        this.waiting?.(response)
      })
      session.onClose(() => this.waiting?.(null))
      this.session = session
      return session
    } catch (err) {
      this.logger.debug('bridge dial failed', { url, err: String(err) })
      return null
    }
  }
}

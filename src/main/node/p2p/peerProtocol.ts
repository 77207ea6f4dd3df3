import type { Block, Commit } from '../chain/block'
import type { Clock } from '../clock'
import { DEFAULT_TIMEOUTS, type CatchUpResult, type ConsensusNetwork } from '../consensus/engine'
import type { ConsensusMessage } from '../consensus/messages'
import type { Logger } from '../logger'
import { BlockSync } from './blockSync'
import { ConsensusGossip } from './consensusGossip'
import type { PeerMessage } from './messages'
import type { PeerLink } from './peerLink'
import { TxGossip } from './txGossip'
import { TxIntakeQueue } from './txIntake'

/** What became of a transaction offered by a peer. */
export type TxIntake = 'added' | 'invalid' | 'rejected'

/** The parts of the node the protocol talks to. */
export interface ProtocolHost {
  height(): number
  decided(height: number): Promise<{ block: Block; commit: Commit } | null>
  catchUp(block: Block, commit: Commit): Promise<CatchUpResult>
  /** `forged` is called if the message's signature or commit does not verify. */
  receiveConsensus(message: ConsensusMessage, forged: () => void, fromPeer: string): void
  /** The proposals and votes of the current height consensus holds, for peers that lack them. */
  gossipSnapshot(): ConsensusMessage[]
  /** Checks a transaction and adds it to the mempool. */
  addTx(bytes: Uint8Array): TxIntake
}

/**
 * The node's side of the peer protocol: routes each message from a peer to consensus, the
 * mempool or block sync, relays new transactions, and tells peers the node's height.
 */
export class PeerProtocol {
  readonly consensusNetwork: ConsensusNetwork
  private readonly gossip: TxGossip
  private readonly consensusGossip: ConsensusGossip
  private sync: BlockSync | null = null
  private host: ProtocolHost | null = null
  private readonly intake = new TxIntakeQueue((bytes, peer) => this.checkTx(bytes, peer))

  constructor(
    private readonly link: PeerLink,
    private readonly options: {
      clock: Clock
      logger: Logger
      blockTimeMs: number
      /** How often peers are sent the consensus messages they lack (the engine's gossip period). */
      gossipMs?: number
    },
  ) {
    this.consensusGossip = new ConsensusGossip({
      link,
      clock: options.clock,
      periodMs: options.gossipMs ?? DEFAULT_TIMEOUTS.gossipMs,
      snapshot: () => this.host?.gossipSnapshot() ?? [],
      height: () => this.host?.height() ?? 0,
    })
    this.consensusNetwork = {
      broadcast: (message) => this.consensusGossip.broadcast(message),
      relay: (message, fromPeer) => this.consensusGossip.relay(message, fromPeer),
      sendTo: (peer, message) => link.send(peer, { kind: 'consensus', message }),
    }
    this.gossip = new TxGossip(link, options.clock)
  }

  /** Starts handling peers' messages for `host` (once consensus exists). */
  attach(host: ProtocolHost): void {
    this.host = host
    this.sync = new BlockSync({
      link: this.link,
      height: () => host.height(),
      decided: (h) => host.decided(h),
      catchUp: (block, commit) => host.catchUp(block, commit),
      graceMs: 2 * this.options.blockTimeMs + 1000,
      clock: this.options.clock,
      logger: this.options.logger,
    })
    this.link.onPeerConnected((peer) => {
      this.consensusGossip.forget(peer)
      this.link.send(peer, this.status())
    })
    this.link.onPeerDisconnected((peer) => {
      this.consensusGossip.forget(peer)
      this.sync?.peerGone(peer)
    })
    this.link.onMessage((peer, message) => this.route(peer, message))
    // Peers connected before now were not told the height (and what they sent was not handled).
    for (const { id } of this.link.peers()) this.link.send(id, this.status())
    this.consensusGossip.start()
  }

  /** Tells every peer the new height (peers behind start syncing from it). */
  committed(): void {
    this.link.broadcast(this.status())
  }

  /** A transaction this node accepted from its own user: relay it. */
  relay(bytes: Uint8Array): void {
    this.gossip.firstSeen(bytes)
    this.gossip.relay(bytes, null)
  }

  syncProgress(): { syncing: boolean; height: number; target: number } {
    return this.sync?.progress() ?? { syncing: false, height: 0, target: 0 }
  }

  stop(): void {
    this.intake.stop()
    this.gossip.stop()
    this.consensusGossip.stop()
    this.sync?.stop()
  }

  /** A peer's transaction, its turn come: into the mempool and on to the other peers. */
  private checkTx(bytes: Uint8Array, peer: string): void {
    const intake = this.host!.addTx(bytes)
    if (intake === 'added') this.gossip.relay(bytes, peer)
    else if (intake === 'invalid') this.link.penalize(peer, 'invalid-transaction')
  }

  private status(): PeerMessage {
    return {
      kind: 'status',
      height: this.host?.height() ?? 0,
      listenUrl: this.link.listenUrl ?? '',
    }
  }

  private route(peer: string, message: PeerMessage): void {
    const host = this.host!
    const sync = this.sync!
    switch (message.kind) {
      case 'consensus':
        this.consensusGossip.received(peer, message.message)
        host.receiveConsensus(
          message.message,
          () => this.link.penalize(peer, 'forged-consensus'),
          peer,
        )
        return
      case 'txs':
        for (const bytes of message.txs) {
          if (this.gossip.firstSeen(bytes)) this.intake.push(bytes, peer)
        }
        return
      case 'status':
        sync.peerHeight(peer, message.height)
        // The first since it connected: the peer listens now, but may have missed ours.
        if (this.consensusGossip.peerHeight(peer, message.height)) {
          this.link.send(peer, this.status())
        }
        return
      case 'getBlocks':
        void sync.answer(peer, message.from, message.count).catch((err: unknown) => {
          this.options.logger.warn('answering a block request failed', { err: String(err) })
        })
        return
      case 'blocks':
        void sync.receive(peer, message)
        return
    }
  }
}

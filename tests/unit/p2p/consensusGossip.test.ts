import { describe, expect, it } from 'vitest'
import type { PeerInfo } from '../../../src/shared/ipc/contract'
import { VOTE_TYPE, type Block } from '../../../src/main/node/chain/block'
import type { Clock } from '../../../src/main/node/clock'
import type { ConsensusMessage } from '../../../src/main/node/consensus/messages'
import {
  ConsensusGossip,
  gossipKey,
  MAX_KNOWN_PER_PEER,
} from '../../../src/main/node/p2p/consensusGossip'
import type { PeerMessage } from '../../../src/main/node/p2p/messages'
import type { PeerLink } from '../../../src/main/node/p2p/peerLink'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(64)

/** A link whose connected peers the test sets, recording what is sent to whom. */
function fakeLink(peers: string[]) {
  const sent: { to: string; message: ConsensusMessage }[] = []
  const link: PeerLink = {
    selfId: 'f'.repeat(64),
    listenUrl: null,
    send: (to: string, m: PeerMessage) => {
      if (m.kind === 'consensus' && peers.includes(to)) sent.push({ to, message: m.message })
    },
    broadcast: (m: PeerMessage, except?: string) => {
      for (const to of peers) if (to !== except) link.send(to, m)
    },
    onMessage: () => {},
    onPeerConnected: () => {},
    onPeerDisconnected: () => {},
    penalize: () => {},
    peers: () => peers.map((id) => ({ id }) as PeerInfo),
    knownAddresses: () => 0,
    close: () => Promise.resolve(),
  }
  /** What went to whom since the last call, as `peer message` lines. */
  const take = (): string[] => sent.splice(0).map(({ to, message }) => `${to[0]} ${label(message)}`)
  return { link, sent, take }
}

/** `p/height/round` or `v/height/round/validator`. */
function label(m: ConsensusMessage): string {
  if (m.kind === 'proposal') return `p/${m.body.height}/${m.body.round}`
  if (m.kind === 'vote')
    return `v/${m.vote.body.height}/${m.vote.body.round}/${m.vote.validator[0]}`
  return 'decision'
}

/** A clock the test advances by hand. */
function manualClock() {
  let now = 0
  let timers: { at: number; fn: () => void }[] = []
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn }
      timers.push(t)
      return t
    },
    clearTimeout: (t) => {
      timers = timers.filter((x) => x !== t)
    },
  }
  const advance = (ms: number): void => {
    now += ms
    for (;;) {
      const due = timers.filter((t) => t.at <= now).sort((x, y) => x.at - y.at)[0]
      if (!due) return
      timers = timers.filter((t) => t !== due)
      due.fn()
    }
  }
  return { clock, advance }
}

function vote(height: number, round = 0, validator = 1, type: number = VOTE_TYPE.prevote) {
  return {
    kind: 'vote' as const,
    vote: {
      body: { type, height, round, blockHash: null },
      validator: new Uint8Array(20).fill(validator),
      signature: new Uint8Array(64),
    },
  } satisfies ConsensusMessage
}

function proposal(height: number, round = 0): ConsensusMessage {
  return {
    kind: 'proposal',
    body: { height, round, polRoundPlusOne: 0, blockHash: new Uint8Array(32) },
    block: {} as Block,
    signature: new Uint8Array(64),
  }
}

function gossipOver(
  peers: string[],
  snapshot: () => ConsensusMessage[] = () => [],
  options: { peersAt?: number; maxKnownPerPeer?: number } = {},
) {
  const net = fakeLink(peers)
  const { clock, advance } = manualClock()
  const committed = { height: 0 }
  const gossip = new ConsensusGossip({
    link: net.link,
    clock,
    periodMs: 100,
    snapshot,
    height: () => committed.height,
    maxKnownPerPeer: options.maxKnownPerPeer,
  })
  // The committed height the peers report, as their protocol does once it listens.
  if (options.peersAt !== undefined) for (const p of peers) gossip.peerHeight(p, options.peersAt)
  return { gossip, advance, committed, ...net }
}

describe('ConsensusGossip', () => {
  it('keys votes by height, round, type, validator and block, proposals by height and round', () => {
    expect(gossipKey(vote(3, 1, 2))).not.toBe(gossipKey(vote(3, 1, 3)))
    expect(gossipKey(vote(3, 1, 2, VOTE_TYPE.prevote))).not.toBe(
      gossipKey(vote(3, 1, 2, VOTE_TYPE.precommit)),
    )
    const forBlock = vote(3, 1, 2)
    const withHash = {
      ...forBlock,
      vote: { ...forBlock.vote, body: { ...forBlock.vote.body, blockHash: new Uint8Array(32) } },
    }
    expect(gossipKey(withHash)).not.toBe(gossipKey(forBlock))
    expect(gossipKey(proposal(3, 1))).toBe('p/3/1')
  })

  it('sends a message only to the connected peers not known to have it', () => {
    const peers = [A, B]
    const { gossip, take } = gossipOver(peers, () => [], { peersAt: 0 })
    gossip.received(B, vote(1, 0, 7))
    gossip.broadcast(vote(1, 0, 7))
    expect(take()).toEqual(['a v/1/0/7'])
    // Re-broadcast at every gossip tick by the engine: sent once per peer all the same.
    gossip.broadcast(vote(1))
    gossip.broadcast(vote(1))
    expect(take()).toEqual(['a v/1/0/1', 'b v/1/0/1'])
    gossip.broadcast(vote(1))
    expect(take()).toEqual([])
    peers.push(C)
    gossip.peerHeight(C, 0)
    gossip.broadcast(vote(1))
    expect(take()).toEqual(['c v/1/0/1'])
  })

  it('sends a peer nothing before it reports its height, then what it lacks', () => {
    const snapshot = [vote(3, 0, 1)]
    const { gossip, take } = gossipOver([A], () => snapshot)
    gossip.broadcast(vote(3, 0, 2))
    gossip.tick()
    expect(take()).toEqual([])
    expect(gossip.peerHeight(A, 2)).toBe(true)
    expect(take()).toEqual(['a v/3/0/1'])
    expect(gossip.peerHeight(A, 2)).toBe(false)
    gossip.broadcast(vote(3, 0, 2))
    expect(take()).toEqual(['a v/3/0/2'])
  })

  it('never sends a relayed message back to the peer it came from, nor to one that sent it', () => {
    const { gossip, take } = gossipOver([A, B, C], () => [], { peersAt: 0 })
    const m = vote(1, 0, 9)
    gossip.received(A, m)
    gossip.received(C, m)
    gossip.relay(m, A)
    expect(take()).toEqual(['b v/1/0/9'])
    gossip.relay(m, null)
    gossip.tick()
    expect(take()).toEqual([])
  })

  it('sends each peer the snapshot messages it lacks at every tick', () => {
    let snapshot: ConsensusMessage[] = []
    const { gossip, take, advance } = gossipOver([A, B], () => snapshot, { peersAt: 1 })
    snapshot = [proposal(2), vote(2, 0, 1)]
    gossip.received(A, proposal(2))
    gossip.start()
    advance(100)
    expect(take().sort()).toEqual(['a v/2/0/1', 'b p/2/0', 'b v/2/0/1'])
    advance(100)
    expect(take()).toEqual([])
    snapshot = [...snapshot, vote(2, 0, 2)]
    advance(100)
    expect(take()).toEqual(['a v/2/0/2', 'b v/2/0/2'])
    gossip.stop()
    snapshot = [...snapshot, vote(2, 0, 3)]
    advance(1000)
    expect(take()).toEqual([])
  })

  it('sends a peer that reconnected the whole snapshot again', () => {
    let snapshot: ConsensusMessage[] = []
    const { gossip, take } = gossipOver([A, B], () => snapshot, { peersAt: 1 })
    snapshot = [proposal(2), vote(2, 0, 1), vote(2, 0, 2)]
    gossip.tick()
    expect(take()).toHaveLength(6)
    gossip.tick()
    expect(take()).toEqual([])
    // On reconnect or disconnect the protocol forgets what the peer had: it may have restarted.
    gossip.forget(A)
    gossip.tick()
    expect(take()).toEqual([])
    gossip.peerHeight(A, 1)
    expect(take()).toEqual(['a p/2/0', 'a v/2/0/1', 'a v/2/0/2'])
  })

  it('holds back messages a peer behind would drop, and sends them once it catches up', () => {
    const snapshot = [proposal(5), vote(5, 0, 1)]
    const { gossip, take, committed } = gossipOver([A, B], () => snapshot)
    committed.height = 4
    gossip.peerHeight(A, 2)
    gossip.peerHeight(B, 4)
    gossip.tick()
    expect(take()).toEqual(['b p/5/0', 'b v/5/0/1'])
    gossip.peerHeight(A, 3)
    expect(take()).toEqual([])
    gossip.peerHeight(A, 4)
    expect(take()).toEqual(['a p/5/0', 'a v/5/0/1'])
    // A peer that already decided the height gets the votes (it answers with the decision this
    // node lacks) but not the block; once this node decided it too, neither.
    gossip.forget(B)
    gossip.peerHeight(B, 5)
    expect(take()).toEqual(['b v/5/0/1'])
    committed.height = 5
    gossip.forget(B)
    gossip.peerHeight(B, 6)
    gossip.broadcast(vote(5, 0, 2))
    expect(take()).toEqual(['a v/5/0/2'])
  })

  it('forgets heights below the one before the current height', () => {
    let snapshot: ConsensusMessage[] = [vote(5)]
    const { gossip } = gossipOver([A], () => snapshot, { peersAt: 5 })
    gossip.received(A, vote(4))
    gossip.received(A, vote(5))
    gossip.received(A, vote(6))
    gossip.tick()
    expect(gossip.knownCount(A)).toBe(3)
    snapshot = [vote(6)]
    gossip.tick()
    // Height 4 is gone; 5 (the one before the current height) and 6 stay.
    expect(gossip.knownCount(A)).toBe(2)
    gossip.peerHeight(A, 6)
    snapshot = [vote(7)]
    gossip.tick()
    // 6, and 7 sent at the tick.
    expect(gossip.knownCount(A)).toBe(2)
    gossip.received(A, vote(5, 0, 2))
    expect(gossip.knownCount(A)).toBe(2)
  })

  it('remembers at most a bounded number of messages per peer', () => {
    expect(MAX_KNOWN_PER_PEER).toBeGreaterThanOrEqual(4 * 1000)
    const { gossip, take } = gossipOver([A, B], () => [], { peersAt: 0, maxKnownPerPeer: 100 })
    for (let round = 0; round < 20; round++) {
      for (let v = 0; v < 50; v++) gossip.received(A, vote(1, round, v))
    }
    expect(gossip.knownCount(A)).toBe(100)
    expect(gossip.knownCount(B)).toBe(0)
    // The newest are the ones kept; a forgotten one is at worst sent again.
    gossip.relay(vote(1, 19, 49), null)
    gossip.relay(vote(1, 0, 0), null)
    expect(take()).toEqual(['b v/1/19/49', 'a v/1/0/0', 'b v/1/0/0'])
    gossip.forget(A)
    expect(gossip.knownCount(A)).toBe(0)
  })
})

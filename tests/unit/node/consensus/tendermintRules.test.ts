// Scenario tests of the Tendermint rules that keep a cluster safe and live: each one scripts a
// schedule of messages against real engines and fails if its rule is broken.
import { describe, expect, it } from 'vitest'
import { VOTE_TYPE } from '../../../../src/main/node/chain/block'
import {
  hashOf,
  ScriptedCluster,
  SCRIPTED_SYNCHRONY,
  SCRIPTED_TIMEOUTS,
  votedFor,
} from '../../../helpers/scriptedCluster'

const { prevote, precommit } = VOTE_TYPE

/** The indices 0..n-1 other than those given. */
function others(n: number, ...taken: number[]): number[] {
  return Array.from({ length: n }, (_, i) => i).filter((i) => !taken.includes(i))
}

describe('the lock survives a restart', () => {
  it('a validator that precommitted v and restarted prevotes nil for a Byzantine w: no fork', async () => {
    const c = new ScriptedCluster(4)
    const a = c.proposerOf(1, 0) // honest, proposes v
    const d = c.proposerOf(1, 1) // Byzantine, proposes w in round 1
    expect(a).not.toBe(d)
    const [b, cc] = others(4, a, d) as [number, number]
    for (const i of [a, b, cc]) await c.start(i)

    // Round 0: A proposes v; B gets it, C never does.
    const v = c.nodes[a]!.proposal(1, 0)!
    await c.deliver(b, v)
    const [pvA] = c.nodes[a]!.votes(prevote, 1, 0)
    const [pvB] = c.nodes[b]!.votes(prevote, 1, 0)
    expect(votedFor(pvB)).toBe(hashOf(v.block))
    const pvD = c.prevote(d, 1, 0, v.block)
    await c.deliver(a, { kind: 'vote', vote: pvB! }, pvD)
    await c.deliver(b, { kind: 'vote', vote: pvA! }, pvD)
    const [pcA] = c.nodes[a]!.votes(precommit, 1, 0)
    const [pcB] = c.nodes[b]!.votes(precommit, 1, 0)
    expect(votedFor(pcA)).toBe(hashOf(v.block))
    expect(votedFor(pcB)).toBe(hashOf(v.block))
    // D's precommit for v reaches A alone: A decides v.
    await c.deliver(a, { kind: 'vote', vote: pcB! }, c.precommit(d, 1, 0, v.block))
    expect(c.nodes[a]!.app.height).toBe(1)
    expect(hashOf(c.nodes[a]!.app.blocks[0]!)).toBe(hashOf(v.block))

    // C times out without a proposal, prevotes nil, sees A's and B's prevotes, precommits nil.
    await c.deliver(cc, { kind: 'vote', vote: pvA! }, { kind: 'vote', vote: pvB! })
    await c.advance(SCRIPTED_TIMEOUTS.proposeMs + SCRIPTED_TIMEOUTS.prevoteMs + 10)
    const [pcC] = c.nodes[cc]!.votes(precommit, 1, 0)
    expect(votedFor(pcC)).toBeNull()

    // B crashes and restarts; B and C move to round 1 on the round-0 precommits.
    await c.crash(b)
    await c.start(b)
    await c.deliver(b, { kind: 'vote', vote: pcC! }, { kind: 'vote', vote: pcA! })
    await c.deliver(cc, { kind: 'vote', vote: pcA! }, { kind: 'vote', vote: pcB! })
    await c.advance(SCRIPTED_TIMEOUTS.precommitMs + 10)

    // Round 1: D proposes a fresh w.
    const w = c.proposal(d, 1, c.block(1, d))
    expect(hashOf(w.block)).not.toBe(hashOf(v.block))
    await c.deliver(b, w)
    await c.deliver(cc, w)
    const [pvB1] = c.nodes[b]!.votes(prevote, 1, 1)
    const [pvC1] = c.nodes[cc]!.votes(prevote, 1, 1)
    // D prevotes and precommits w to both, and B and C hear each other.
    const pvD1 = c.prevote(d, 1, 1, w.block)
    await c.deliver(b, { kind: 'vote', vote: pvC1! }, pvD1)
    await c.deliver(cc, { kind: 'vote', vote: pvB1! }, pvD1)
    const pcD1 = c.precommit(d, 1, 1, w.block)
    await c.deliver(
      b,
      pcD1,
      ...c.nodes[cc]!.votes(precommit, 1, 1).map((vote) => ({ kind: 'vote' as const, vote })),
    )
    await c.deliver(
      cc,
      pcD1,
      ...c.nodes[b]!.votes(precommit, 1, 1).map((vote) => ({ kind: 'vote' as const, vote })),
    )

    // No honest node commits w: A committed v at this height.
    for (const i of [b, cc]) {
      expect(c.nodes[i]!.app.blocks.map(hashOf)).not.toContain(hashOf(w.block))
    }
    expect(votedFor(pvC1)).toBe(hashOf(w.block)) // w is a valid, timely block
    expect(votedFor(pvB1)).toBeNull() // but B is still locked on v
    expect(votedFor(c.nodes[b]!.votes(precommit, 1, 1)[0])).not.toBe(hashOf(w.block))
  })

  it('the lock is stored with the precommit that takes it and restored at start', async () => {
    const c = new ScriptedCluster(4)
    const p = c.proposerOf(1, 0)
    const x = others(4, p)[0]!
    await c.start(x)
    const v = c.proposal(p, 0, c.block(1, p))
    const voters = others(4, x).slice(0, 2)
    await c.deliver(x, v, ...voters.map((i) => c.prevote(i, 1, 0, v.block)))
    expect(votedFor(c.nodes[x]!.votes(precommit, 1, 0)[0])).toBe(hashOf(v.block))
    await c.crash(x)
    await c.start(x)
    const state = c.nodes[x]!.privValidator!.roundState(1)
    expect(state.lockedRound).toBe(0)
    expect(hashOf(state.lockedBlock!)).toBe(hashOf(v.block))
    expect(state.validRound).toBe(0)
  })
})

describe('line 36 fires only once the step is prevote or later', () => {
  it('a polka seen during the propose step still locks after the propose timeout', async () => {
    const c = new ScriptedCluster(4)
    const proposer = c.proposerOf(1, 1)
    const x = others(4, proposer, c.proposerOf(1, 0))[0]!
    await c.start(x)
    const v = c.block(1, proposer)
    const voters = others(4, x)
    // Round 1 prevotes for v from the three others (the first two make x skip to round 1), then
    // the re-proposal of v with a proof of lock from round 0 that x never saw.
    for (const i of voters) await c.deliver(x, c.prevote(i, 1, 1, v))
    await c.deliver(x, c.proposal(proposer, 1, v, 0))
    expect(c.nodes[x]!.votes(prevote, 1, 1)).toEqual([])
    await c.advance(SCRIPTED_TIMEOUTS.proposeMs + SCRIPTED_TIMEOUTS.proposeDeltaMs + 10)
    expect(votedFor(c.nodes[x]!.votes(prevote, 1, 1)[0])).toBeNull()
    // Holding the polka at step prevote, x locks on v and precommits it.
    expect(votedFor(c.nodes[x]!.votes(precommit, 1, 1)[0])).toBe(hashOf(v))
  })
})

describe('a late validator still signs', () => {
  it('entering a height whose whole round is buffered, it prevotes and precommits before committing', async () => {
    const c = new ScriptedCluster(4)
    const p1 = c.proposerOf(1, 0)
    const p2 = c.proposerOf(2, 0)
    const x = others(4, p1, p2)[0]!
    const rest = others(4, x)
    await c.start(x)
    // Height 1, decided normally.
    const b1 = c.block(1, p1)
    await c.deliver(x, c.proposal(p1, 0, b1), ...rest.map((i) => c.prevote(i, 1, 0, b1)))
    await c.deliver(x, ...rest.map((i) => c.precommit(i, 1, 0, b1)))
    expect(c.nodes[x]!.app.height).toBe(1)
    const commit1 = c.commit(b1, 0, rest)
    await c.reference.commitBlock(b1, commit1)
    // During x's commit wait the others already run height 2 to its end.
    const b2 = c.block(2, p2, commit1)
    await c.deliver(x, c.proposal(p2, 0, b2))
    await c.deliver(x, ...rest.map((i) => c.prevote(i, 2, 0, b2)))
    await c.deliver(x, ...rest.map((i) => c.precommit(i, 2, 0, b2)))
    expect(c.nodes[x]!.app.height).toBe(1)
    await c.advance(SCRIPTED_TIMEOUTS.commitMs + 1)
    expect(c.nodes[x]!.app.height).toBe(2)
    expect(votedFor(c.nodes[x]!.votes(prevote, 2, 0)[0])).toBe(hashOf(b2))
    expect(votedFor(c.nodes[x]!.votes(precommit, 2, 0)[0])).toBe(hashOf(b2))
  })

  it("the next block's last commit is the union of the received commit and the node's own precommits", async () => {
    const c = new ScriptedCluster(4)
    const p1 = c.proposerOf(1, 0)
    const x = c.proposerOf(2, 0)
    expect(x).not.toBe(p1)
    const [a, b, d] = others(4, x) as [number, number, number]
    await c.start(x)
    const b1 = c.block(1, p1)
    // x holds a polka and precommits; it also has a's precommit.
    await c.deliver(x, c.proposal(p1, 0, b1), ...[a, b, d].map((i) => c.prevote(i, 1, 0, b1)))
    const p = a === p1 ? b : a
    await c.deliver(x, c.precommit(p, 1, 0, b1))
    expect(votedFor(c.nodes[x]!.votes(precommit, 1, 0)[0])).toBe(hashOf(b1))
    // The decision arrives with the other three's certificate.
    const certificate = c.commit(b1, 0, [a, b, d])
    await c.deliver(x, { kind: 'decision', block: b1, commit: certificate })
    expect(c.nodes[x]!.app.height).toBe(1)
    await c.advance(SCRIPTED_TIMEOUTS.commitMs + 1)
    const proposal = c.nodes[x]!.proposal(2, 0)!
    expect(proposal.block.lastCommit!.signatures).toHaveLength(4)
  })
})

describe('a restarted validator proposes with the fullest commit it held', () => {
  it('late precommits gathered in the commit wait survive a restart', async () => {
    const c = new ScriptedCluster(4)
    const p1 = c.proposerOf(1, 0)
    const x = c.proposerOf(2, 1)
    expect([p1, c.proposerOf(2, 0)]).not.toContain(x)
    const rest = others(4, x)
    await c.start(x)
    const b1 = c.block(1, p1)
    await c.deliver(x, c.proposal(p1, 0, b1), ...rest.map((i) => c.prevote(i, 1, 0, b1)))
    await c.deliver(x, c.precommit(rest[0]!, 1, 0, b1), c.precommit(rest[1]!, 1, 0, b1))
    expect(c.nodes[x]!.app.commits[0]!.signatures).toHaveLength(3)
    await c.deliver(x, c.precommit(rest[2]!, 1, 0, b1)) // late, in the commit wait
    await c.advance(SCRIPTED_TIMEOUTS.commitMs + 1)
    await c.crash(x)
    await c.start(x)
    // Round 1 of height 2, which x proposes.
    await c.deliver(x, c.prevote(rest[0]!, 2, 1, null), c.prevote(rest[1]!, 2, 1, null))
    expect(c.nodes[x]!.proposal(2, 1)!.block.lastCommit!.signatures).toHaveLength(4)
  })
})

describe('proposer-based timestamps', () => {
  it('a fresh proposal whose time is off the clock gets a nil prevote; a timely one the block', async () => {
    const c = new ScriptedCluster(4)
    const p = c.proposerOf(1, 0)
    const x = others(4, p)[0]!
    await c.start(x)
    const early = c.block(1, p)
    const future = { ...early, header: { ...early.header, time: early.header.time + 3_600_000 } }
    await c.deliver(x, c.proposal(p, 0, future))
    expect(votedFor(c.nodes[x]!.votes(prevote, 1, 0)[0])).toBeNull()

    const d = new ScriptedCluster(4)
    await d.start(x)
    const timely = d.block(1, p)
    await d.deliver(x, d.proposal(p, 0, timely))
    expect(votedFor(d.nodes[x]!.votes(prevote, 1, 0)[0])).toBe(hashOf(timely))
  })

  it('a proposal stamped earlier than the message delay allows gets a nil prevote', async () => {
    const c = new ScriptedCluster(4)
    const p = c.proposerOf(1, 0)
    const x = others(4, p)[0]!
    await c.start(x)
    const block = c.block(1, p)
    const late = SCRIPTED_SYNCHRONY.messageDelayMs + SCRIPTED_SYNCHRONY.precisionMs + 50
    const stale = { ...block, header: { ...block.header, time: block.header.time - late } }
    await c.deliver(x, c.proposal(p, 0, stale))
    expect(votedFor(c.nodes[x]!.votes(prevote, 1, 0)[0])).toBeNull()
  })
})

describe('BFT time', () => {
  it('a Byzantine proposer cannot hold block time still or push it ahead', async () => {
    const c = new ScriptedCluster(4)
    const byzantine = c.proposerOf(1, 0)
    const honest = others(4, byzantine)
    for (const i of honest) await c.start(i)
    // The Byzantine proposer offers a block stamped an hour ahead.
    const ahead = c.block(1, byzantine)
    const skewed = { ...ahead, header: { ...ahead.header, time: ahead.header.time + 3_600_000 } }
    for (const i of honest) await c.deliver(i, c.proposal(byzantine, 0, skewed))
    // The honest validators exchange everything they say until they decide.
    for (let step = 0; step < 200 && honest.some((i) => c.nodes[i]!.app.height < 1); step++) {
      for (const from of honest) {
        const said = c.nodes[from]!.sent.splice(0)
        for (const to of honest) if (from !== to) await c.deliver(to, ...said)
      }
      await c.advance(50)
    }
    for (const i of honest) {
      const block = c.nodes[i]!.app.blocks[0]!
      expect(hashOf(block)).not.toBe(hashOf(skewed))
      expect(Math.abs(block.header.time - c.clock.now())).toBeLessThan(10_000)
    }
  })
})

describe('catch-up answers cost an attacker something', () => {
  /** A node at height 3, having decided heights 1 and 2 from the others' certificates. */
  async function nodeAtHeight3(): Promise<{ c: ScriptedCluster; x: number }> {
    const c = new ScriptedCluster(4)
    const x = others(4, c.proposerOf(1, 0), c.proposerOf(2, 0), c.proposerOf(3, 0))[0]!
    await c.start(x)
    let lastCommit = null
    for (const height of [1, 2]) {
      const block = c.block(height, c.proposerOf(height, 0), lastCommit)
      lastCommit = c.commit(block, 0, others(4, x))
      await c.reference.commitBlock(block, lastCommit)
      await c.deliver(x, { kind: 'decision', block, commit: lastCommit })
      await c.advance(SCRIPTED_TIMEOUTS.commitMs + 1)
    }
    expect(c.nodes[x]!.app.height).toBe(2)
    return { c, x }
  }

  it('an old-height vote with a bad signature gets nothing and counts as forged', async () => {
    const { c, x } = await nodeAtHeight3()
    const vote = c.prevote(others(4, x)[0]!, 1, 0, null)
    if (vote.kind !== 'vote') throw new Error('unreachable')
    await c.deliver(x, { kind: 'vote', vote: { ...vote.vote, signature: new Uint8Array(64) } })
    expect(c.nodes[x]!.sentTo).toEqual([])
    expect(c.nodes[x]!.sent.filter((m) => m.kind === 'decision')).toEqual([])
    expect(c.nodes[x]!.forged).toBe(1)
  })

  it('a signed old-height vote of a member gets the decided block, sent to that peer only, once per gossip period', async () => {
    const { c, x } = await nodeAtHeight3()
    const lagging = others(4, x)[0]!
    for (let i = 0; i < 20; i++) await c.deliver(x, c.prevote(lagging, 1, 0, null))
    expect(c.nodes[x]!.sent.filter((m) => m.kind === 'decision')).toEqual([])
    expect(c.nodes[x]!.sentTo).toHaveLength(1)
    const [answer] = c.nodes[x]!.sentTo
    expect(answer!.peer).toBe('peer')
    expect(answer!.message.kind === 'decision' && answer!.message.commit.height).toBe(1)
    await c.advance(SCRIPTED_TIMEOUTS.gossipMs + 1)
    await c.deliver(x, c.prevote(lagging, 1, 0, null))
    expect(c.nodes[x]!.sentTo).toHaveLength(2)
  })
})

describe('the next-height buffer', () => {
  it('keeps only signed messages of the next set, a few per validator', async () => {
    const c = new ScriptedCluster(4)
    const x = others(4, c.proposerOf(1, 0))[0]!
    await c.start(x)
    const member = others(4, x)[0]!
    for (let round = 0; round < 50; round++) await c.deliver(x, c.prevote(member, 2, round, null))
    const stranger = new ScriptedCluster(5) // validator 4 of another set is no member here
    for (let round = 0; round < 10; round++) {
      await c.deliver(x, stranger.prevote(4, 2, round, null))
    }
    const forgedVote = c.prevote(others(4, x)[1]!, 2, 0, null)
    if (forgedVote.kind !== 'vote') throw new Error('unreachable')
    await c.deliver(x, {
      kind: 'vote',
      vote: { ...forgedVote.vote, signature: new Uint8Array(64).fill(1) },
    })
    const buffered = c.nodes[x]!.engine!.status().nextHeightBuffered
    expect(buffered.messages).toBe(6)
    expect(c.nodes[x]!.forged).toBe(1)
  })
})

// The bridge flow governor between two clusters of four validator processes (`coherence localnet
// --clusters 2 --flow-cap 100 --flow-window 20`): when one validator of A stops, A's headers
// carry Ψ = 0.75, B's allowance for A tightens, and a burst from A beyond it waits in B's queue,
// to be credited window by window once the window rolls; nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ONE_TOKEN, TOKENS } from '../../src/shared/tokens'
import type { BridgeConnection, BridgeTransfer } from '../../src/shared/ipc/contract'
import { startBridgedLocalnet, type BridgedLocalnet } from '../helpers/localnet'
import {
  balancesOf,
  bridgeOpen,
  bridgeSendAction,
  clusterHandles,
  connectionTo,
  fundFromMembers,
  genesisTotals,
  headerSupply,
  TestAccount,
  TxPump,
  type ClusterHandle,
} from '../helpers/bridgeTraffic'
import { waitFor } from '../helpers/tempDir'

const VALIDATORS = 4
const BLOCK_TIME_MS = 1000
const FLOW_CAP = 100n * ONE_TOKEN
const FLOW_WINDOW = 20
/** The burst: twice the cap, in packets small enough that a few fit a window. */
const BURST = 8
const PACKET = 25n * ONE_TOKEN
const POLL_MS = 1000

const flx = (c: BridgeConnection, field: 'allowance' | 'accepted' | 'flowCap'): bigint =>
  BigInt(c[field].FLX)

describe('bridge governor: two clusters of four validator processes', () => {
  let net: BridgedLocalnet
  let a: ClusterHandle
  let b: ClusterHandle

  beforeAll(async () => {
    net = await startBridgedLocalnet({
      validators: VALIDATORS,
      blockTimeMs: BLOCK_TIME_MS,
      flowCap: '100',
      flowWindow: FLOW_WINDOW,
    })
    ;[a, b] = await clusterHandles(net)
    await bridgeOpen(a, b, 150_000)
  }, 300_000)

  afterAll(async () => {
    a?.clients.close()
    b?.clients.close()
    await net?.stop()
  }, 60_000)

  it('holds a burst from an unstable cluster in the queue and credits all of it later', async () => {
    const sender = new TestAccount()
    const recipient = new TestAccount().address
    await fundFromMembers(a, sender, 1000n * ONE_TOKEN, ['FLX'])
    // B's view of A while A is steady: the cap scaled by A's score so far (its first blocks,
    // decided while the processes connected, may lack a signature or two).
    const steady = (await connectionTo(b, a))!
    expect(flx(steady, 'flowCap')).toBe(FLOW_CAP)
    expect(steady.flowWindow).toBe(FLOW_WINDOW)
    expect(flx(steady, 'allowance')).toBeLessThanOrEqual(FLOW_CAP)

    // One of A's four validators stops: A goes on with 3/4 of the power signing (Ψ = 0.75).
    await a.kill(3)
    const unstable = await waitFor(
      async () => {
        const c = (await connectionTo(b, a))!
        return BigInt(c.entropyRate ?? '0') > 0n && flx(c, 'allowance') < flx(steady, 'allowance')
          ? c
          : undefined
      },
      60_000,
      "B's allowance for A to tighten",
      POLL_MS,
    )
    expect(BigInt(unstable.coherenceScore!)).toBeLessThan(BigInt(steady.coherenceScore!))
    expect(flx(unstable, 'allowance')).toBeLessThan(FLOW_CAP)
    const psis = (await a.call('monitor.kpis', {})).recentPsi.map((p) => p.psi)
    expect(psis).toContain(0.75)

    // A burst of twice the cap from A, well beyond what B accepts from it in one window.
    const pump = new TxPump(a)
    for (let n = 0; n < BURST; n++) {
      pump.add(sender, (nonce) =>
        sender.sign(
          a.clusterId,
          bridgeSendAction(b.clusterId, recipient, 'FLX', PACKET, unstable.trustedHeight + 5000),
          nonce,
          a.genesis.minFee,
        ),
      )
    }
    await pump.drain(60_000, 'the burst to be sent')
    await pump.stop()

    // B takes every packet in order but holds back what exceeds the allowance.
    const held = await waitFor(
      async () => {
        const info = await b.call('bridge.info', {})
        const c = info.connections.find((x) => x.cluster === a.clusterId)!
        const queued = info.transfers.filter(
          (t) => t.direction === 'incoming' && t.state === 'queued',
        )
        return c.queued > 0 && queued.length === c.queued ? { c, queued } : undefined
      },
      60_000,
      'B to queue part of the burst',
      POLL_MS,
    )
    expect(flx(held.c, 'accepted')).toBeGreaterThan(0n)
    expect(flx(held.c, 'accepted')).toBeLessThanOrEqual(FLOW_CAP)
    expect(held.c.queued).toBeLessThan(BURST)

    // A recovers; as the window rolls, B releases the rest and A hears every ack.
    await a.restart(3)
    await waitFor(
      async () => {
        const [ab, ba] = await Promise.all([connectionTo(a, b), connectionTo(b, a)])
        return ab!.inFlight === 0 && ba!.queued === 0 ? true : undefined
      },
      180_000,
      'every packet of the burst to be credited and acknowledged',
      POLL_MS,
    )

    const incoming = (await b.call('bridge.info', {})).transfers.filter(
      (t) => t.direction === 'incoming' && t.cluster === a.clusterId,
    )
    const outgoing = (await a.call('bridge.info', {})).transfers.filter(
      (t) => t.direction === 'outgoing' && t.cluster === b.clusterId,
    )
    const bySequence = (ts: BridgeTransfer[]) => [...ts].sort((x, y) => x.sequence - y.sequence)
    const range = Array.from({ length: BURST }, (_, i) => i + 1)
    expect(bySequence(incoming).map((t) => t.sequence)).toEqual(range)
    expect(bySequence(outgoing).map((t) => t.sequence)).toEqual(range)
    expect(incoming.every((t) => t.state === 'credited')).toBe(true)
    expect(outgoing.every((t) => t.state === 'acknowledged')).toBe(true)
    expect((await balancesOf(b, recipient)).FLX).toBe(BigInt(BURST) * PACKET)

    // Credited over more than one window. Within one, the tightened allowance bounded it, not
    // the cap (four packets would fit that): A's 0.75 values stay among its last 100 Ψ.
    const credited = incoming.map((t) => ({ at: t.settledHeight!, amount: BigInt(t.amount) }))
    expect(new Set(credited.map((c) => c.at)).size).toBeGreaterThan(1)
    expect(incoming.some((t) => t.settledHeight! > t.height)).toBe(true)
    for (const { at } of credited) {
      const inWindow = credited
        .filter((c) => c.at <= at && c.at > at - FLOW_WINDOW)
        .reduce((sum, c) => sum + c.amount, 0n)
      expect(inWindow, `credited in the window ending at ${at}`).toBeLessThan(FLOW_CAP)
    }

    const tokens = (units: bigint) => Number(units / 10n ** 15n) / 1000
    console.info(
      `allowance for A: ${tokens(flx(steady, 'allowance'))} steady, ` +
        `${tokens(flx(unstable, 'allowance'))} unstable (cap ${tokens(FLOW_CAP)}); ` +
        `queued ${held.c.queued} of ${BURST}; credited at heights ` +
        bySequence(incoming)
          .map((t) => `${t.settledHeight}${t.settledHeight! > t.height ? '*' : ''}`)
          .join(' '),
    )

    // Nothing made or lost across the two clusters.
    const [sa, sb] = await Promise.all([headerSupply(a), headerSupply(b)])
    const [ga, gb] = [genesisTotals(a), genesisTotals(b)]
    for (const t of TOKENS) expect(sa.supply[t] + sb.supply[t], t).toBe(ga[t] + gb[t])
  }, 480_000)
})

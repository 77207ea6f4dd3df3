import { describe, expect, it } from 'vitest'
import type { BridgeTransfer, KpiDto, TransferState } from '../../../src/shared/ipc/contract'
import {
  findTransfer,
  parseUrls,
  ratioValue,
  remoteKpi,
  transferSteps,
} from '../../../src/renderer/src/lib/bridge'

const SENDER = 'coh1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'

function transfer(over: Partial<BridgeTransfer>): BridgeTransfer {
  return {
    direction: 'outgoing',
    cluster: 'other',
    sequence: 1,
    sender: SENDER,
    recipient: SENDER,
    token: 'FLX',
    amount: '1000',
    timeoutHeight: 1000,
    state: 'committed',
    height: 10,
    time: 1_000,
    settledHeight: null,
    settledTime: null,
    remoteHeight: null,
    ...over,
  }
}

const steps = (direction: BridgeTransfer['direction'], state: TransferState): string[] =>
  transferSteps(transfer({ direction, state })).map(
    (s) => `${s.label}:${s.status}${s.current ? '*' : ''}`,
  )

describe('transfer steps', () => {
  it('fills a sent transfer up to its state', () => {
    expect(steps('outgoing', 'committed')).toEqual([
      'committed:done*',
      'relayed:todo',
      'received:todo',
      'acknowledged:todo',
    ])
    expect(steps('outgoing', 'received')).toEqual([
      'committed:done',
      'relayed:done',
      'received:done*',
      'acknowledged:todo',
    ])
    expect(steps('outgoing', 'acknowledged')).toEqual([
      'committed:done',
      'relayed:done',
      'received:done',
      'acknowledged:done*',
    ])
  })

  it('ends a refund or a refusal in a failed step', () => {
    expect(steps('outgoing', 'refunded')).toEqual(['committed:done', 'refunded:failed*'])
    expect(steps('incoming', 'refused')).toEqual(['queued:done', 'refused:failed*'])
  })

  it('shows a received transfer queued, then credited', () => {
    expect(steps('incoming', 'queued')).toEqual(['queued:done*', 'credited:todo'])
    expect(steps('incoming', 'credited')).toEqual(['queued:done', 'credited:done*'])
  })

  it('says at which heights the steps happened', () => {
    const [committed, , received, acknowledged] = transferSteps(
      transfer({ state: 'acknowledged', remoteHeight: 7, settledHeight: 12, settledTime: 2_000 }),
    )
    expect(committed?.detail).toMatch(/^at height 10, /)
    expect(received?.detail).toBe('at their height 7')
    expect(acknowledged?.detail).toMatch(/^at height 12, /)
  })
})

describe('finding the transfer a send made', () => {
  const sent = {
    cluster: 'other',
    sender: SENDER,
    recipient: SENDER,
    token: 'FLX',
    amount: '1000',
    height: 10,
  }

  it('matches direction, cluster, parties, amount and height; the latest of alike ones', () => {
    const transfers = [
      transfer({ sequence: 1, height: 9 }),
      transfer({ sequence: 2 }),
      transfer({ sequence: 3 }),
      transfer({ sequence: 4, amount: '999' }),
      transfer({ sequence: 5, direction: 'incoming' }),
    ]
    expect(findTransfer(transfers, sent)?.sequence).toBe(3)
    expect(findTransfer(transfers, { ...sent, height: 11 })).toBeNull()
  })
})

describe('connected clusters KPIs', () => {
  const own: KpiDto = {
    value: 1,
    target: 0.97,
    met: true,
    samples: 100,
    window: 100,
    reason: null,
  }

  it('reads 18-decimal ratios exactly enough for display', () => {
    expect(ratioValue(null)).toBeNull()
    expect(ratioValue('1000000000000000000')).toBe(1)
    expect(ratioValue('970000000000000000')).toBe(0.97)
    expect(ratioValue('2000000000000000')).toBe(0.002)
  })

  it('judges them by the own KPI target over its window', () => {
    expect(remoteKpi('980000000000000000', 150, own, 'atLeast')).toEqual({
      value: 0.98,
      target: 0.97,
      met: true,
      samples: 100,
      window: 100,
      reason: null,
    })
    expect(remoteKpi('960000000000000000', 5, own, 'atLeast').met).toBe(false)
    expect(remoteKpi('1000000000000000', 5, { ...own, target: 0.002 }, 'atMost').met).toBe(true)
    const none = remoteKpi(null, 0, own, 'atLeast')
    expect(none.value).toBeNull()
    expect(none.met).toBeNull()
    expect(none.reason).toMatch(/[a-z]{3}/)
  })
})

describe('relay endpoints', () => {
  it('splits lines, spaces and commas', () => {
    expect(parseUrls(' ws://a:1\nws://b:2, ws://c:3 \n\n')).toEqual([
      'ws://a:1',
      'ws://b:2',
      'ws://c:3',
    ])
  })
})

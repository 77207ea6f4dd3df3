import { describe, expect, it } from 'vitest'
import type { KpiDto } from '../../../src/shared/ipc/contract'
import { AlertBook, conditions, type AlertInputs } from '../../../src/main/node/monitor/alerts'

const ok = (value: number, target: number): KpiDto => ({
  value,
  target,
  met: true,
  samples: 100,
  window: 100,
  reason: null,
})
const none: KpiDto = {
  value: null,
  target: 1.05,
  met: null,
  samples: 3,
  window: 86_400_000,
  reason: 'n/a before one hour of history (3 min so far)',
}

const healthy: AlertInputs = {
  coherenceScore: ok(1, 0.97),
  entropyRate: ok(0, 0.002),
  hInternal: ok(1, 0.98),
  caf: none,
  missedInARow: [],
  peers: { connected: 3, minimum: 2 },
  blocksBehind: 0,
  divergedAt: null,
}

describe('alert conditions', () => {
  it('none for a healthy node, and none for a KPI without data', () => {
    expect(conditions(healthy)).toEqual([])
  })

  it('one per broken bound, each saying what happened and what to do', () => {
    const ids = conditions({
      ...healthy,
      coherenceScore: { ...ok(0.9, 0.97), met: false },
      entropyRate: { ...ok(0.01, 0.002), met: false },
      missedInARow: [
        { address: 'coh1other', missed: 3, self: false },
        { address: 'coh1late', missed: 2, self: false },
        { address: 'coh1me', missed: 2, self: true },
      ],
      peers: { connected: 1, minimum: 2 },
      blocksBehind: 6,
      divergedAt: 42,
    }).map((c) => [c.id, c.severity])
    expect(ids).toEqual([
      ['kpi.coherenceScore', 'warning'],
      ['kpi.entropyRate', 'warning'],
      ['validator.missing:coh1other', 'warning'],
      ['validator.self.missing', 'warning'],
      ['peers.low', 'warning'],
      ['node.behind', 'warning'],
      ['state.diverged', 'critical'],
    ])
    const [score] = conditions({ ...healthy, coherenceScore: { ...ok(0.9, 0.97), met: false } })
    expect(score!.detail).toBe('Coherence Score is 90.00 %, below its target of 97.00 %.')
    expect(score!.advice.length).toBeGreaterThan(0)
  })
})

describe('the alert book', () => {
  it('raises once with its start time, keeps it while it holds, clears when it stops', () => {
    const book = new AlertBook()
    const c = conditions({ ...healthy, blocksBehind: 9 })
    expect(book.update(100, c).raised.map((a) => a.since)).toEqual([100])
    expect(book.update(200, conditions({ ...healthy, blocksBehind: 12 }))).toEqual({
      raised: [],
      cleared: [],
    })
    expect(book.list()[0]).toMatchObject({
      since: 100,
      detail: 'The node is 12 blocks behind its peers.',
    })
    const { cleared } = book.update(300, [])
    expect(cleared).toMatchObject([{ id: 'node.behind', since: 100, clearedAt: 300 }])
    expect(book.list()).toEqual([])
  })
})

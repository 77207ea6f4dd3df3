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
  bridges: [{ cluster: 'steady', frozen: false, coherenceScore: ok(1, 0.97) }],
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
      bridges: [
        { cluster: 'forked', frozen: true, coherenceScore: ok(1, 0.97) },
        { cluster: 'shaky', frozen: false, coherenceScore: { ...ok(0.8, 0.97), met: false } },
      ],
    }).map((c) => [c.id, c.severity])
    expect(ids).toEqual([
      ['kpi.coherenceScore', 'warning'],
      ['kpi.entropyRate', 'warning'],
      ['validator.missing:coh1other', 'warning'],
      ['validator.self.missing', 'warning'],
      ['peers.low', 'warning'],
      ['node.behind', 'warning'],
      ['bridge.frozen:forked', 'critical'],
      ['bridge.coherence:shaky', 'info'],
      ['state.diverged', 'critical'],
    ])
    const [score] = conditions({ ...healthy, coherenceScore: { ...ok(0.9, 0.97), met: false } })
    expect(score!.detail).toBe('Coherence Score is 90.00 %, below its target of 97.00 %.')
    expect(score!.advice.length).toBeGreaterThan(0)
  })
})

describe('the alert book', () => {
  const behind = (blocks: number) => conditions({ ...healthy, blocksBehind: blocks })

  it('raises once a condition held for a few blocks, dated from when it began', () => {
    const book = new AlertBook(3)
    expect(book.update(100, behind(9)).raised).toEqual([])
    expect(book.update(200, behind(9)).raised).toEqual([])
    expect(book.update(300, behind(12)).raised.map((a) => a.since)).toEqual([100])
    expect(book.update(400, behind(12))).toEqual({ raised: [], cleared: [] })
    expect(book.list()[0]).toMatchObject({
      since: 100,
      detail: 'The node is 12 blocks behind its peers.',
    })
  })

  it('ignores a condition that comes and goes, and clears one that stopped for a few blocks', () => {
    const book = new AlertBook(3)
    for (const t of [1, 2]) book.update(t, behind(9))
    book.update(3, [])
    expect(book.update(4, behind(9)).raised).toEqual([])
    for (const t of [5, 6]) book.update(t, behind(9))
    expect(book.list()).toHaveLength(1)
    expect(book.update(7, []).cleared).toEqual([])
    expect(book.update(8, behind(9)).cleared).toEqual([])
    book.update(9, [])
    book.update(10, [])
    expect(book.update(11, []).cleared).toMatchObject([
      { id: 'node.behind', since: 4, clearedAt: 11 },
    ])
    expect(book.list()).toEqual([])
  })

  it('raises a critical condition at once', () => {
    const book = new AlertBook(3)
    const { raised } = book.update(5, conditions({ ...healthy, divergedAt: 42 }))
    expect(raised).toMatchObject([{ id: 'state.diverged', since: 5 }])
  })
})

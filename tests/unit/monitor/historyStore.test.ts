import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { KpiPoint } from '../../../src/shared/ipc/contract'
import { HistoryStore } from '../../../src/main/node/monitor/historyStore'
import { tempDir } from '../../helpers/tempDir'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function open(): Promise<{ store: HistoryStore; path: string }> {
  const dir = await tempDir('coherence-history-')
  const path = join(dir.path, 'monitor')
  const store = await HistoryStore.open(path)
  cleanups.push(async () => {
    await store.close().catch(() => {})
    await dir.remove()
  })
  return { store, path }
}

const point = (time: number, score: number | null): KpiPoint => ({
  time,
  coherenceScore: score,
  entropyRate: 0,
  hInternal: 1,
  caf: null,
})

describe('the monitor history store', () => {
  it('keeps per-block points for an hour and minute means for longer ranges', async () => {
    const { store } = await open()
    // Two points a minute, every minute, for three hours: score 1 then 0.5 in each minute.
    for (let m = 0; m < 180; m++) {
      await store.add(point(m * MINUTE, 1))
      await store.add(point(m * MINUTE + 30_000, 0.5))
    }
    const now = 180 * MINUTE
    const hour = await store.range('hour', now)
    expect(hour[0]!.time).toBeGreaterThanOrEqual(now - HOUR - MINUTE)
    expect(hour.length).toBeLessThanOrEqual(122)
    const day = await store.range('day', now)
    // Every finished minute, as the mean of its points; a KPI without value stays null.
    expect(day).toHaveLength(179)
    expect(day.every((p) => p.coherenceScore === 0.75 && p.caf === null)).toBe(true)
    const week = await store.range('week', now)
    expect(week).toHaveLength(18)
    expect(week[0]!.time).toBe(0)
  })

  it('survives a restart, with alerts newest first and their clearing, and evidence', async () => {
    const { store, path } = await open()
    await store.add(point(0, 1))
    const alert = {
      id: 'peers.low',
      severity: 'warning' as const,
      title: 'Few peers',
      detail: 'd',
      advice: 'a',
      since: 1000,
      clearedAt: null,
    }
    await store.addAlert(alert)
    await store.addAlert({ ...alert, id: 'node.behind', since: 2000 })
    await store.addAlert({ ...alert, clearedAt: 3000 })
    const evidence = {
      height: 7,
      round: 0,
      type: 'prevote' as const,
      validator: 'coh1x',
      first: 'a'.repeat(64),
      second: null,
    }
    await store.addEvidence(evidence)
    await store.addEvidence(evidence)
    await store.addEvidence({ ...evidence, height: 9 })
    await store.close()
    const again = await HistoryStore.open(path)
    cleanups.unshift(() => again.close())
    expect(await again.range('hour', 1000)).toEqual([point(0, 1)])
    // Evidence is kept once per validator, height, round and type, newest first.
    expect((await again.evidence(10)).map((e) => e.height)).toEqual([9, 7])
    const alerts = await again.alerts()
    expect(alerts.map((a) => [a.id, a.clearedAt])).toEqual([
      ['node.behind', null],
      ['peers.low', 3000],
    ])
  })
})

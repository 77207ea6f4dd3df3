import { describe, expect, it } from 'vitest'
import { ONE } from '../../../src/shared/cee/fixedPoint'
import {
  caf,
  coherenceScore,
  entropyRate,
  hInternal,
  psi,
  type CommitSample,
} from '../../../src/main/node/monitor/kpis'

const HOUR = 3_600_000

/** Heights 1..n of a set where `signs(address, height)` says who signed. */
function history(
  n: number,
  setAt: (height: number) => { address: string; power: bigint }[],
  signs: (address: string, height: number) => boolean,
): CommitSample[] {
  return Array.from({ length: n }, (_, i) => {
    const height = i + 1
    const validators = setAt(height)
    return {
      height,
      time: height * 1000,
      validators,
      signers: new Set(validators.filter((v) => signs(v.address, height)).map((v) => v.address)),
    }
  })
}

const FOUR = ['a', 'b', 'c', 'd'].map((address) => ({ address, power: 10n }))

/** A fixed-point value as a number, for comparing with hand-computed decimals. */
const n = (x: bigint | null): number => Number(x) / 1e18

describe('KPIs from commit histories (DESIGN.md 3)', () => {
  it('a validator that misses every third block', () => {
    const samples = history(
      30,
      () => FOUR,
      (a, h) => a !== 'd' || h % 3 !== 0,
    )
    const psis = samples.map(psi)
    // 20 heights at Ψ = 1, 10 at Ψ = 0.75: (20 + 7.5) / 30.
    expect(coherenceScore(psis)).toEqual({ value: (275n * ONE) / 300n, samples: 30, window: 100 })
    // Last 10 (heights 21..30): 0.75 at 21, 24, 27, 30; mean 0.9; variance (4·0.15² + 6·0.1²)/10.
    expect(entropyRate([psis]).value).toBe((15n * ONE) / 1000n)
    expect(hInternal(samples, 'd')).toEqual({ value: (2n * ONE) / 3n, samples: 30, window: 100 })
    expect(hInternal(samples, 'a').value).toBe(ONE)
  })

  it('one silent validator of four', () => {
    const samples = history(
      120,
      () => FOUR,
      (a) => a !== 'c',
    )
    const psis = samples.map(psi)
    expect(psis.every((p) => p === (3n * ONE) / 4n)).toBe(true)
    // Only the last 100 heights count.
    expect(coherenceScore(psis)).toEqual({ value: (3n * ONE) / 4n, samples: 100, window: 100 })
    expect(entropyRate([psis]).value).toBe(0n)
    expect(hInternal(samples, 'c')).toEqual({ value: 0n, samples: 100, window: 100 })
  })

  it('a validator set that changes: power-weighted Ψ and membership-aware H_internal', () => {
    const three = FOUR.slice(0, 3).map((v) => ({ ...v, power: 1n }))
    const grown = [...three, { address: 'd', power: 3n }]
    const samples = history(
      20,
      (h) => (h <= 10 ? three : grown),
      (a, h) => h <= 10 || a !== 'c',
    )
    const psis = samples.map(psi)
    expect(psis[9]).toBe(ONE)
    // From height 11: a, b, d sign 1 + 1 + 3 of 6.
    expect(psis[10]).toBe((5n * ONE) / 6n)
    expect(n(coherenceScore(psis).value)).toBeCloseTo((10 + (10 * 5) / 6) / 20, 15)
    // d was a member at 10 heights and signed all; c at 20 and signed 10.
    expect(hInternal(samples, 'd')).toEqual({ value: ONE, samples: 10, window: 100 })
    expect(hInternal(samples, 'c').value).toBe(ONE / 2n)
  })

  it('never a number without data: not enough samples, not a validator', () => {
    expect(coherenceScore([])).toMatchObject({ value: null, samples: 0 })
    expect(entropyRate([[ONE]])).toMatchObject({ value: null, samples: 1 })
    expect(
      hInternal(
        history(
          5,
          () => FOUR,
          () => true,
        ),
        'z',
      ),
    ).toMatchObject({
      value: null,
      reason: 'not a validator',
    })
  })

  it('the Entropy Rate averages the variance over every system with 2 samples or more', () => {
    const own = [ONE, ONE, (3n * ONE) / 4n, ONE] // mean 0.9375, variance 0.01171875
    const remote = [ONE, ONE] // variance 0
    const young = [ONE] // too short: left out
    expect(entropyRate([own, remote, young]).value).toBe(11718750000000000n / 2n)
  })

  it('CAF: the growth of value per share, annualised', () => {
    const first = { time: 0, valuePerShare: ONE }
    const last = { time: 2 * HOUR, valuePerShare: ONE + ONE / 10_000n }
    // 1.0001 ^ (8760 / 2)
    expect(n(caf(first, last, 7200).value)).toBeCloseTo(Math.exp((8760 / 2) * Math.log(1.0001)), 9)
    expect(caf(first, { ...last, time: HOUR - 1 }, 3600)).toMatchObject({
      value: null,
      reason: 'n/a before one hour of history (59 min so far)',
    })
    expect(caf(null, null, 0)).toMatchObject({ value: null, samples: 0 })
    // No growth: exactly 1.
    expect(caf(first, { time: 3 * HOUR, valuePerShare: ONE }, 10).value).toBe(ONE)
  })
})

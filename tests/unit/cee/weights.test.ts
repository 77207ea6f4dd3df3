import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assertNormalisedWeights, MIN_WEIGHT, normaliseWeights } from '../../../src/shared/cee/math'
import { expectCode, ONE } from './helpers'

describe('normaliseWeights', () => {
  it('scales relative weights to a vector adding up to exactly 1', () => {
    expect(normaliseWeights([1n, 1n, 1n])).toEqual([
      333_333_333_333_333_334n,
      333_333_333_333_333_333n,
      333_333_333_333_333_333n,
    ])
    expect(normaliseWeights([2n, 49n, 49n])).toEqual([
      2n * 10n ** 16n,
      49n * 10n ** 16n,
      49n * 10n ** 16n,
    ])
    expect(normaliseWeights([98n, 1n, 1n])).toEqual([98n * 10n ** 16n, 10n ** 16n, 10n ** 16n])
  })

  it('hands the left-over units to the largest remainders, deterministically', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt(1n, 10n ** 30n), { minLength: 2, maxLength: 8 }), (raw) => {
        const total = raw.reduce((s, w) => s + w, 0n)
        fc.pre(raw.every((w) => w * 100n >= total + 100n))
        const weights = normaliseWeights(raw)
        assertNormalisedWeights(weights)
        weights.forEach((w, i) => {
          const exact = ((raw[i] ?? 0n) * ONE) / total
          expect(w === exact || w === exact + 1n).toBe(true)
        })
        expect(normaliseWeights(raw)).toEqual(weights)
      }),
      { numRuns: 200 },
    )
  })

  it('refuses non-positive weights, a weight that ends below 0.01 and bad counts', () => {
    expectCode(() => normaliseWeights([1n, 0n, 1n]), 'ERR_BAD_WEIGHTS')
    expectCode(() => normaliseWeights([1n, -1n, 5n]), 'ERR_BAD_WEIGHTS')
    expectCode(() => normaliseWeights([1n, 100n, 100n]), 'ERR_BAD_WEIGHTS')
    expectCode(() => normaliseWeights([1n]), 'ERR_BAD_WEIGHTS')
    expectCode(() => normaliseWeights(Array.from({ length: 9 }, () => 1n)), 'ERR_BAD_WEIGHTS')
  })
})

describe('assertNormalisedWeights', () => {
  it('accepts vectors adding up to exactly 1 with every weight at least 0.01', () => {
    assertNormalisedWeights([MIN_WEIGHT, MIN_WEIGHT, ONE - 2n * MIN_WEIGHT])
    assertNormalisedWeights([ONE / 2n, ONE / 2n])
  })

  it('refuses anything else', () => {
    expectCode(() => assertNormalisedWeights([ONE / 2n, ONE / 2n - 1n]), 'ERR_BAD_WEIGHTS')
    expectCode(() => assertNormalisedWeights([ONE / 2n, ONE / 2n + 1n]), 'ERR_BAD_WEIGHTS')
    expectCode(
      () => assertNormalisedWeights([MIN_WEIGHT - 1n, MIN_WEIGHT, ONE - 2n * MIN_WEIGHT + 1n]),
      'ERR_BAD_WEIGHTS',
    )
    expectCode(() => assertNormalisedWeights([ONE]), 'ERR_BAD_WEIGHTS')
    expectCode(() => assertNormalisedWeights([]), 'ERR_BAD_WEIGHTS')
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  complement,
  divDown,
  divUp,
  exp,
  ln,
  lnRatio,
  MAX_NATURAL_EXPONENT,
  MAX_POW_BASE,
  MAX_POW_EXPONENT,
  MIN_NATURAL_EXPONENT,
  mulDown,
  mulUp,
  ONE,
  powDown,
  powUp,
} from '../../../src/shared/cee/fixedPoint'
import { expectCode } from './helpers'
import { R, refExp, refLn } from './reference'

const TO_R = R / ONE
const amount = fc.bigInt(0n, 1n << 160n)
// Bases from 10^-12 to 10^18 as values, exponents from 0 to 50 (mostly below 3).
const base = fc.bigInt(10n ** 6n, 10n ** 36n)
const exponent = fc.oneof(fc.bigInt(0n, 3n * ONE), fc.bigInt(0n, 50n * ONE))
// Bases from 10^-6 to 10^6: with y ≤ 2.9, |y · ln x| stays inside the domain.
const near = fc.bigInt(ONE / 10n ** 6n, ONE * 10n ** 6n)

describe('mulDown, mulUp, divDown, divUp, complement', () => {
  it('round down and up by at most one raw unit', () => {
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const down = mulDown(a, b)
        const up = mulUp(a, b)
        expect(down * ONE).toBeLessThanOrEqual(a * b)
        expect((down + 1n) * ONE).toBeGreaterThan(a * b)
        expect(up).toBe((a * b) % ONE === 0n ? down : down + 1n)
        if (b > 0n) {
          const q = divDown(a, b)
          expect(q * b).toBeLessThanOrEqual(a * ONE)
          expect((q + 1n) * b).toBeGreaterThan(a * ONE)
          expect(divUp(a, b)).toBe((a * ONE) % b === 0n ? q : q + 1n)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('compute 1 − x, floored at 0', () => {
    expect(complement(0n)).toBe(ONE)
    expect(complement(ONE / 4n)).toBe((3n * ONE) / 4n)
    expect(complement(ONE)).toBe(0n)
    expect(complement(2n * ONE)).toBe(0n)
  })

  it('refuse negative operands and zero divisors', () => {
    expectCode(() => mulDown(-1n, ONE), 'ERR_MATH_DOMAIN')
    expectCode(() => mulUp(ONE, -1n), 'ERR_MATH_DOMAIN')
    expectCode(() => divDown(ONE, 0n), 'ERR_MATH_DOMAIN')
    expectCode(() => divUp(-1n, ONE), 'ERR_MATH_DOMAIN')
    expectCode(() => complement(-1n), 'ERR_MATH_DOMAIN')
  })
})

describe('ln and exp', () => {
  it('ln is never above the true value and at most one raw unit below its floor', () => {
    fc.assert(
      fc.property(fc.bigInt(1n, MAX_POW_BASE - 1n), (x) => {
        const exact = refLn(x, ONE)
        const got = ln(x) * TO_R
        expect(got).toBeLessThanOrEqual(exact)
        expect(exact - got).toBeLessThan(2n * TO_R)
      }),
      { numRuns: 300 },
    )
    expect(ln(ONE)).toBe(0n)
    expect(lnRatio(3n, 3n)).toBe(0n)
    expect(lnRatio(1n, 2n)).toBe(-693147180559945310n)
  })

  it('exp is never above the true value and within 10^-35 relative plus two raw units', () => {
    fc.assert(
      fc.property(fc.bigInt(MIN_NATURAL_EXPONENT, MAX_NATURAL_EXPONENT), (x) => {
        const exact = refExp(x * TO_R)
        const got = exp(x) * TO_R
        expect(got).toBeLessThanOrEqual(exact)
        expect(exact - got).toBeLessThanOrEqual(exact / 10n ** 35n + 2n * TO_R)
      }),
      { numRuns: 300 },
    )
    expect(exp(0n)).toBe(ONE)
    expect(exp(ONE)).toBe(2718281828459045235n)
  })

  it('are monotonic', () => {
    fc.assert(
      fc.property(fc.bigInt(1n, 1n << 250n), fc.bigInt(0n, 1n << 40n), (x, delta) => {
        expect(ln(x)).toBeLessThanOrEqual(ln(x + delta))
      }),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(
        fc.bigInt(MIN_NATURAL_EXPONENT, MAX_NATURAL_EXPONENT - (1n << 20n)),
        fc.bigInt(0n, 1n << 20n),
        (x, delta) => {
          expect(exp(x)).toBeLessThanOrEqual(exp(x + delta))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('refuse arguments outside their domain', () => {
    expectCode(() => ln(0n), 'ERR_MATH_DOMAIN')
    expectCode(() => ln(-ONE), 'ERR_MATH_DOMAIN')
    expectCode(() => ln(MAX_POW_BASE), 'ERR_MATH_DOMAIN')
    expectCode(() => lnRatio(ONE, 0n), 'ERR_MATH_DOMAIN')
    expectCode(() => exp(MIN_NATURAL_EXPONENT - 1n), 'ERR_MATH_DOMAIN')
    expectCode(() => exp(MAX_NATURAL_EXPONENT + 1n), 'ERR_MATH_DOMAIN')
  })
})

describe('powDown and powUp', () => {
  it('bound x^y from below and above within the documented error', () => {
    let checked = 0
    fc.assert(
      fc.property(base, exponent, (x, y) => {
        const t = (refLn(x, ONE) * y) / ONE
        if (t < MIN_NATURAL_EXPONENT * TO_R || t > MAX_NATURAL_EXPONENT * TO_R) {
          expectCode(() => powDown(x, y), 'ERR_MATH_DOMAIN')
          expectCode(() => powUp(x, y), 'ERR_MATH_DOMAIN')
          return
        }
        checked += 1
        const exact = refExp(t)
        const down = powDown(x, y) * TO_R
        const up = powUp(x, y) * TO_R
        // x^y · (8·y + 16)·10^-36 + two raw units, y as a value.
        const maxError = (exact * (8n * y + 16n * ONE)) / (ONE * 10n ** 36n) + 2n * TO_R
        expect(down).toBeLessThanOrEqual(exact)
        expect(up).toBeGreaterThanOrEqual(exact)
        expect(exact - down).toBeLessThanOrEqual(maxError)
        expect(up - exact).toBeLessThanOrEqual(maxError)
      }),
      { numRuns: 300 },
    )
    expect(checked).toBeGreaterThan(100)
  })

  it('are exact where the power is', () => {
    for (const x of [1n, ONE / 3n, ONE, 7n * ONE, MAX_POW_BASE - 1n]) {
      expect(powDown(x, 0n)).toBe(ONE)
      expect(powUp(x, 0n)).toBe(ONE)
    }
    expect(powDown(ONE, 123n * ONE)).toBe(ONE)
    expect(powUp(ONE, 123n * ONE)).toBe(ONE)
    expect(powDown(4n * ONE, ONE / 2n)).toBeLessThanOrEqual(2n * ONE)
    expect(powUp(4n * ONE, ONE / 2n)).toBeGreaterThanOrEqual(2n * ONE)
    expect(powUp(4n * ONE, ONE / 2n) - powDown(4n * ONE, ONE / 2n)).toBeLessThanOrEqual(2n)
  })

  it('are monotonic in the base', () => {
    fc.assert(
      fc.property(
        near,
        fc.bigInt(0n, 1n << 30n),
        fc.bigInt(0n, (29n * ONE) / 10n),
        (x, delta, y) => {
          expect(powDown(x, y)).toBeLessThanOrEqual(powDown(x + delta, y))
          expect(powUp(x, y)).toBeLessThanOrEqual(powUp(x + delta, y))
        },
      ),
      { numRuns: 300 },
    )
    expect(powDown(ONE - 1n, 5n)).toBeLessThanOrEqual(ONE)
    expect(powDown(ONE + 1n, 5n)).toBeGreaterThanOrEqual(ONE)
    expect(powUp(ONE - 1n, 5n)).toBeLessThanOrEqual(ONE)
  })

  it('refuse bases, exponents and results outside their domain', () => {
    expectCode(() => powDown(0n, ONE), 'ERR_MATH_DOMAIN')
    expectCode(() => powUp(MAX_POW_BASE, ONE), 'ERR_MATH_DOMAIN')
    expectCode(() => powDown(2n * ONE, -1n), 'ERR_MATH_DOMAIN')
    expectCode(() => powUp(2n * ONE, MAX_POW_EXPONENT), 'ERR_MATH_DOMAIN')
    expectCode(() => powDown(ONE / 2n, 100n * ONE), 'ERR_MATH_DOMAIN')
    expectCode(() => powUp(10n * ONE, 100n * ONE), 'ERR_MATH_DOMAIN')
  })
})

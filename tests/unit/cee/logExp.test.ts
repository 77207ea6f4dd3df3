import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ceilDiv, floorDiv } from '../../../src/shared/cee/int'
import {
  EXP_HP_MAX,
  EXP_REL_ERR,
  expHp,
  expHpDown,
  expHpUp,
  HP,
  LN2_60,
  LN_ERR,
  LN_TABLE,
  lnHp,
} from '../../../src/shared/cee/logExp'
import { expectCode } from './helpers'
import { R, refExp, refLn } from './reference'

const TO_R = R / HP
const Q_ONE = 1n << 128n

// Published digits, to check the reference itself before trusting it.
const LN2_DIGITS = '0.69314718055994530941723212145817656807550013436025525412068000949339362196969'
const E_DIGITS = '2.71828182845904523536028747135266249775724709369995957496696762772407663035354'

function digits(value: bigint, scaleDigits: number, count: number): string {
  const s = value.toString().padStart(scaleDigits + 1, '0')
  const text = `${s.slice(0, s.length - scaleDigits)}.${s.slice(s.length - scaleDigits)}`
  return text.slice(0, count)
}

/** Asserts lnHp(n, d) ≤ ln(n/d)·HP ≤ lnHp(n, d) + LN_ERR, against the reference. */
function checkLn(n: bigint, d: bigint): void {
  const got = lnHp(n, d) * TO_R
  const exact = refLn(n, d)
  expect(got).toBeLessThanOrEqual(exact)
  expect(exact - got).toBeLessThanOrEqual(LN_ERR * TO_R)
}

/** Asserts the documented two-sided bound of expHp and the one-sided bounds of Down/Up. */
function checkExp(t: bigint): void {
  const exact = refExp(t * TO_R)
  const e = expHp(t) * TO_R
  expect(e).toBeLessThanOrEqual(exact + (exact * EXP_REL_ERR) / HP)
  expect(e).toBeGreaterThanOrEqual(exact - (exact * EXP_REL_ERR) / HP - TO_R)
  expect(expHpDown(t) * TO_R).toBeLessThanOrEqual(exact)
  expect(expHpUp(t) * TO_R).toBeGreaterThanOrEqual(exact)
}

// K(k) of expHp's range reduction, where its branches meet.
function kLn2(k: bigint): bigint {
  return floorDiv(k * LN2_60, 10n ** 24n)
}

describe('reference', () => {
  it('reproduces published digits of ln 2 and e', () => {
    expect(digits(refLn(2n, 1n), 90, LN2_DIGITS.length)).toBe(LN2_DIGITS)
    expect(digits(refExp(R), 90, E_DIGITS.length)).toBe(E_DIGITS)
  })
})

describe('constants', () => {
  it('LN2_60 is ln 2 rounded down to 60 digits', () => {
    expect(LN2_60).toBe(refLn(2n, 1n) / 10n ** 30n)
  })

  it('LN_TABLE holds e^(2^-j) rounded up to 128 bits and 2^-j', () => {
    LN_TABLE.forEach(([c, h], index) => {
      const j = BigInt(index + 1)
      expect(h).toBe(HP >> j)
      expect(c).toBe(ceilDiv(refExp(R >> j) << 128n, R))
    })
  })
})

describe('lnHp', () => {
  it('is a lower bound within LN_ERR for arbitrary ratios', () => {
    fc.assert(
      fc.property(fc.bigInt(1n, 1n << 300n), fc.bigInt(1n, 1n << 300n), (n, d) => checkLn(n, d)),
      { numRuns: 300 },
    )
  })

  it('is exact at 1 and bounded near 1, at powers of two and at table boundaries', () => {
    expect(lnHp(7n, 7n)).toBe(0n)
    const big = 10n ** 30n
    for (const [n, d] of [
      [big + 1n, big],
      [big, big + 1n],
      [1n, 1n << 255n],
      [1n << 255n, 1n],
      [(1n << 100n) - 1n, 1n],
      [1n << 100n, 1n],
      [1n, 10n ** 36n],
    ] as const) {
      checkLn(n, d)
    }
    for (const [c] of LN_TABLE) {
      checkLn(c - 1n, Q_ONE)
      checkLn(c, Q_ONE)
    }
  })

  it('is monotonic, also across the branches of its range reduction', () => {
    fc.assert(
      fc.property(fc.bigInt(1n, 1n << 200n), fc.bigInt(0n, 1n << 64n), (a, delta) => {
        expect(lnHp(a, 10n ** 18n)).toBeLessThanOrEqual(lnHp(a + delta, 10n ** 18n))
      }),
      { numRuns: 500 },
    )
    const edges: bigint[] = []
    for (let k = 1n; k < 200n; k += 7n) edges.push(1n << k)
    for (const [c] of LN_TABLE) edges.push(c, c << 3n)
    for (const x of edges) {
      for (const d of [1n, 3n, 1n << 128n]) {
        expect(lnHp(x - 1n, d)).toBeLessThanOrEqual(lnHp(x, d))
        expect(lnHp(x, d)).toBeLessThanOrEqual(lnHp(x + 1n, d))
      }
    }
  })

  it('refuses non-positive arguments', () => {
    expectCode(() => lnHp(0n, 1n), 'ERR_MATH_DOMAIN')
    expectCode(() => lnHp(1n, -1n), 'ERR_MATH_DOMAIN')
  })
})

describe('expHp', () => {
  it('stays within its documented error over its whole range', () => {
    fc.assert(
      fc.property(fc.bigInt(-100n * HP, EXP_HP_MAX), (t) => checkExp(t)),
      { numRuns: 300 },
    )
    for (const t of [0n, 1n, -1n, HP, -HP, EXP_HP_MAX, -100n * HP, 12345n]) checkExp(t)
  })

  it('is exact at 0, and the bounds keep to their side of 1', () => {
    expect(expHp(0n)).toBe(HP)
    expect(expHpDown(0n)).toBe(HP)
    expect(expHpUp(0n)).toBe(HP)
    expect(expHpDown(1n)).toBe(HP)
    expect(expHpUp(-1n)).toBe(HP)
  })

  it('is monotonic, also where the branches k and k + 1 meet', () => {
    fc.assert(
      fc.property(fc.bigInt(-100n * HP, EXP_HP_MAX), fc.bigInt(0n, 1n << 80n), (t, delta) => {
        const u = t + delta > EXP_HP_MAX ? EXP_HP_MAX : t + delta
        expect(expHp(t)).toBeLessThanOrEqual(expHp(u))
        expect(expHpDown(t)).toBeLessThanOrEqual(expHpDown(u))
        expect(expHpUp(t)).toBeLessThanOrEqual(expHpUp(u))
      }),
      { numRuns: 500 },
    )
    for (let k = -140n; k <= 280n; k += 1n) {
      const t = kLn2(k)
      expect(expHp(t - 1n)).toBeLessThanOrEqual(expHp(t))
      expect(expHp(t)).toBeLessThanOrEqual(expHp(t + 1n))
    }
  })

  it('underflows to 0 below −100 and refuses arguments above its maximum', () => {
    expect(expHp(-101n * HP)).toBe(0n)
    expect(expHpUp(-101n * HP)).toBe(2n)
    expectCode(() => expHp(EXP_HP_MAX + 1n), 'ERR_MATH_DOMAIN')
  })
})

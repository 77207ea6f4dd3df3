import { describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/shared/encoding'
import { MAX_VALIDATORS } from '../../../../src/main/node/chain/block'
import { ValidatorHistory } from '../../../../src/main/node/chain/validatorHistory'
import { selectValidators, ValidatorSet } from '../../../../src/main/node/chain/validators'
import { addressOf } from '../../../../src/main/node/crypto'
import { testSigner } from '../../../helpers/txs'

describe('validator set', () => {
  it('chooses proposers in proportion to voting power (weighted round-robin)', () => {
    const keys = [testSigner(), testSigner(), testSigner()]
    let set = new ValidatorSet(
      keys.map((k, i) => ({ publicKey: k.publicKey(), power: BigInt(i + 1) })),
    )
    const counts = new Map<string, number>()
    for (let h = 0; h < 600; h++) {
      const p = toHex(set.proposer(0).address)
      counts.set(p, (counts.get(p) ?? 0) + 1)
      set = set.next()
    }
    for (const v of set.validators) {
      expect(counts.get(toHex(v.address))).toBe(Number(v.power) * 100)
    }
  })

  it('moves to another proposer in the next round of the same height', () => {
    const keys = [testSigner(), testSigner()]
    const set = new ValidatorSet(keys.map((k) => ({ publicKey: k.publicKey(), power: 10n })))
    expect(toHex(set.proposer(0).address)).not.toBe(toHex(set.proposer(1).address))
  })

  it('is the same set whatever order validators are listed in', () => {
    const keys = [testSigner(), testSigner(), testSigner()].map((k) => ({
      publicKey: k.publicKey(),
      power: 5n,
    }))
    const a = new ValidatorSet(keys)
    const b = new ValidatorSet([...keys].reverse())
    expect(toHex(a.hash())).toBe(toHex(b.hash()))
    expect(toHex(a.proposer(3).address)).toBe(toHex(b.proposer(3).address))
  })

  it('uses strict two-thirds and one-third thresholds', () => {
    const keys = [testSigner(), testSigner(), testSigner()]
    const set = new ValidatorSet(keys.map((k) => ({ publicKey: k.publicKey(), power: 1n })))
    expect(set.hasTwoThirds(2n)).toBe(false)
    expect(set.hasTwoThirds(3n)).toBe(true)
    expect(set.hasOneThird(1n)).toBe(false)
    expect(set.hasOneThird(2n)).toBe(true)
  })
})

describe('validator set changes', () => {
  /** Two validators of power 10 and a third key, ordered by address as a set orders them. */
  function keys() {
    const [a, b, c] = [testSigner(), testSigner(), testSigner()]
      .map((s) => ({ publicKey: s.publicKey(), address: s.address }))
      .sort((x, y) => (toHex(x.address) < toHex(y.address) ? -1 : 1))
    return { a: a!, b: b!, c: c! }
  }
  const priorityOf = (set: ValidatorSet, address: Uint8Array): bigint =>
    set.priorities[set.indexOf(address)]!

  it('keeps continuing priorities, starts a newcomer at -1.125 x total (floor), then centres', () => {
    const { a, b, c } = keys()
    const set = new ValidatorSet([a, b].map((k) => ({ publicKey: k.publicKey, power: 10n })))
    // Round 0 of the next height: both gain 10, a (lower address) wins the tie and pays 20 back.
    expect(set.next().priorities).toEqual([-10n, 10n])
    const changed = set.next([a, b, c].map((k) => ({ publicKey: k.publicKey, power: 10n })))
    // Newcomer: floor(-9 * 30 / 8) = floor(-33.75) = -34. Sum -10 + 10 - 34 = -34, and its
    // floor average floor(-34 / 3) = -12 is subtracted from each.
    expect(priorityOf(changed, a.address)).toBe(2n)
    expect(priorityOf(changed, b.address)).toBe(22n)
    expect(priorityOf(changed, c.address)).toBe(-22n)
    expect(changed.totalPower).toBe(30n)
  })

  it('drops a leaving validator and keeps the others when only power changes', () => {
    const { a, b, c } = keys()
    const set = new ValidatorSet([a, b, c].map((k) => ({ publicKey: k.publicKey, power: 10n })))
    const advanced = set.next()
    const changed = set.next([
      { publicKey: a.publicKey, power: 40n },
      { publicKey: c.publicKey, power: 10n },
    ])
    expect(changed.indexOf(b.address)).toBe(-1)
    const average = (priorityOf(advanced, a.address) + priorityOf(advanced, c.address)) / 2n
    expect(priorityOf(changed, a.address)).toBe(priorityOf(advanced, a.address) - average)
    expect(priorityOf(changed, c.address)).toBe(priorityOf(advanced, c.address) - average)
  })

  it('is a plain advance when the members and powers are the same', () => {
    const { a, b } = keys()
    const members = [a, b].map((k) => ({ publicKey: k.publicKey, power: 7n }))
    const set = new ValidatorSet(members, [3n, -3n])
    expect(set.next([...members].reverse()).priorities).toEqual(set.next().priorities)
    expect(set.advanced(3).priorities).toEqual(set.next().next().next().priorities)
  })

  it('selects stakes of at least the minimum, largest first, at most MAX_VALIDATORS, ties by address', () => {
    const stakers = Array.from({ length: MAX_VALIDATORS + 2 }, () => testSigner())
    const stakes = stakers.map((s, i) => ({
      publicKey: s.publicKey(),
      power: i === 0 ? 4n : i === 1 ? 100n : 5n,
    }))
    const selected = selectValidators(stakes, 5n)
    expect(selected).toHaveLength(MAX_VALIDATORS)
    expect(selected[0]!.power).toBe(100n)
    expect(selected.some((m) => m.power === 4n)).toBe(false)
    // Of the 1001 stakes of 5, the one with the highest address is left out.
    const fives = stakers.slice(2).map((s) => toHex(s.address))
    const excluded = fives.sort().at(-1)
    expect(selected.some((m) => toHex(addressOf(m.publicKey)) === excluded)).toBe(false)
  })

  it('history rebuilds the set of any past height from its epoch', () => {
    const { a, b, c } = keys()
    let set = new ValidatorSet([a, b].map((k) => ({ publicKey: k.publicKey, power: 3n })))
    const history = new ValidatorHistory(set)
    const sets = [set]
    for (let h = 2; h <= 30; h++) {
      set = h === 12 ? set.next([{ publicKey: c.publicKey, power: 9n }]) : set.next()
      if (h === 12) history.add(12, set)
      sets.push(set)
    }
    for (const h of [30, 1, 11, 12, 13, 29, 5, 6]) {
      expect(history.at(h).priorities, `height ${h}`).toEqual(sets[h - 1]!.priorities)
      expect(toHex(history.at(h).hash())).toBe(toHex(sets[h - 1]!.hash()))
    }
    expect(toHex(history.membersAt(20).hash())).toBe(toHex(sets[11]!.hash()))
    expect(() => history.at(0)).toThrow(RangeError)
  })
})

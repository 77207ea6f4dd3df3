import { describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/shared/encoding'
import { MAX_VALIDATORS } from '../../../../src/main/node/chain/block'
import { ValidatorHistory } from '../../../../src/main/node/chain/validatorHistory'
import { selectValidators, ValidatorSet } from '../../../../src/main/node/chain/validators'
import { addressOf } from '../../../../src/main/node/crypto'
import { Ed25519Signer } from '../../../../src/main/keys/signer'
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

  it('keeps continuing priorities, starts a newcomer at -(P + P / 8) as CometBFT does, then centres', () => {
    const { a, b, c } = keys()
    const set = new ValidatorSet([a, b].map((k) => ({ publicKey: k.publicKey, power: 10n })))
    // Round 0 of the next height: both gain 10, a (lower address) wins the tie and pays 20 back.
    expect(set.next().priorities).toEqual([-10n, 10n])
    const changed = set.next([a, b, c].map((k) => ({ publicKey: k.publicKey, power: 10n })))
    // Newcomer: -(30 + floor(30 / 8)) = -33 (CometBFT rounds -1.125 x 30 towards zero). Sum
    // -10 + 10 - 33 = -33, and its floor average -11 is subtracted from each.
    expect(priorityOf(changed, a.address)).toBe(1n)
    expect(priorityOf(changed, b.address)).toBe(21n)
    expect(priorityOf(changed, c.address)).toBe(-22n)
    expect(changed.totalPower).toBe(30n)
  })

  it('counts the power of leaving validators in the total a newcomer starts from', () => {
    const { a, b, c } = keys()
    const set = new ValidatorSet([a, b].map((k) => ({ publicKey: k.publicKey, power: 8n })))
    // b (8) leaves as c (8) joins: P = 16 + 8 = 24, so c starts at -(24 + 3) = -27; with a at
    // -8 after round 0 the floor average of (-8, -27) is -18.
    const changed = set.next([a, c].map((k) => ({ publicKey: k.publicKey, power: 8n })))
    expect(priorityOf(changed, a.address)).toBe(10n)
    expect(priorityOf(changed, c.address)).toBe(-9n)
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

/**
 * The examples of CometBFT's spec/consensus/proposer-selection.md, with validators p1, p2, … named
 * in address order (so p1 wins ties, as the spec's tables assume). A set here holds the priorities
 * before round 0 of its height; `next()` runs round 0 (the spec's "run") and applies any change.
 */
describe('proposer selection as in CometBFT proposer-selection.md', () => {
  /** Fixed keys, sorted by address: p1 has the lowest. */
  function named(count: number): { publicKey: Uint8Array; address: Uint8Array }[] {
    return Array.from({ length: count }, (_, i) => {
      const publicKey = new Ed25519Signer(new Uint8Array(32).fill(i + 1)).publicKey()
      return { publicKey, address: addressOf(publicKey) }
    }).sort((x, y) => (toHex(x.address) < toHex(y.address) ? -1 : 1))
  }
  /** The name of `address` among `keys` (p1 for the first), whatever set it is looked up in. */
  const nameOf = (keys: { address: Uint8Array }[], address: Uint8Array): string =>
    `p${keys.findIndex((k) => toHex(k.address) === toHex(address)) + 1}`
  const spread = (set: ValidatorSet): bigint =>
    set.priorities.reduce((m, p) => (p > m ? p : m)) -
    set.priorities.reduce((m, p) => (p < m ? p : m))

  it('Stable Set: p1 = 1, p2 = 3 from zero elects p2, p1, p2, p2 over and over with the table priorities', () => {
    const keys = named(2)
    const [p1, p2] = keys
    let set = new ValidatorSet([
      { publicKey: p1!.publicKey, power: 1n },
      { publicKey: p2!.publicKey, power: 3n },
    ])
    const proposers: string[] = []
    const priorities: bigint[][] = []
    for (let run = 0; run < 12; run++) {
      proposers.push(nameOf(keys, set.proposer(0).address))
      set = set.next()
      priorities.push([...set.priorities])
    }
    expect(proposers).toEqual(Array<string[]>(3).fill(['p2', 'p1', 'p2', 'p2']).flat())
    // Runs 1 to 4 of the table (p1, p2), and then the same again.
    const table = [
      [1n, -1n],
      [-2n, 2n],
      [-1n, 1n],
      [0n, 0n],
    ]
    expect(priorities).toEqual([...table, ...table, ...table])
  })

  it('Voting Power Change: p1 1 -> 4 after run 1 (p1 = 1, p2 = -1), then p1 is elected, ending at -2, 2', () => {
    const keys = named(2)
    const [p1, p2] = keys
    const set = new ValidatorSet([
      { publicKey: p1!.publicKey, power: 1n },
      { publicKey: p2!.publicKey, power: 3n },
    ])
    expect(nameOf(keys, set.proposer(0).address)).toBe('p2')
    const changed = set.next([
      { publicKey: p1!.publicKey, power: 4n },
      { publicKey: p2!.publicKey, power: 3n },
    ])
    expect(changed.priorities).toEqual([1n, -1n])
    expect(nameOf(keys, changed.proposer(0).address)).toBe('p1')
    expect(changed.next().priorities).toEqual([-2n, 2n])
  })

  it('Validator Removal: p2 leaves p1, p2, p3 = 1, 2, 3 at (1, 2, -3): centred by avg -1, p1 is elected, ending at -1, 1', () => {
    const keys = named(3)
    const [p1, p2, p3] = keys
    const set = new ValidatorSet(
      [p1!, p2!, p3!].map((k, i) => ({ publicKey: k.publicKey, power: BigInt(i + 1) })),
    )
    expect(nameOf(keys, set.proposer(0).address)).toBe('p3')
    expect(set.next().priorities).toEqual([1n, 2n, -3n])
    const changed = set.next([
      { publicKey: p1!.publicKey, power: 1n },
      { publicKey: p3!.publicKey, power: 3n },
    ])
    expect(changed.priorities).toEqual([2n, -2n])
    expect(nameOf(keys, changed.proposer(0).address)).toBe('p1')
    expect(changed.next().priorities).toEqual([-1n, 1n])
  })

  it('New Validator: p3 = 8 joins p1 = 1, p2 = 3 at -1.125 x 12 ~ -13, and p1 is elected next', () => {
    const keys = named(3)
    const [p1, p2, p3] = keys
    const members = [p1!, p2!, p3!].map((k, i) => ({
      publicKey: k.publicKey,
      power: [1n, 3n, 8n][i]!,
    }))
    // Joining after run 1 (p1 = 1, p2 = -1): p3 starts at -(12 + 1) = -13, as in the spec, and
    // the floor average -5 of (1, -1, -13) is subtracted from each.
    const set = new ValidatorSet(members.slice(0, 2))
    expect(set.next(members).priorities).toEqual([6n, 4n, -8n])
    // The table's run, from p1 = 2, p2 = -2, p3 = -13: p1 is elected. The table centres with
    // avg = -4 (-13 / 3 truncated); CometBFT's big.Int division floors it to -5, so each priority
    // ends one above the table's (-5, 5, -1).
    const table = new ValidatorSet(members, [2n, -2n, -13n])
    expect(nameOf(keys, table.proposer(0).address)).toBe('p1')
    expect(table.next().priorities).toEqual([-4n, 6n, 0n])
  })

  // Test (c): with the rescale removed (from the set change in `next()`, or altogether), p2 keeps
  // its 45k lead after p1 leaves and is elected in each of the 10 heights checked (the spec's "4500
  // runs for p3 to catch up"), so the priority, spread and p3 expectations below fail.
  it('Proposer Priority Range: after p1 = 80k leaves p2 = p3 = 10, the 45k gap is re-scaled and both propose', () => {
    const keys = named(3)
    const [p1, p2, p3] = keys
    const member = (k: { publicKey: Uint8Array }, power: bigint) => ({
      publicKey: k.publicKey,
      power,
    })
    const alone = new ValidatorSet([member(p1!, 80_000n)])
    // p2 joins at -(80010 + 10001) = -90011; centred that is the table's (45k, -45k).
    const withP2 = alone.next([member(p1!, 80_000n), member(p2!, 10n)])
    expect(withP2.priorities).toEqual([45_006n, -45_005n])
    // p3 joins at -(80020 + 10002): the table's right shift (75k, -15k, -60k).
    const withP3 = withP2.next([member(p1!, 80_000n), member(p2!, 10n), member(p3!, 10n)])
    expect(withP3.priorities).toEqual([75_003n, -14_988n, -60_015n])
    expect(nameOf(keys, withP3.proposer(0).address)).toBe('p1')
    // p1 leaves with p2 and p3 at -14978 and -60005 after p1's run, 45027 apart, over 2 x 20:
    // each is divided by ceil(45027 / 40) = 1126 (towards zero: -13, -53), then centred.
    let set = withP3.next([member(p2!, 10n), member(p3!, 10n)])
    expect(set.priorities).toEqual([20n, -20n])
    const proposers: string[] = []
    for (let h = 0; h < 10; h++) {
      expect(spread(set)).toBeLessThanOrEqual(2n * set.totalPower)
      proposers.push(nameOf(keys, set.proposer(0).address))
      set = set.next()
    }
    expect(proposers).toEqual(['p2', 'p2', 'p2', 'p3', 'p2', 'p3', 'p2', 'p3', 'p2', 'p3'])
  })

  // Test (c) for the rescale before each round: without it in `incrementPriorities` p2 stays
  // 22.5k ahead and is elected in every round checked, so the expectations below fail.
  it('re-scales priorities a set is given before each round, as IncrementProposerPriority does', () => {
    const keys = named(3)
    const [, p2, p3] = keys
    // p2 and p3 as the spec's range example leaves them, 45027 apart with a total power of 20.
    const set = new ValidatorSet(
      [p2!, p3!].map((k) => ({ publicKey: k.publicKey, power: 10n })),
      [-14_978n, -60_005n],
    )
    // Divided by ceil(45027 / 40) = 1126 to (-13, -53), centred to (20, -20), then round 0.
    expect(set.next().priorities).toEqual([10n, -10n])
    const rounds = [0, 1, 2, 3].map((round) => nameOf(keys, set.proposer(round).address))
    expect(rounds).toEqual(['p2', 'p2', 'p2', 'p3'])
  })

  // Test (c) as well: without the rescale on the set change, p1 comes back from its 10^6 phase
  // about 900 behind, which fails the spread check (and, with no rescale at all, p1 is not elected
  // for some 900 heights, which fails the window checks).
  it('keeps the spread within 2 x total and elections proportional to power around a 1 -> 10^6 -> 1 power change', () => {
    const keys = named(4)
    const powers = [1n, 2n, 3n, 4n]
    const members = () => keys.map((k, i) => ({ publicKey: k.publicKey, power: powers[i]! }))
    let set = new ValidatorSet(members())
    const elected: number[] = []
    for (let h = 0; h < 400; h++) {
      expect(spread(set), `height ${h}`).toBeLessThanOrEqual(2n * set.totalPower)
      elected.push(set.indexOf(set.proposer(0).address))
      if (h === 99 || h === 199) {
        powers[0] = h === 99 ? 1_000_000n : 1n
        set = set.next(members())
      } else set = set.next()
    }
    // While p1 holds 10^6 of 1000009 it is elected at every one of those 100 heights.
    expect(elected.slice(100, 200).every((i) => i === 0)).toBe(true)
    // Over every window of 10 heights (the total power) outside that phase, from the very first
    // height after the change back, each validator is elected its power's number of times ± 1.
    for (const [start, end] of [
      [0, 100],
      [200, 400],
    ] as const) {
      for (let from = start; from + 10 <= end; from++) {
        const counts = [0, 0, 0, 0]
        for (const i of elected.slice(from, from + 10)) counts[i]!++
        counts.forEach((count, i) => {
          expect(Math.abs(count - (i + 1)), `window from ${from}, p${i + 1}`).toBeLessThanOrEqual(1)
        })
      }
    }
    // And p1, back at power 1, is elected again within two totals' worth of heights.
    expect(elected.slice(200, 220)).toContain(0)
  })
})

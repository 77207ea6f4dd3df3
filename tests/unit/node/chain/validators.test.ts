import { describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/shared/encoding'
import { ValidatorSet } from '../../../../src/main/node/chain/validators'
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

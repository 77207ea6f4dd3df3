import { describe, expect, it } from 'vitest'
import { publicKeyOf } from '../../../src/main/keys/ed25519'
import {
  HARDENED_OFFSET,
  deriveChild,
  derivePath,
  masterKey,
  parsePath,
} from '../../../src/main/keys/slip10'
import { codeOfSync, fromHex, hex, loadFixture } from './helpers'

interface Slip10Fixture {
  vectors: {
    seed: string
    chains: { path: string; chainCode: string; private: string; public: string }[]
  }[]
}

const fixture = await loadFixture<Slip10Fixture>('slip10-ed25519.json')

describe('SLIP-0010 ed25519 test vectors 1 and 2', () => {
  const cases = fixture.vectors.flatMap((vector, n) =>
    vector.chains.map((chain) => ({
      name: `vector ${n + 1} ${chain.path}`,
      seed: vector.seed,
      chain,
    })),
  )

  it.each(cases)('$name', ({ seed, chain }) => {
    const node = derivePath(fromHex(seed), chain.path)
    expect(hex(node.chainCode)).toBe(chain.chainCode)
    expect(hex(node.privateKey)).toBe(chain.private)
    // The spec prints ed25519 public keys with a 0x00 prefix.
    expect(`00${hex(publicKeyOf(node.privateKey))}`).toBe(chain.public)
  })
})

describe('parsePath', () => {
  it("accepts ', h and H as the hardened marker", () => {
    const expected = [44 + HARDENED_OFFSET, 7337 + HARDENED_OFFSET, HARDENED_OFFSET]
    expect(parsePath("m/44'/7337'/0'")).toEqual(expected)
    expect(parsePath('m/44h/7337H/0h')).toEqual(expected)
    expect(parsePath('m')).toEqual([])
    expect(parsePath("m/2147483647'")).toEqual([0xffff_ffff])
  })

  it('rejects non-hardened levels, which Ed25519 cannot derive', () => {
    expect(codeOfSync(() => parsePath("m/44'/0"))).toBe('ERR_BAD_PATH')
    expect(() => parsePath("m/44'/0")).toThrow(/level 2 is not hardened/u)
  })

  it.each(['', 'x', "n/0'", 'm/', "m//0'", "m/01'", "m/2147483648'", "m/-1'", "m/1.5'", "m/0'/"])(
    'rejects %j',
    (path) => {
      expect(codeOfSync(() => parsePath(path))).toBe('ERR_BAD_PATH')
    },
  )

  it('rejects paths deeper than 255 levels', () => {
    expect(codeOfSync(() => parsePath(`m${"/0'".repeat(256)}`))).toBe('ERR_BAD_PATH')
  })
})

describe('derivation inputs', () => {
  it('checks seed and key lengths', () => {
    expect(codeOfSync(() => masterKey(new Uint8Array(15)))).toBe('ERR_BAD_BYTES')
    expect(codeOfSync(() => masterKey(new Uint8Array(65)))).toBe('ERR_BAD_BYTES')
    const bad = { privateKey: new Uint8Array(31), chainCode: new Uint8Array(32) }
    expect(codeOfSync(() => deriveChild(bad, HARDENED_OFFSET))).toBe('ERR_BAD_BYTES')
  })

  it('refuses a non-hardened child index', () => {
    const master = masterKey(new Uint8Array(16))
    expect(codeOfSync(() => deriveChild(master, 1))).toBe('ERR_BAD_PATH')
    expect(codeOfSync(() => deriveChild(master, 2 ** 32))).toBe('ERR_BAD_PATH')
  })

  it('does not zero the parent it derives from', () => {
    const master = masterKey(new Uint8Array(16).fill(1))
    const before = hex(master.privateKey)
    deriveChild(master, HARDENED_OFFSET)
    expect(hex(master.privateKey)).toBe(before)
  })
})

import { describe, expect, it } from 'vitest'
import type { KeyPurpose } from '../../../src/main/keys/paths'
import {
  CONSENSUS_KEY_PATH,
  IDENTITY_KEY_PATH,
  MAX_KEY_INDEX,
  keyPath,
} from '../../../src/main/keys/paths'
import { publicKeyOf } from '../../../src/main/keys/ed25519'
import { derivePath, parsePath } from '../../../src/main/keys/slip10'
import { codeOfSync, hex } from './helpers'

describe('key paths', () => {
  it('gives each purpose its own hardened branch', () => {
    expect(keyPath('account', 0)).toBe("m/44'/7337'/0'/0'/0'")
    expect(keyPath('account', 5)).toBe("m/44'/7337'/0'/0'/5'")
    expect(CONSENSUS_KEY_PATH).toBe("m/44'/7337'/1'/0'/0'")
    expect(IDENTITY_KEY_PATH).toBe("m/44'/7337'/2'/0'/0'")
    expect(parsePath(keyPath('account', MAX_KEY_INDEX))).toHaveLength(5)
  })

  it('yields different keys per purpose from one seed', () => {
    const seed = new Uint8Array(64).fill(9)
    const keys = (['account', 'consensus', 'identity'] as const).map((purpose) =>
      hex(publicKeyOf(derivePath(seed, keyPath(purpose, 0)).privateKey)),
    )
    expect(new Set(keys).size).toBe(3)
  })

  it('rejects bad indices and purposes', () => {
    for (const index of [-1, 1.5, MAX_KEY_INDEX + 1, Number.NaN]) {
      expect(codeOfSync(() => keyPath('account', index))).toBe('ERR_BAD_PATH')
    }
    expect(codeOfSync(() => keyPath('toString' as KeyPurpose, 0))).toBe('ERR_BAD_PATH')
  })
})

import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { aeadFor } from '../../../src/main/node/transport/noise/aead'
import { CipherState } from '../../../src/main/node/transport/noise/cipherState'
import { noiseError } from './noiseErrorMatcher'

const AD = Uint8Array.of(1, 2, 3)

function pair(cipher: 'AESGCM' | 'ChaChaPoly' = 'AESGCM'): [CipherState, CipherState] {
  const key = randomBytes(32)
  const sender = new CipherState(aeadFor(cipher))
  const receiver = new CipherState(aeadFor(cipher))
  sender.initializeKey(key)
  receiver.initializeKey(key)
  return [sender, receiver]
}

describe('CipherState', () => {
  it('passes bytes through, copied, while it has no key', () => {
    const state = new CipherState(aeadFor('AESGCM'))
    const plaintext = Uint8Array.of(9, 8, 7)
    const out = state.encryptWithAd(AD, plaintext)
    expect(out).toEqual(plaintext)
    expect(out).not.toBe(plaintext)
  })

  it('round-trips with both ciphers and advances the nonce', () => {
    for (const cipher of ['AESGCM', 'ChaChaPoly'] as const) {
      const [sender, receiver] = pair(cipher)
      const first = sender.encryptWithAd(AD, Uint8Array.of(1))
      const second = sender.encryptWithAd(AD, Uint8Array.of(1))
      expect(first).not.toEqual(second)
      expect(receiver.decryptWithAd(AD, first)).toEqual(Uint8Array.of(1))
      expect(receiver.decryptWithAd(AD, second)).toEqual(Uint8Array.of(1))
    }
  })

  it('refuses a wrong associated data and does not advance the nonce on failure', () => {
    const [sender, receiver] = pair()
    const frame = sender.encryptWithAd(AD, Uint8Array.of(5))
    expect(() => receiver.decryptWithAd(Uint8Array.of(0), frame)).toThrow(
      noiseError('ERR_NOISE_DECRYPT'),
    )
    expect(receiver.decryptWithAd(AD, frame)).toEqual(Uint8Array.of(5))
  })

  it('refuses a replayed ciphertext', () => {
    const [sender, receiver] = pair()
    const frame = sender.encryptWithAd(AD, Uint8Array.of(5))
    receiver.decryptWithAd(AD, frame)
    expect(() => receiver.decryptWithAd(AD, frame)).toThrow(noiseError('ERR_NOISE_DECRYPT'))
  })

  it('refuses ciphertexts shorter than the tag', () => {
    const [, receiver] = pair()
    expect(() => receiver.decryptWithAd(AD, new Uint8Array(15))).toThrow(
      noiseError('ERR_NOISE_DECRYPT'),
    )
  })

  it('refuses keys that are not 32 bytes', () => {
    const state = new CipherState(aeadFor('AESGCM'))
    expect(() => state.initializeKey(new Uint8Array(31))).toThrow(noiseError('ERR_NOISE_BAD_KEY'))
  })

  it('refuses anything that would exceed 65535 bytes', () => {
    const [sender, receiver] = pair()
    expect(sender.encryptWithAd(AD, new Uint8Array(65535 - 16))).toHaveLength(65535)
    expect(() => sender.encryptWithAd(AD, new Uint8Array(65535 - 15))).toThrow(
      noiseError('ERR_NOISE_MESSAGE_TOO_LONG'),
    )
    expect(() => receiver.decryptWithAd(AD, new Uint8Array(65536))).toThrow(
      noiseError('ERR_NOISE_MESSAGE_TOO_LONG'),
    )
  })

  it('uses nonce 2^64-2 but refuses the reserved 2^64-1', () => {
    const [sender, receiver] = pair()
    sender.setNonce(2n ** 64n - 2n)
    receiver.setNonce(2n ** 64n - 2n)
    const last = sender.encryptWithAd(AD, Uint8Array.of(1))
    expect(receiver.decryptWithAd(AD, last)).toEqual(Uint8Array.of(1))
    expect(() => sender.encryptWithAd(AD, Uint8Array.of(1))).toThrow(
      noiseError('ERR_NOISE_NONCE_EXHAUSTED'),
    )
    expect(() => receiver.decryptWithAd(AD, last)).toThrow(noiseError('ERR_NOISE_NONCE_EXHAUSTED'))
    expect(() => sender.setNonce(2n ** 64n)).toThrow(noiseError('ERR_NOISE_STATE'))
  })

  it('fails every call after destroy instead of passing bytes through', () => {
    const [sender] = pair()
    sender.destroy()
    expect(sender.hasKey()).toBe(false)
    expect(() => sender.encryptWithAd(AD, Uint8Array.of(1))).toThrow(noiseError('ERR_NOISE_STATE'))
  })
})

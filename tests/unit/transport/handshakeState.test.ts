import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { HandshakeState } from '../../../src/main/node/transport/noise/handshakeState'
import type { NoiseProtocolName } from '../../../src/main/node/transport/noise/protocol'
import { noiseError } from './noiseErrorMatcher'

const EMPTY = new Uint8Array(0)
function parties(
  protocolName: NoiseProtocolName = 'Noise_XX_25519_AESGCM_SHA256',
  prologues: [Uint8Array, Uint8Array] = [EMPTY, EMPTY],
): [HandshakeState, HandshakeState] {
  return [true, false].map(
    (initiator, i) =>
      new HandshakeState({
        protocolName,
        initiator,
        prologue: prologues[i],
        staticPrivateKey: randomBytes(32),
      }),
  ) as [HandshakeState, HandshakeState]
}

describe('HandshakeState (XX)', () => {
  it('completes between two random parties with matching hashes and transport keys', () => {
    for (const protocol of [
      'Noise_XX_25519_AESGCM_SHA256',
      'Noise_XX_25519_ChaChaPoly_SHA256',
    ] as const) {
      const [initiator, responder] = parties(protocol)
      expect(responder.readMessage(initiator.writeMessage(Uint8Array.of(1)))).toEqual(
        Uint8Array.of(1),
      )
      expect(initiator.readMessage(responder.writeMessage(Uint8Array.of(2)))).toEqual(
        Uint8Array.of(2),
      )
      expect(initiator.isComplete).toBe(false)
      expect(responder.readMessage(initiator.writeMessage(Uint8Array.of(3)))).toEqual(
        Uint8Array.of(3),
      )
      expect(initiator.isComplete && responder.isComplete).toBe(true)
      const a = initiator.result()
      const b = responder.result()
      expect(a.handshakeHash).toEqual(b.handshakeHash)
      expect(a.remoteStaticPublicKey).toEqual(responder.localStaticPublicKey)
      expect(b.remoteStaticPublicKey).toEqual(initiator.localStaticPublicKey)
      const frame = a.send.encryptWithAd(EMPTY, Uint8Array.of(42))
      expect(b.receive.decryptWithAd(EMPTY, frame)).toEqual(Uint8Array.of(42))
      const back = b.send.encryptWithAd(EMPTY, Uint8Array.of(43))
      expect(a.receive.decryptWithAd(EMPTY, back)).toEqual(Uint8Array.of(43))
    }
  })

  it('refuses messages out of turn, and a refused read ends the handshake', () => {
    const [initiator, responder] = parties()
    expect(() => responder.writeMessage(EMPTY)).toThrow(noiseError('ERR_NOISE_STATE'))
    const first = initiator.writeMessage(EMPTY)
    expect(() => initiator.writeMessage(EMPTY)).toThrow(noiseError('ERR_NOISE_STATE'))
    responder.readMessage(first)
    expect(() => responder.readMessage(first)).toThrow(noiseError('ERR_NOISE_STATE'))
    expect(() => responder.writeMessage(EMPTY)).toThrow(noiseError('ERR_NOISE_STATE'))
  })

  it('refuses every message once complete, and results before completion', () => {
    const [initiator, responder] = parties()
    expect(() => initiator.result()).toThrow(noiseError('ERR_NOISE_STATE'))
    responder.readMessage(initiator.writeMessage(EMPTY))
    initiator.readMessage(responder.writeMessage(EMPTY))
    responder.readMessage(initiator.writeMessage(EMPTY))
    expect(() => initiator.writeMessage(EMPTY)).toThrow(noiseError('ERR_NOISE_STATE'))
    expect(() => responder.readMessage(new Uint8Array(64))).toThrow(noiseError('ERR_NOISE_STATE'))
  })

  it('refuses a tampered handshake message and stays failed', () => {
    const [initiator, responder] = parties()
    responder.readMessage(initiator.writeMessage(EMPTY))
    const second = responder.writeMessage(EMPTY)
    second[40]! ^= 1
    expect(() => initiator.readMessage(second)).toThrow(noiseError('ERR_NOISE_DECRYPT'))
    expect(() => initiator.writeMessage(EMPTY)).toThrow(noiseError('ERR_NOISE_STATE'))
  })

  it('refuses truncated and oversized messages', () => {
    const [initiator, responder] = parties()
    expect(() => responder.readMessage(new Uint8Array(31))).toThrow(noiseError('ERR_NOISE_DECRYPT'))
    const [, other] = parties()
    expect(() => other.readMessage(new Uint8Array(65536))).toThrow(
      noiseError('ERR_NOISE_MESSAGE_TOO_LONG'),
    )
    expect(() => initiator.writeMessage(new Uint8Array(65535 - 31))).toThrow(
      noiseError('ERR_NOISE_MESSAGE_TOO_LONG'),
    )
    // A refused write leaves the state usable: the largest payload that fits still goes out.
    expect(initiator.writeMessage(new Uint8Array(65535 - 32))).toHaveLength(65535)
  })

  it('fails when the prologues differ', () => {
    const [initiator, responder] = parties(undefined, [Uint8Array.of(1), Uint8Array.of(2)])
    responder.readMessage(initiator.writeMessage(EMPTY))
    expect(() => initiator.readMessage(responder.writeMessage(EMPTY))).toThrow(
      noiseError('ERR_NOISE_DECRYPT'),
    )
  })

  it('refuses a low-order ephemeral key', () => {
    const [, responder] = parties()
    // The all-zero point makes every X25519 result zero.
    responder.readMessage(new Uint8Array(32))
    expect(() => responder.writeMessage(EMPTY)).toThrow(noiseError('ERR_NOISE_BAD_KEY'))
  })

  it('refuses static and ephemeral keys of the wrong length', () => {
    const options = { protocolName: 'Noise_XX_25519_AESGCM_SHA256', initiator: true } as const
    expect(() => new HandshakeState({ ...options, staticPrivateKey: new Uint8Array(31) })).toThrow(
      noiseError('ERR_NOISE_BAD_KEY'),
    )
    expect(
      () =>
        new HandshakeState({
          ...options,
          staticPrivateKey: new Uint8Array(32).fill(1),
          ephemeralPrivateKey: new Uint8Array(33),
        }),
    ).toThrow(noiseError('ERR_NOISE_BAD_KEY'))
  })

  it('does not change the caller’s static key', () => {
    const key = new Uint8Array(randomBytes(32))
    const copy = Uint8Array.from(key)
    const [, responder] = parties()
    const initiator = new HandshakeState({
      protocolName: 'Noise_XX_25519_AESGCM_SHA256',
      initiator: true,
      staticPrivateKey: key,
    })
    responder.readMessage(initiator.writeMessage(EMPTY))
    initiator.readMessage(responder.writeMessage(EMPTY))
    responder.readMessage(initiator.writeMessage(EMPTY))
    expect(key).toEqual(copy)
  })
})

import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateDhKeyPair } from '../../../src/main/node/transport/noise/dh'
import {
  IDENTITY_PAYLOAD_BYTES,
  NOISE_IDENTITY_DOMAIN,
  ed25519Identity,
  encodeIdentityPayload,
  verifyIdentityPayload,
} from '../../../src/main/node/transport/noise/identity'
import { noiseError } from './noiseErrorMatcher'

describe('Noise identity payload', () => {
  const identity = ed25519Identity(randomBytes(32))
  const noiseStatic = generateDhKeyPair().publicKey

  it('is the Ed25519 public key followed by its signature, and verifies', () => {
    const payload = encodeIdentityPayload(identity, noiseStatic)
    expect(payload).toHaveLength(IDENTITY_PAYLOAD_BYTES)
    expect(payload.subarray(0, 32)).toEqual(identity.publicKey)
    expect(verifyIdentityPayload(payload, noiseStatic)).toEqual(identity.publicKey)
  })

  it('signs the domain tag followed by the Noise static key', () => {
    const signed: Uint8Array[] = []
    encodeIdentityPayload(
      { publicKey: identity.publicKey, sign: (m) => (signed.push(m), identity.sign(m)) },
      noiseStatic,
    )
    expect(Buffer.from(signed[0]!).toString('latin1')).toBe(
      NOISE_IDENTITY_DOMAIN + Buffer.from(noiseStatic).toString('latin1'),
    )
  })

  it('refuses a payload bound to another Noise static key', () => {
    const payload = encodeIdentityPayload(identity, noiseStatic)
    expect(() => verifyIdentityPayload(payload, generateDhKeyPair().publicKey)).toThrow(
      noiseError('ERR_NOISE_IDENTITY'),
    )
  })

  it('refuses a signature by another key and a flipped bit', () => {
    const other = ed25519Identity(randomBytes(32))
    const forged = encodeIdentityPayload(
      { publicKey: identity.publicKey, sign: (m) => other.sign(m) },
      noiseStatic,
    )
    expect(() => verifyIdentityPayload(forged, noiseStatic)).toThrow(
      noiseError('ERR_NOISE_IDENTITY'),
    )
    const flipped = encodeIdentityPayload(identity, noiseStatic)
    flipped[95]! ^= 0x01
    expect(() => verifyIdentityPayload(flipped, noiseStatic)).toThrow(
      noiseError('ERR_NOISE_IDENTITY'),
    )
  })

  it('refuses payloads of the wrong length', () => {
    const payload = encodeIdentityPayload(identity, noiseStatic)
    for (const bad of [payload.subarray(0, 95), Uint8Array.of(...payload, 0), new Uint8Array(0)]) {
      expect(() => verifyIdentityPayload(bad, noiseStatic)).toThrow(
        noiseError('ERR_NOISE_IDENTITY'),
      )
    }
  })

  it('refuses seeds and static keys of the wrong length', () => {
    expect(() => ed25519Identity(new Uint8Array(31))).toThrow(noiseError('ERR_NOISE_BAD_KEY'))
    expect(() => encodeIdentityPayload(identity, new Uint8Array(31))).toThrow(
      noiseError('ERR_NOISE_BAD_KEY'),
    )
  })
})

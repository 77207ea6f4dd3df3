import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/shared/encoding'
import { HandshakeState } from '../../../src/main/node/transport/noise/handshakeState'
import type { HandshakeResult } from '../../../src/main/node/transport/noise/handshakeState'
import type { NoiseProtocolName } from '../../../src/main/node/transport/noise/protocol'

interface Vector {
  protocol_name: NoiseProtocolName
  init_prologue: string
  init_static: string
  init_ephemeral: string
  resp_prologue: string
  resp_static: string
  resp_ephemeral: string
  handshake_hash: string
  messages: { payload: string; ciphertext: string }[]
}

const VECTOR_FILE = new URL('../../fixtures/noise/noise-xx-25519-sha256.json', import.meta.url)
const { vectors } = JSON.parse(readFileSync(VECTOR_FILE, 'utf8')) as { vectors: Vector[] }

function parties(vector: Vector): [HandshakeState, HandshakeState] {
  const initiator = new HandshakeState({
    protocolName: vector.protocol_name,
    initiator: true,
    prologue: fromHex(vector.init_prologue),
    staticPrivateKey: fromHex(vector.init_static),
    ephemeralPrivateKey: fromHex(vector.init_ephemeral),
  })
  const responder = new HandshakeState({
    protocolName: vector.protocol_name,
    initiator: false,
    prologue: fromHex(vector.resp_prologue),
    staticPrivateKey: fromHex(vector.resp_static),
    ephemeralPrivateKey: fromHex(vector.resp_ephemeral),
  })
  return [initiator, responder]
}

describe('Noise XX test vectors (cacophony)', () => {
  it('has both the AESGCM and the ChaChaPoly vector', () => {
    expect(vectors.map((v) => v.protocol_name).sort()).toEqual([
      'Noise_XX_25519_AESGCM_SHA256',
      'Noise_XX_25519_ChaChaPoly_SHA256',
    ])
  })

  for (const vector of vectors) {
    it(`reproduces every message and the handshake hash of ${vector.protocol_name}`, () => {
      const [initiator, responder] = parties(vector)
      const handshake = vector.messages.slice(0, 3)
      for (const [index, { payload, ciphertext }] of handshake.entries()) {
        const [writer, reader] = index % 2 === 0 ? [initiator, responder] : [responder, initiator]
        const message = writer.writeMessage(fromHex(payload))
        expect(toHex(message), `message ${index}`).toBe(ciphertext)
        expect(toHex(reader.readMessage(message)), `payload ${index}`).toBe(payload)
      }
      const sides: [HandshakeResult, HandshakeResult] = [initiator.result(), responder.result()]
      expect(toHex(sides[0].handshakeHash)).toBe(vector.handshake_hash)
      expect(toHex(sides[1].handshakeHash)).toBe(vector.handshake_hash)

      // Transport messages keep alternating: even indexes from the initiator, odd from the responder.
      const transport = vector.messages.slice(3)
      expect(transport.length).toBeGreaterThan(0)
      for (const [offset, { payload, ciphertext }] of transport.entries()) {
        const index = offset + 3
        const [sender, receiver] = index % 2 === 0 ? sides : [sides[1], sides[0]]
        const frame = sender.send.encryptWithAd(new Uint8Array(0), fromHex(payload))
        expect(toHex(frame), `message ${index}`).toBe(ciphertext)
        expect(toHex(receiver.receive.decryptWithAd(new Uint8Array(0), frame))).toBe(payload)
      }
    })
  }
})

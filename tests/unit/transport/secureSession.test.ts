import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { DuplexChannel } from '../../../src/main/node/transport/noise/channel'
import {
  acceptSecureSession,
  initiateSecureSession,
} from '../../../src/main/node/transport/noise/handshake'
import type { SecureSessionOptions } from '../../../src/main/node/transport/noise/handshake'
import { generateDhKeyPair } from '../../../src/main/node/transport/noise/dh'
import {
  ed25519Identity,
  encodeIdentityPayload,
} from '../../../src/main/node/transport/noise/identity'
import type { NoiseIdentity } from '../../../src/main/node/transport/noise/identity'
import { createMemoryChannelPair } from '../../../src/main/node/transport/noise/memoryChannel'
import type { SecureSession } from '../../../src/main/node/transport/noise/secureSession'
import { noiseError } from './noiseErrorMatcher'

const alice = ed25519Identity(randomBytes(32))
const bob = ed25519Identity(randomBytes(32))

async function connect(
  initiatorOptions: Partial<SecureSessionOptions> = {},
  responderOptions: Partial<SecureSessionOptions> = {},
): Promise<[SecureSession, SecureSession]> {
  const [a, b] = createMemoryChannelPair()
  return Promise.all([
    initiateSecureSession(a, { identity: alice, ...initiatorOptions }),
    acceptSecureSession(b, { identity: bob, ...responderOptions }),
  ])
}

// A channel whose outgoing messages pass through `rewrite` first.
function intercept(
  channel: DuplexChannel,
  rewrite: (bytes: Uint8Array) => Uint8Array,
): DuplexChannel {
  return {
    send: (bytes) => channel.send(rewrite(bytes)),
    receive: () => channel.receive(),
  }
}

describe('secure session over a duplex channel', () => {
  it('authenticates both identities and carries encrypted frames both ways', async () => {
    const [initiator, responder] = await connect()
    expect(initiator.remoteIdentity).toEqual(bob.publicKey)
    expect(responder.remoteIdentity).toEqual(alice.publicKey)
    expect(initiator.handshakeHash).toEqual(responder.handshakeHash)
    for (let i = 0; i < 5; i++) {
      const up = randomBytes(200)
      const frame = initiator.encrypt(up)
      expect(frame).toHaveLength(216)
      expect(responder.decrypt(frame)).toEqual(new Uint8Array(up))
      const down = randomBytes(16 * 1024)
      expect(initiator.decrypt(responder.encrypt(down))).toEqual(new Uint8Array(down))
    }
  })

  it('works with ChaChaPoly, a prologue and fixed static keys', async () => {
    const common = {
      protocolName: 'Noise_XX_25519_ChaChaPoly_SHA256',
      prologue: Uint8Array.of(7, 7),
    } as const
    const [initiator, responder] = await connect(
      { ...common, staticPrivateKey: randomBytes(32) },
      { ...common, staticPrivateKey: randomBytes(32) },
    )
    expect(responder.decrypt(initiator.encrypt(Uint8Array.of(1)))).toEqual(Uint8Array.of(1))
  })

  it('refuses a tampered frame with ERR_NOISE_DECRYPT and is closed afterwards', async () => {
    const [initiator, responder] = await connect()
    const frame = initiator.encrypt(Uint8Array.of(1, 2, 3))
    const tampered = Uint8Array.from(frame)
    tampered[1]! ^= 0x04
    expect(() => responder.decrypt(tampered)).toThrow(noiseError('ERR_NOISE_DECRYPT'))
    expect(responder.isClosed).toBe(true)
    // Even the genuine frame is now refused: a closed session never accepts anything.
    expect(() => responder.decrypt(frame)).toThrow(noiseError('ERR_NOISE_STATE'))
    expect(() => responder.encrypt(Uint8Array.of(1))).toThrow(noiseError('ERR_NOISE_STATE'))
  })

  it('refuses a replayed frame and a skipped frame', async () => {
    const [initiator, responder] = await connect()
    const first = initiator.encrypt(Uint8Array.of(1))
    responder.decrypt(first)
    expect(() => responder.decrypt(first)).toThrow(noiseError('ERR_NOISE_DECRYPT'))
    const [sender, receiver] = await connect()
    sender.encrypt(Uint8Array.of(1))
    expect(() => receiver.decrypt(sender.encrypt(Uint8Array.of(2)))).toThrow(
      noiseError('ERR_NOISE_DECRYPT'),
    )
  })

  it('refuses frames above the maximum frame size', async () => {
    const [initiator, responder] = await connect({ maxFrameBytes: 1024 }, { maxFrameBytes: 1024 })
    expect(() => initiator.encrypt(new Uint8Array(1024 - 15))).toThrow(
      noiseError('ERR_NOISE_MESSAGE_TOO_LONG'),
    )
    // A local refusal to encrypt does not close the session.
    expect(responder.decrypt(initiator.encrypt(new Uint8Array(1024 - 16)))).toHaveLength(1008)
    expect(() => responder.decrypt(new Uint8Array(1025))).toThrow(
      noiseError('ERR_NOISE_MESSAGE_TOO_LONG'),
    )
    expect(responder.isClosed).toBe(true)
  })

  it('refuses a frame of less than a tag', async () => {
    const [, responder] = await connect()
    expect(() => responder.decrypt(new Uint8Array(15))).toThrow(noiseError('ERR_NOISE_DECRYPT'))
  })

  it('refuses a wrong identity signature', async () => {
    const forger: NoiseIdentity = { publicKey: bob.publicKey, sign: (m) => alice.sign(m) }
    const [a, b] = createMemoryChannelPair()
    const initiating = initiateSecureSession(a, { identity: alice })
    const accepting = acceptSecureSession(b, { identity: forger, timeoutMs: 200 })
    await expect(initiating).rejects.toEqual(noiseError('ERR_NOISE_IDENTITY'))
    // The initiator stops before revealing itself, so the responder never completes.
    await expect(accepting).rejects.toEqual(noiseError('ERR_NOISE_TIMEOUT'))
  })

  it('refuses a wrong identity signature from the initiator', async () => {
    const forger: NoiseIdentity = { publicKey: alice.publicKey, sign: (m) => bob.sign(m) }
    const [a, b] = createMemoryChannelPair()
    const initiating = initiateSecureSession(a, { identity: forger })
    const accepting = acceptSecureSession(b, { identity: bob })
    await expect(accepting).rejects.toEqual(noiseError('ERR_NOISE_IDENTITY'))
    await expect(initiating).resolves.toBeDefined()
  })

  it('refuses a genuine identity signature over another Noise static key', async () => {
    // What a man in the middle could replay: Bob's signature from a session with Bob's own key.
    const bobsStatic = generateDhKeyPair().publicKey
    const stolen = encodeIdentityPayload(bob, bobsStatic).subarray(32)
    const thief: NoiseIdentity = { publicKey: bob.publicKey, sign: () => stolen }
    const [a, b] = createMemoryChannelPair()
    const initiating = initiateSecureSession(a, { identity: alice })
    const accepting = acceptSecureSession(b, { identity: thief, timeoutMs: 100 })
    await expect(initiating).rejects.toEqual(noiseError('ERR_NOISE_IDENTITY'))
    await expect(accepting).rejects.toEqual(noiseError('ERR_NOISE_TIMEOUT'))
  })

  it('refuses an unknown identity on either side', async () => {
    const stranger = ed25519Identity(randomBytes(32))
    await expect(
      connect({ expectedRemoteIdentity: stranger.publicKey }, { timeoutMs: 200 }),
    ).rejects.toEqual(noiseError('ERR_NOISE_UNKNOWN_PEER'))
    const [a, b] = createMemoryChannelPair()
    const seen: Uint8Array[] = []
    const initiating = initiateSecureSession(a, { identity: alice })
    const accepting = acceptSecureSession(b, {
      identity: bob,
      isAllowed: (key) => (seen.push(key), false),
    })
    await expect(accepting).rejects.toEqual(noiseError('ERR_NOISE_UNKNOWN_PEER'))
    expect(seen).toEqual([alice.publicKey])
    await initiating
  })

  it('accepts a peer that the allow-list knows', async () => {
    const [initiator] = await connect(
      { expectedRemoteIdentity: bob.publicKey },
      { isAllowed: (key) => Buffer.from(key).equals(alice.publicKey) },
    )
    expect(initiator.remoteIdentity).toEqual(bob.publicKey)
  })

  it('refuses a handshake message that arrives out of order', async () => {
    // Capture a genuine third message, then hand it to a fresh responder as if it were the first.
    const sent: Uint8Array[] = []
    const [a1, b1] = createMemoryChannelPair()
    const recording = intercept(a1, (bytes) => (sent.push(bytes), bytes))
    await Promise.all([
      initiateSecureSession(recording, { identity: alice }),
      acceptSecureSession(b1, { identity: bob }),
    ])
    const [a2, b2] = createMemoryChannelPair()
    expect(sent).toHaveLength(2)
    a2.send(sent[1]!)
    await expect(acceptSecureSession(b2, { identity: bob })).rejects.toEqual(
      noiseError('ERR_NOISE_STATE'),
    )
  })

  it('refuses an oversized handshake message', async () => {
    const [a, b] = createMemoryChannelPair()
    a.send(new Uint8Array(65536))
    await expect(acceptSecureSession(b, { identity: bob })).rejects.toEqual(
      noiseError('ERR_NOISE_MESSAGE_TOO_LONG'),
    )
  })

  it('refuses a tampered handshake message', async () => {
    const [a, b] = createMemoryChannelPair()
    const initiating = initiateSecureSession(a, { identity: alice })
    const accepting = acceptSecureSession(
      intercept(b, (bytes) => {
        const copy = Uint8Array.from(bytes)
        copy[copy.length - 1]! ^= 1
        return copy
      }),
      { identity: bob, timeoutMs: 200 },
    )
    await expect(initiating).rejects.toEqual(noiseError('ERR_NOISE_DECRYPT'))
    await expect(accepting).rejects.toEqual(noiseError('ERR_NOISE_TIMEOUT'))
  })

  it('fails when the prologues differ', async () => {
    await expect(
      connect({ prologue: Uint8Array.of(1) }, { prologue: Uint8Array.of(2), timeoutMs: 200 }),
    ).rejects.toEqual(noiseError('ERR_NOISE_DECRYPT'))
  })

  it('times out when the peer stays silent', async () => {
    const [a] = createMemoryChannelPair()
    const started = Date.now()
    await expect(initiateSecureSession(a, { identity: alice, timeoutMs: 50 })).rejects.toEqual(
      noiseError('ERR_NOISE_TIMEOUT'),
    )
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('refuses invalid frame sizes and timeouts before sending anything', async () => {
    const [a, b] = createMemoryChannelPair()
    for (const bad of [{ maxFrameBytes: 16 }, { maxFrameBytes: 65536 }, { timeoutMs: 0 }]) {
      await expect(initiateSecureSession(a, { identity: alice, ...bad })).rejects.toThrow(
        RangeError,
      )
    }
    // Nothing reached the peer: the first message it gets is the marker sent after the attempts.
    a.send(Uint8Array.of(1))
    await expect(b.receive()).resolves.toEqual(Uint8Array.of(1))
  })
})

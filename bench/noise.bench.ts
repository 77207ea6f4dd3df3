/**
 * Noise transport micro-benchmark: `node --import tsx bench/noise.bench.ts`. Prints one JSON line
 * per figure: full handshakes per second, and encrypt+decrypt throughput per frame size and cipher.
 */
import { randomBytes } from 'node:crypto'
import {
  acceptSecureSession,
  initiateSecureSession,
} from '../src/main/node/transport/noise/handshake'
import { HandshakeState } from '../src/main/node/transport/noise/handshakeState'
import { ed25519Identity } from '../src/main/node/transport/noise/identity'
import { createMemoryChannelPair } from '../src/main/node/transport/noise/memoryChannel'
import { NOISE_PROTOCOLS } from '../src/main/node/transport/noise/protocol'
import type { NoiseProtocolName } from '../src/main/node/transport/noise/protocol'
import type { SecureSession } from '../src/main/node/transport/noise/secureSession'

const HANDSHAKES = 400
const BYTES_PER_RUN = 64 * 1024 * 1024
const FRAME_SIZES = [200, 16 * 1024]
const EMPTY = new Uint8Array(0)

function report(figures: Record<string, string | number>): void {
  console.log(JSON.stringify(figures))
}

const ALICE = ed25519Identity(randomBytes(32))
const BOB = ed25519Identity(randomBytes(32))

// Fresh static keys, as the node uses them: the handshake alone, without identities or channel.
function rawHandshake(protocolName: NoiseProtocolName): void {
  const initiator = new HandshakeState({ protocolName, initiator: true })
  const responder = new HandshakeState({ protocolName, initiator: false })
  responder.readMessage(initiator.writeMessage(EMPTY))
  initiator.readMessage(responder.writeMessage(EMPTY))
  responder.readMessage(initiator.writeMessage(EMPTY))
}

async function sessionPair(
  protocolName: NoiseProtocolName,
): Promise<[SecureSession, SecureSession]> {
  const [a, b] = createMemoryChannelPair()
  return Promise.all([
    initiateSecureSession(a, { identity: ALICE, protocolName }),
    acceptSecureSession(b, { identity: BOB, protocolName }),
  ])
}

async function main(): Promise<void> {
  const protocolNames = Object.keys(NOISE_PROTOCOLS) as NoiseProtocolName[]
  for (const protocol of protocolNames) {
    rawHandshake(protocol)
    let start = performance.now()
    for (let i = 0; i < HANDSHAKES; i++) rawHandshake(protocol)
    let seconds = (performance.now() - start) / 1000
    report({
      bench: 'noise_handshake_xx',
      protocol,
      handshakes_per_second: Math.round(HANDSHAKES / seconds),
    })

    start = performance.now()
    for (let i = 0; i < HANDSHAKES; i++) await sessionPair(protocol)
    seconds = (performance.now() - start) / 1000
    report({
      bench: 'noise_secure_session_handshake',
      protocol,
      handshakes_per_second: Math.round(HANDSHAKES / seconds),
    })

    for (const frameBytes of FRAME_SIZES) {
      const [sender, receiver] = await sessionPair(protocol)
      const plaintext = randomBytes(frameBytes)
      const frames = Math.ceil(BYTES_PER_RUN / frameBytes)
      start = performance.now()
      for (let i = 0; i < frames; i++) receiver.decrypt(sender.encrypt(plaintext))
      seconds = (performance.now() - start) / 1000
      report({
        bench: 'noise_encrypt_decrypt',
        protocol,
        frame_bytes: frameBytes,
        frames_per_second: Math.round(frames / seconds),
        mb_per_second: Number(((frames * frameBytes) / seconds / 1e6).toFixed(1)),
      })
    }
  }
}

await main()

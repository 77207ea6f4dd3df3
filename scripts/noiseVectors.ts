/**
 * Runs the Noise XX implementation against a cacophony-format test vector file:
 * `npm run vectors:noise -- FILE`. Prints one line per vector and a summary; exits non-zero on
 * any mismatch or when no vector could be run.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { bytesEqual, fromHex } from '../src/shared/encoding'
import { HandshakeState } from '../src/main/node/transport/noise/handshakeState'
import type { HandshakeResult } from '../src/main/node/transport/noise/handshakeState'
import { isSupportedProtocol } from '../src/main/node/transport/noise/protocol'
import type { NoiseProtocolName } from '../src/main/node/transport/noise/protocol'

const HANDSHAKE_MESSAGES = 3

// A vector that sets any of these needs what this implementation lacks: PSKs, keys known in
// advance, fallback, hybrid forward secrecy, or a handshake expected to fail.
const UNSUPPORTED_KEYS = [
  'init_psks',
  'resp_psks',
  'init_remote_static',
  'resp_remote_static',
  'init_remote_ephemeral',
  'resp_remote_ephemeral',
  'fallback',
  'fallback_pattern',
  'hybrid',
  'fail',
]

const hex = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{2})*$/, 'not hex')
  .transform((text) => fromHex(text))

const vectorFileSchema = z.object({ vectors: z.array(z.unknown()) })

const xxVectorSchema = z.object({
  protocol_name: z.custom<NoiseProtocolName>(
    (name) => typeof name === 'string' && isSupportedProtocol(name),
  ),
  init_prologue: hex,
  init_static: hex,
  init_ephemeral: hex,
  resp_prologue: hex,
  resp_static: hex,
  resp_ephemeral: hex,
  // Optional in the test-vector format: checked only where a vector gives it.
  handshake_hash: hex.optional(),
  messages: z.array(z.object({ payload: hex, ciphertext: hex })).min(HANDSHAKE_MESSAGES),
})

type XxVector = z.infer<typeof xxVectorSchema>

/** The protocol name of a vector this script can run, or `null` for one to skip. */
function runnableProtocol(vector: unknown): string | null {
  if (typeof vector !== 'object' || vector === null) return null
  const name = (vector as { protocol_name?: unknown }).protocol_name
  if (typeof name !== 'string' || !isSupportedProtocol(name)) return null
  const record = vector as Record<string, unknown>
  return UNSUPPORTED_KEYS.some((key) => isSet(record[key])) ? null : name
}

// Some files carry `"init_psks": []` or `"fail": false` on plain vectors.
function isSet(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0
  return value !== undefined && value !== null && value !== false
}

/** Runs one vector; returns where it first differs, or `null` when everything matches. */
function runVector(vector: XxVector): string | null {
  const protocolName = vector.protocol_name
  const initiator = new HandshakeState({
    protocolName,
    initiator: true,
    prologue: vector.init_prologue,
    staticPrivateKey: vector.init_static,
    ephemeralPrivateKey: vector.init_ephemeral,
  })
  const responder = new HandshakeState({
    protocolName,
    initiator: false,
    prologue: vector.resp_prologue,
    staticPrivateKey: vector.resp_static,
    ephemeralPrivateKey: vector.resp_ephemeral,
  })
  let sessions: [HandshakeResult, HandshakeResult] | null = null
  for (const [index, { payload, ciphertext }] of vector.messages.entries()) {
    // Messages alternate throughout: even indexes go initiator to responder, odd ones back.
    const fromInitiator = index % 2 === 0
    try {
      let sent: Uint8Array
      let received: Uint8Array
      if (sessions === null) {
        const [writer, reader] = fromInitiator ? [initiator, responder] : [responder, initiator]
        sent = writer.writeMessage(payload)
        received = reader.readMessage(sent)
      } else {
        const [sender, receiver] = fromInitiator ? sessions : [sessions[1], sessions[0]]
        sent = sender.send.encryptWithAd(new Uint8Array(0), payload)
        received = receiver.receive.decryptWithAd(new Uint8Array(0), sent)
      }
      if (!bytesEqual(sent, ciphertext)) return `message ${index}: ciphertext differs`
      if (!bytesEqual(received, payload)) return `message ${index}: payload differs`
    } catch (err) {
      return `message ${index}: ${err instanceof Error ? err.message : String(err)}`
    }
    if (index === HANDSHAKE_MESSAGES - 1) {
      sessions = [initiator.result(), responder.result()]
      const expected = vector.handshake_hash
      if (expected !== undefined && !sessions.every((s) => bytesEqual(s.handshakeHash, expected))) {
        return 'handshake hash differs'
      }
    }
  }
  return null
}

function readVectors(file: string): unknown[] {
  return vectorFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).vectors
}

function main(file: string | undefined): number {
  if (file === undefined) {
    console.error('usage: npm run vectors:noise -- FILE')
    return 2
  }
  let vectors: unknown[]
  try {
    vectors = readVectors(file)
  } catch (err) {
    const reason = err instanceof z.ZodError ? z.prettifyError(err) : String(err)
    console.error(`cannot read ${file}: ${reason}`)
    return 2
  }
  let ok = 0
  let failed = 0
  let skipped = 0
  for (const [index, raw] of vectors.entries()) {
    const name = runnableProtocol(raw)
    if (name === null) {
      skipped++
      continue
    }
    const parsed = xxVectorSchema.safeParse(raw)
    if (!parsed.success) {
      failed++
      console.log(`INVALID  #${index} ${name}: ${z.prettifyError(parsed.error)}`)
      continue
    }
    const mismatch = runVector(parsed.data)
    if (mismatch === null) {
      ok++
      console.log(`ok       #${index} ${name}`)
    } else {
      failed++
      console.log(`MISMATCH #${index} ${name}: ${mismatch}`)
    }
  }
  console.log(`noise vectors: ${ok + failed} run, ${ok} ok, ${failed} failed, ${skipped} skipped`)
  if (ok + failed === 0) console.error('no supported vector in the file: nothing was checked')
  return failed > 0 || ok + failed === 0 ? 1 : 0
}

process.exitCode = main(process.argv[2])

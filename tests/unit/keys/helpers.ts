import { createPublicKey, verify } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../../src/main/keys/idleTimer'
import type { KdfParams } from '../../../src/main/keys/kdf'

/** Cheap scrypt so tests run fast; production uses n=2^18. */
export const FAST_KDF: KdfParams = { function: 'scrypt', n: 2 ** 10, r: 8, p: 1 }

/** Reads a JSON fixture from tests/fixtures/keys. */
export async function loadFixture<T>(name: string): Promise<T> {
  const url = new URL(`../../fixtures/keys/${name}`, import.meta.url)
  return JSON.parse(await readFile(url, 'utf8')) as T
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'))
}

/** A fresh empty directory and a function that removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'coherence-keys-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** Every file name in a directory with its exact bytes, to prove nothing changed. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const name of (await readdir(dir)).sort()) {
    files.set(name, (await readFile(join(dir, name))).toString('base64'))
  }
  return files
}

/** Verifies an Ed25519 signature with node:crypto from a raw 32-byte public key. */
export function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey])
  return verify(
    null,
    message,
    createPublicKey({ key: spki, format: 'der', type: 'spki' }),
    signature,
  )
}

/** What a rejected call threw: an error with a stable code. */
type CodedFailure = Error & { code: string }

/** The error a promise rejects with (fails the test if it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<CodedFailure> {
  try {
    await promise
  } catch (error) {
    return error as CodedFailure
  }
  throw new Error('expected a rejection')
}

/** The code of the error a promise rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await errorOf(promise)).code
}

/** The code of the error a function throws. */
export function codeOfSync(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return (error as CodedFailure).code
  }
  throw new Error('expected a throw')
}

/** A clock driven by the test: time moves only when told, timers fire in order. */
export class FakeClock implements Clock {
  #now = 1_000
  #nextId = 1
  readonly #timers = new Map<number, { at: number; callback: () => void }>()

  now(): number {
    return this.#now
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++
    this.#timers.set(id, { at: this.#now + ms, callback })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number)
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)
      const first = due[0]
      if (!first) break
      this.#timers.delete(first[0])
      this.#now = first[1].at
      first[1].callback()
    }
    this.#now = end
  }

  /** Moves time without firing timers, as when a machine wakes from sleep. */
  jump(ms: number): void {
    this.#now += ms
  }

  get pendingTimers(): number {
    return this.#timers.size
  }
}

import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decryptKeystore } from '../../../src/main/keys/keystore'
import { readKeystoreFile } from '../../../src/main/keys/keystoreFile'
import { Wallet } from '../../../src/main/keys/wallet'
import { codeOf, hex, tempDir } from './helpers'

const SCRIPT = fileURLToPath(new URL('../../fixtures/keys/rewriteLoop.ts', import.meta.url))
const PASSWORDS = ['first password', 'second password'] as const
const PARALLEL_KEYSTORE_KILLS = 4
const SEQUENTIAL_WALLET_KILLS = 3
// Child start-up (node + tsx) takes seconds on a loaded machine.
const TIMEOUT_MS = 60_000
const KDF = { function: 'scrypt', n: 16, r: 8, p: 1 } as const

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  await cleanup()
})

/** Starts the rewrite loop, lets it run a random while after its first write, kills it. */
async function runAndKill(mode: 'keystore' | 'wallet', target: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, mode, target, ...PASSWORDS], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  )
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve()
    })
    child.on('exit', () => reject(new Error(`rewrite loop exited early: ${stderr}`)))
  })
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 200))
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
}

/** Opens with whichever password works; exactly one must. */
async function openWithEither(open: (password: string) => Promise<unknown>): Promise<number> {
  const results = await Promise.all(
    PASSWORDS.map((password) =>
      open(password).then(
        () => true,
        () => false,
      ),
    ),
  )
  expect(results.filter(Boolean)).toHaveLength(1)
  return results.indexOf(true)
}

describe('crash safety under SIGKILL', () => {
  it(
    'a keystore rewritten in a loop always survives as a readable keystore',
    { timeout: TIMEOUT_MS },
    async () => {
      const files = Array.from({ length: PARALLEL_KEYSTORE_KILLS }, (_, n) =>
        join(dir, `${n}.json`),
      )
      await Promise.all(files.map((file) => runAndKill('keystore', file)))
      for (const file of files) {
        const keystore = await readKeystoreFile(file)
        await openWithEither(async (password) => {
          expect(hex(await decryptKeystore(keystore, password))).toBe('07'.repeat(32))
        })
      }
    },
  )

  it(
    'a wallet whose password changes in a loop always opens with one of the two',
    { timeout: TIMEOUT_MS },
    async () => {
      const created = await Wallet.create(dir, { password: PASSWORDS[1] }, { kdf: KDF })
      const mnemonic = await created.revealMnemonic(PASSWORDS[1])
      for (let kill = 0; kill < SEQUENTIAL_WALLET_KILLS; kill++) {
        await runAndKill('wallet', dir)
        const wallet = await Wallet.open(dir, { kdf: KDF })
        const current = await openWithEither((password) => wallet.unlock(password))
        expect(await wallet.revealMnemonic(PASSWORDS[current] ?? '')).toBe(mnemonic)
        expect(await codeOf(wallet.revealMnemonic(PASSWORDS[1 - current] ?? ''))).toBe(
          'ERR_BAD_PASSWORD',
        )
      }
    },
  )
})

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const VECTOR_FILE = fileURLToPath(
  new URL('../../fixtures/noise/noise-xx-25519-sha256.json', import.meta.url),
)
const work = mkdtempSync(join(tmpdir(), 'noise-vectors-'))

interface VectorFile {
  vectors: { protocol_name: string; handshake_hash?: string; messages: { ciphertext: string }[] }[]
}

function run(file: string): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/noiseVectors.ts', file], {
    cwd: REPO,
    encoding: 'utf8',
  })
  return { status: result.status, stdout: result.stdout }
}

function variant(name: string, change: (file: VectorFile) => void): string {
  const file = JSON.parse(readFileSync(VECTOR_FILE, 'utf8')) as VectorFile
  change(file)
  const path = join(work, name)
  writeFileSync(path, JSON.stringify(file))
  return path
}

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('scripts/noiseVectors.ts', () => {
  it('passes the shared vectors and says so', () => {
    const { status, stdout } = run(VECTOR_FILE)
    expect(stdout).toContain('2 run, 2 ok, 0 failed, 0 skipped')
    expect(status).toBe(0)
  })

  it('exits non-zero and names the message on a mismatch', () => {
    const path = variant('tampered.json', (file) => {
      const message = file.vectors[1]!.messages[4]!
      message.ciphertext =
        (message.ciphertext.startsWith('00') ? '11' : '00') + message.ciphertext.slice(2)
    })
    const { status, stdout } = run(path)
    expect(stdout).toMatch(/MISMATCH #1 .*message 4/)
    expect(status).toBe(1)
  })

  it('runs vectors without handshake_hash, which the format makes optional', () => {
    const path = variant('no-hash.json', (file) => {
      for (const vector of file.vectors) delete vector.handshake_hash
    })
    const { status, stdout } = run(path)
    expect(stdout).toContain('2 run, 2 ok, 0 failed, 0 skipped')
    expect(status).toBe(0)
  })

  it('still checks a handshake_hash that is given', () => {
    const path = variant('wrong-hash.json', (file) => {
      const hash = file.vectors[0]!.handshake_hash!
      file.vectors[0]!.handshake_hash = (hash.startsWith('00') ? '11' : '00') + hash.slice(2)
    })
    const { status, stdout } = run(path)
    expect(stdout).toMatch(/MISMATCH #0 .*handshake hash differs/)
    expect(stdout).toContain('2 run, 1 ok, 1 failed, 0 skipped')
    expect(status).toBe(1)
  })

  it('skips what it cannot run and fails when nothing ran', () => {
    const path = variant('unsupported.json', (file) => {
      for (const vector of file.vectors) vector.protocol_name = 'Noise_XX_25519_AESGCM_BLAKE2s'
    })
    const { status, stdout } = run(path)
    expect(stdout).toContain('0 run, 0 ok, 0 failed, 2 skipped')
    expect(status).toBe(1)
  })
})

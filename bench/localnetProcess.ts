// `coherence localnet` as a child process of a benchmark: started on a fresh directory, ready once
// its manifest lists every node's pid, stopped with SIGINT (as a person's Ctrl-C) and removed.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalnetManifest } from '../src/main/cli/localnetCommand'
import { CLI, PROJECT_ROOT } from '../tests/helpers/cliNode'
import { tempDir, waitFor } from '../tests/helpers/tempDir'

const BUILT_CLI = join(PROJECT_ROOT, 'out', 'main', 'cli.js')
/** Creating the wallets (scrypt) and starting every node, on a busy two-core machine. */
const START_TIMEOUT_MS = 120_000
const STOP_GRACE_MS = 15_000
/** Only the tail of the command's output is kept, for error messages. */
const KEEP_CHARS = 8_000
const KEEP_LOG_CHARS = 1_000

export interface Localnet {
  readonly dir: string
  readonly manifest: LocalnetManifest
  /** Stops every node (SIGINT to the localnet command) and removes the directory. */
  stop(): Promise<void>
}

export async function startLocalnet(options: {
  validators: number
  basePort: number
  blockTimeMs: number
}): Promise<Localnet> {
  if (!existsSync(BUILT_CLI)) {
    throw new Error(`${BUILT_CLI} is missing: run \`npm run build\` first`)
  }
  const { path: dir, remove } = await tempDir('coherence-localnet-')
  const child = spawn(
    process.execPath,
    [
      CLI,
      'localnet',
      '--validators',
      String(options.validators),
      '--dir',
      dir,
      '--base-port',
      String(options.basePort),
      '--block-time-ms',
      String(options.blockTimeMs),
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const keep = (chunk: string): void => {
    output = (output + chunk).slice(-KEEP_CHARS)
  }
  child.stdout.setEncoding('utf8').on('data', keep)
  child.stderr.setEncoding('utf8').on('data', keep)
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const running = (): boolean => child.exitCode === null && child.signalCode === null

  let manifest: LocalnetManifest | undefined
  const stop = async (): Promise<void> => {
    if (running()) {
      child.kill('SIGINT')
      const timer = setTimeout(() => {
        // The command did not stop its nodes in time: end them and it by their ids.
        for (const m of manifest?.members ?? []) if (m.pid !== null) killQuietly(m.pid)
        child.kill('SIGKILL')
      }, STOP_GRACE_MS)
      await exited
      clearTimeout(timer)
    }
    await remove()
  }

  try {
    manifest = await waitFor(
      async () => {
        if (!running()) throw new Error(`coherence localnet exited early:\n${output}`)
        const m = await readManifest(join(dir, 'localnet.json'))
        if (m === undefined) return undefined
        const failed = m.members.filter((x) => x.pid === null)
        if (failed.length > 0) throw new Error(await startFailure(failed, output))
        return m
      },
      START_TIMEOUT_MS,
      'the localnet manifest',
    )
  } catch (err) {
    await stop()
    throw err
  }
  return { dir, manifest, stop }
}

/** What went wrong, with the end of each failed node's log: the directory is removed after. */
async function startFailure(
  failed: readonly LocalnetManifest['members'][number][],
  output: string,
): Promise<string> {
  const logs = await Promise.all(
    failed.map(async (m) => {
      const log = await readFile(join(m.dataDir, 'node.log'), 'utf8').catch(() => '')
      return `--- ${m.name} node.log ---\n${log.slice(-KEEP_LOG_CHARS)}`
    }),
  )
  return [`coherence localnet could not start every node:`, output, ...logs].join('\n')
}

async function readManifest(file: string): Promise<LocalnetManifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalnetManifest
  } catch {
    // Not written yet (it is written atomically, so never half-written).
    return undefined
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

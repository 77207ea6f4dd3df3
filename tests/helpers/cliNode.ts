// Runs the `coherence` command as a real process, the way a person would: `start` a headless
// node, ask it for `status`, and stop it with Ctrl-C (SIGINT).
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { NodeStatus } from '../../src/shared/ipc/contract'
import { Wallet } from '../../src/main/keys/wallet'
import { dataDirLayout } from '../../src/main/node/dataDir'

/** The project folder: tests/helpers is two levels below it. */
export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..')
export const CLI = join(PROJECT_ROOT, 'bin', 'coherence.js')

const UI_URL_LINE = /Open the UI: (http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+))/
/** Only the tail of the node's output is kept, for error messages. */
const KEEP_CHARS = 8_000
const STOP_GRACE_MS = 5_000

export interface CliNodeOptions {
  /** Data directory to use; a fresh temporary one when absent. */
  readonly dataDir?: string
  /** Time between blocks; short so tests see the height move quickly. */
  readonly blockTimeMs?: number
  /** How long to wait for the "Open the UI" line. */
  readonly startTimeoutMs?: number
  /**
   * The wallet password the node is started with (--password-file); a wallet is created with it
   * first if the data directory has none. Null: no wallet and no password, so the node waits for
   * onboarding in the UI.
   */
  readonly password?: string | null
  /** More flags for `coherence start`. */
  readonly extraArgs?: readonly string[]
}

/** The wallet password test nodes use unless told otherwise. */
export const TEST_PASSWORD = 'correct horse battery staple'

export interface CliNode {
  readonly dataDir: string
  /** The UI address with its token in the fragment, as printed by `coherence start`. */
  readonly uiUrl: string
  /** The UI address without the token. */
  readonly baseUrl: string
  readonly port: number
  readonly token: string
  readonly process: ChildProcess
  /** What the node printed up to its UI address. */
  readonly startOutput: string
  /** The node's stderr so far (its log), truncated to the last few kilobytes. */
  stderr(): string
  /** Stops the node with SIGINT (SIGKILL after 5 s); resolves to its exit code. */
  stop(): Promise<number | null>
  removeDataDir(): Promise<void>
}

/** Starts `coherence start` on a free port and waits until it prints its UI address. */
export async function startCliNode(options: CliNodeOptions = {}): Promise<CliNode> {
  const startTimeoutMs = options.startTimeoutMs ?? 20_000
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'coherence-node-')))
  const removeDataDir = (): Promise<void> => rm(dataDir, { recursive: true, force: true })
  const password = options.password === undefined ? TEST_PASSWORD : options.password
  const passwordArgs: string[] = []
  if (password !== null) {
    const walletDir = dataDirLayout(dataDir).wallet
    if (!(await Wallet.exists(walletDir))) {
      ;(await Wallet.create(walletDir, { password })).lock()
    }
    const passwordFile = join(dataDir, 'test-password.txt')
    await writeFile(passwordFile, password + '\n', { mode: 0o600 })
    passwordArgs.push('--password-file', passwordFile)
  }
  const child = spawn(
    process.execPath,
    [
      CLI,
      'start',
      '--data-dir',
      dataDir,
      '--rpc-port',
      '0',
      '--block-time-ms',
      String(options.blockTimeMs ?? 300),
      ...passwordArgs,
      ...(options.extraArgs ?? []),
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-KEEP_CHARS)
  })
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const stop = (): Promise<number | null> => stopProcess(child, exited)

  let match: RegExpExecArray
  try {
    match = await new Promise<RegExpExecArray>((found, fail) => {
      const timer = setTimeout(() => {
        fail(new Error(`the node did not print its UI address within ${startTimeoutMs} ms`))
      }, startTimeoutMs)
      const onData = (chunk: string): void => {
        stdout = (stdout + chunk).slice(-KEEP_CHARS)
        const m = UI_URL_LINE.exec(stdout)
        if (m) {
          clearTimeout(timer)
          child.stdout.off('data', onData)
          found(m)
        }
      }
      child.stdout.on('data', onData)
      child.once('error', (err) => {
        clearTimeout(timer)
        fail(err)
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        fail(new Error(`the node exited before printing its UI address (${code ?? signal})`))
      })
    })
  } catch (err) {
    await stop()
    if (options.dataDir === undefined) await removeDataDir()
    throw new Error(
      `could not start the headless node: ${(err as Error).message}\n` +
        `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
      { cause: err },
    )
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout.resume()

  const [, uiUrl = '', portText = '', token = ''] = match
  return {
    dataDir,
    uiUrl,
    baseUrl: uiUrl.slice(0, uiUrl.indexOf('#')),
    port: Number(portText),
    token,
    process: child,
    startOutput: stdout,
    stderr: () => stderr,
    stop,
    removeDataDir,
  }
}

async function stopProcess(
  child: ChildProcess,
  exited: Promise<number | null>,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  if (child.pid === undefined) return null
  child.kill('SIGINT')
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), STOP_GRACE_MS)
  })
  const first = await Promise.race([exited, timedOut])
  clearTimeout(timer)
  if (first !== 'timeout') return first
  child.kill('SIGKILL')
  return exited
}

/** Runs one `coherence` command to completion. */
export function runCli(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: PROJECT_ROOT, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? null) : 0
        done({ code: typeof code === 'number' ? code : null, stdout, stderr })
      },
    )
  })
}

/** `coherence status --data-dir DIR --json`, parsed; throws if the command fails. */
export async function nodeStatus(dataDir: string): Promise<NodeStatus> {
  const r = await runCli(['status', '--data-dir', dataDir, '--json'])
  if (r.code !== 0) throw new Error(`coherence status failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout) as NodeStatus
}

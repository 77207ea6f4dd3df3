// Runs `coherence localnet` as a real process, the way a person would, and lets a test stop and
// restart single validators of it. Benchmarks start their local networks with it too.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalnetManifest } from '../../src/main/cli/localnetCommand'
import { connectToNode } from '../../src/main/cli/rpcClient'
import type { Channel, ChannelRequest, ChannelResponse } from '../../src/shared/ipc/contract'
import { CLI, PROJECT_ROOT, startCliNode, type CliNode } from './cliNode'
import { tempDir, waitFor } from './tempDir'

const BUILT_CLI = join(PROJECT_ROOT, 'out', 'main', 'cli.js')
/** Creating the wallets (scrypt) and starting every node, on a busy two-core machine. */
const START_TIMEOUT_MS = 120_000
const STOP_GRACE_MS = 15_000
/** Only the tail of the command's output is kept, for error messages. */
const KEEP_CHARS = 8_000
const KEEP_LOG_CHARS = 1_000

export interface LocalnetProcess {
  readonly dir: string
  readonly manifest: LocalnetManifest
  /** Stops every node (SIGINT to the localnet command) and removes the directory. */
  readonly stop: () => Promise<void>
}

/** Runs `coherence localnet` on a fresh directory; ready once its manifest lists every pid. */
export async function runLocalnet(options: {
  validators: number
  blockTimeMs: number
  /** Random in 30000-40000 when absent. */
  basePort?: number
  /** Two: two clusters joined by a bridge (`--clusters 2`), with these governor terms. */
  clusters?: 1 | 2
  flowCap?: string
  flowWindow?: number
}): Promise<LocalnetProcess> {
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
      String(options.basePort ?? 30_000 + Math.floor(Math.random() * 10_000)),
      '--block-time-ms',
      String(options.blockTimeMs),
      '--clusters',
      String(options.clusters ?? 1),
      ...(options.flowCap === undefined ? [] : ['--flow-cap', options.flowCap]),
      ...(options.flowWindow === undefined ? [] : ['--flow-window', String(options.flowWindow)]),
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
        for (const m of allMembers(manifest)) if (m.pid !== null) killQuietly(m.pid)
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
        const failed = allMembers(m).filter((x) => x.pid === null)
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

function allMembers(manifest: LocalnetManifest | undefined): LocalnetManifest['members'][number][] {
  return (manifest?.clusters ?? []).flatMap((c) => [...c.members])
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

export interface Localnet {
  readonly dir: string
  readonly manifest: LocalnetManifest
  /** Each validator's UI address as printed by `coherence localnet`. */
  readonly uiUrls: readonly string[]
  /** Kills validator `i` at once (SIGKILL: a crash, not a clean stop). */
  kill(i: number): Promise<void>
  /** Starts validator `i` again from its data directory (after `kill`). */
  restart(i: number): Promise<void>
  /** One RPC call to validator `i`. */
  call<C extends Channel>(
    i: number,
    channel: C,
    req: ChannelRequest<C>,
  ): Promise<ChannelResponse<C>>
  /** Heights of the validators that answer (null for those that do not). */
  heights(): Promise<(number | null)[]>
  /** Stops everything (Ctrl-C) and removes the directory. */
  stop(): Promise<void>
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((done) => child.once('exit', () => done()))
}

export async function startLocalnet(options: {
  validators: number
  blockTimeMs: number
}): Promise<Localnet> {
  const { dir, manifest, stop } = await runLocalnet(options)
  const cluster = clusterOf(manifest.clusters[0]!, options.blockTimeMs)
  return {
    ...cluster,
    dir,
    manifest,
    async stop() {
      await cluster.stopRestarted()
      await stop()
    },
  }
}

/** One cluster of a running localnet: its members, to kill, restart and call. */
export type LocalnetCluster = Omit<Localnet, 'dir' | 'manifest' | 'stop'> & {
  readonly network: string
  /** Stops the members this test restarted (the localnet command stops the others). */
  stopRestarted(): Promise<void>
}

/** Two clusters joined by a bridge (`coherence localnet --clusters 2`). */
export interface BridgedLocalnet {
  readonly dir: string
  readonly clusters: readonly [LocalnetCluster, LocalnetCluster]
  stop(): Promise<void>
}

export async function startBridgedLocalnet(options: {
  validators: number
  blockTimeMs: number
  flowCap?: string
  flowWindow?: number
}): Promise<BridgedLocalnet> {
  const { dir, manifest, stop } = await runLocalnet({ ...options, clusters: 2 })
  const [a, b] = manifest.clusters.map((c) => clusterOf(c, options.blockTimeMs))
  return {
    dir,
    clusters: [a!, b!],
    async stop() {
      await a!.stopRestarted()
      await b!.stopRestarted()
      await stop()
    },
  }
}

function clusterOf(
  cluster: LocalnetManifest['clusters'][number],
  blockTimeMs: number,
): LocalnetCluster {
  const restarted = new Map<number, CliNode>()
  const pidOf = (i: number): number | null => cluster.members[i]!.pid
  const view: LocalnetCluster = {
    network: cluster.network,
    uiUrls: cluster.members.map((m) => m.uiUrl ?? ''),
    async kill(i) {
      const node = restarted.get(i)
      if (node) {
        node.process.kill('SIGKILL')
        await exited(node.process)
        restarted.delete(i)
        return
      }
      const pid = pidOf(i)
      if (pid === null) return
      process.kill(pid, 'SIGKILL')
      await waitFor(() => (isAlive(pid) ? undefined : true), 10_000, `validator ${i} to die`)
    },
    async restart(i) {
      const member = cluster.members[i]!
      const password = (await readFile(member.passwordFile, 'utf8')).split('\n')[0]!
      restarted.set(
        i,
        await startCliNode({
          dataDir: member.dataDir,
          password,
          blockTimeMs,
          startTimeoutMs: 60_000,
        }),
      )
    },
    async call(i, channel, req) {
      const { client, close } = await connectToNode(cluster.members[i]!.dataDir)
      try {
        return await client.call(channel, req)
      } finally {
        close()
      }
    },
    async heights() {
      return Promise.all(
        cluster.members.map((_, i) =>
          view.call(i, 'node.status', {}).then(
            (s) => s.height,
            () => null,
          ),
        ),
      )
    },
    async stopRestarted() {
      for (const node of restarted.values()) await node.stop()
      restarted.clear()
    },
  }
  return view
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

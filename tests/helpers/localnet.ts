// Runs `coherence localnet` as a real process, the way a person would, and lets a test stop and
// restart single validators of it.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalnetManifest } from '../../src/main/cli/localnetCommand'
import { connectToNode } from '../../src/main/cli/rpcClient'
import type { Channel, ChannelRequest, ChannelResponse } from '../../src/shared/ipc/contract'
import { CLI, PROJECT_ROOT, startCliNode, type CliNode } from './cliNode'
import { tempDir, waitFor } from './tempDir'

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
  const dir = await tempDir('coherence-localnet-')
  const basePort = 30_000 + Math.floor(Math.random() * 10_000)
  const parent = spawn(
    process.execPath,
    [
      CLI,
      'localnet',
      '--validators',
      String(options.validators),
      '--dir',
      dir.path,
      '--base-port',
      String(basePort),
      '--block-time-ms',
      String(options.blockTimeMs),
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  parent.stdout.setEncoding('utf8')
  parent.stdout.on('data', (chunk: string) => (out += chunk))
  await waitFor(
    () => (out.includes('Ctrl-C stops all.') ? true : undefined),
    90_000,
    `localnet:\n${out}`,
  )
  const manifest = JSON.parse(
    await readFile(join(dir.path, 'localnet.json'), 'utf8'),
  ) as LocalnetManifest
  const restarted = new Map<number, CliNode>()

  const pidOf = (i: number): number | null => manifest.members[i]!.pid
  const localnet: Localnet = {
    dir: dir.path,
    manifest,
    uiUrls: manifest.members.map((m) => m.uiUrl ?? ''),
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
      const member = manifest.members[i]!
      const password = (await readFile(member.passwordFile, 'utf8')).split('\n')[0]!
      restarted.set(
        i,
        await startCliNode({
          dataDir: member.dataDir,
          password,
          blockTimeMs: options.blockTimeMs,
          startTimeoutMs: 60_000,
        }),
      )
    },
    async call(i, channel, req) {
      const { client, close } = await connectToNode(manifest.members[i]!.dataDir)
      try {
        return await client.call(channel, req)
      } finally {
        close()
      }
    },
    async heights() {
      return Promise.all(
        manifest.members.map((_, i) =>
          localnet.call(i, 'node.status', {}).then(
            (s) => s.height,
            () => null,
          ),
        ),
      )
    },
    async stop() {
      for (const node of restarted.values()) await node.stop()
      parent.kill('SIGINT')
      await exited(parent)
      await dir.remove()
    },
  }
  return localnet
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

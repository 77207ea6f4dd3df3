import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { access } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { ensurePrivateDir, writeFileAtomic } from '../files/atomicFile'
import { listenConfig } from '../host/networkSetup'
import { generateMnemonic } from '../keys/mnemonic'
import { Wallet } from '../keys/wallet'
import { dataDirLayout } from '../node/dataDir'
import {
  assembleNetwork,
  DEFAULT_NETWORK_BALANCE,
  DEFAULT_NETWORK_STAKE,
  networkFileJson,
} from '../node/p2p/networkFile'
import { intFlag, parseCommand, requiredFlag, withDataDirLock } from './common'
import { joinRequestOf } from './networkCommands'

const UI_URL_LINE = /Open the UI: (\S+)/
const START_TIMEOUT_MS = 60_000
const LOCALNET_START_DELAY_MS = 5_000

/** One validator of the local network: its data directory, ports and password file. */
export interface LocalnetMember {
  readonly name: string
  readonly dataDir: string
  readonly passwordFile: string
  readonly p2pPort: number
}

/** What `coherence localnet` writes to DIR/localnet.json for scripts and tests. */
export interface LocalnetManifest {
  readonly network: string
  readonly members: readonly (LocalnetMember & { pid: number | null; uiUrl: string | null })[]
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

function membersOf(dir: string, count: number, basePort: number): LocalnetMember[] {
  return Array.from({ length: count }, (_, i) => {
    const dataDir = join(dir, `node${i}`)
    return {
      name: `node${i}`,
      dataDir,
      passwordFile: join(dataDir, 'password'),
      p2pPort: basePort + i,
    }
  })
}

/**
 * Creates the local network once: a wallet per member (random password in its data directory,
 * mode 0600: this is a test network on one machine), its listening port on loopback, and one
 * network file with every member a validator and a seed.
 */
async function createLocalnet(dir: string, members: readonly LocalnetMember[]): Promise<void> {
  await Promise.all(
    members.map(async (m) => {
      const layout = dataDirLayout(m.dataDir)
      const password = randomBytes(16).toString('hex')
      await withDataDirLock(layout, async () => {
        await writeFileAtomic(m.passwordFile, new TextEncoder().encode(password + '\n'))
        const wallet = await Wallet.create(layout.wallet, {
          password,
          mnemonic: generateMnemonic(),
        })
        wallet.lock()
        await listenConfig(layout, { host: '127.0.0.1', port: m.p2pPort })
      })
    }),
  )
  const requests = []
  for (const m of members) {
    requests.push(await joinRequestOf(m.dataDir, m.name, `ws://127.0.0.1:${m.p2pPort}`))
  }
  const network = assembleNetwork(requests, {
    clusterId: `localnet-${randomBytes(3).toString('hex')}`,
    // Time for every process to start and connect before the first block.
    genesisTime: Date.now() + LOCALNET_START_DELAY_MS,
    stake: DEFAULT_NETWORK_STAKE,
    balance: DEFAULT_NETWORK_BALANCE,
  })
  await writeFileAtomic(
    join(dir, 'network.json'),
    new TextEncoder().encode(JSON.stringify(networkFileJson(network), null, 2) + '\n'),
  )
}

/** Starts one member as a `coherence start` process; resolves with its UI address. */
function startMember(
  cli: string,
  m: LocalnetMember,
  networkFile: string,
  blockTimeMs: number,
): Promise<{ child: ChildProcess; uiUrl: string }> {
  const child = spawn(
    process.execPath,
    [
      cli,
      'start',
      '--data-dir',
      m.dataDir,
      '--password-file',
      m.passwordFile,
      '--network',
      networkFile,
      '--rpc-port',
      '0',
      '--block-time-ms',
      String(blockTimeMs),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stderr.pipe(createWriteStream(join(m.dataDir, 'node.log'), { flags: 'a' }))
  child.stdout.setEncoding('utf8')
  return new Promise((done, fail) => {
    let out = ''
    const timer = setTimeout(
      () => fail(new Error(`${m.name} did not start in time`)),
      START_TIMEOUT_MS,
    )
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      const match = UI_URL_LINE.exec(out)
      if (match) {
        clearTimeout(timer)
        child.stdout.resume()
        done({ child, uiUrl: match[1]! })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`${m.name} exited (${code}); see ${join(m.dataDir, 'node.log')}`))
    })
  })
}

/** `coherence localnet`: N validators on loopback, one process each, until Ctrl-C. */
export async function localnetCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    validators: { type: 'string' },
    dir: { type: 'string' },
    'base-port': { type: 'string' },
    'block-time-ms': { type: 'string' },
  })
  const dir = resolve(requiredFlag(values.dir, '--dir'))
  const count = intFlag(values.validators, '--validators', 4, 1, 64)
  const basePort = intFlag(values['base-port'], '--base-port', 26700, 1024, 65000)
  const blockTimeMs = intFlag(values['block-time-ms'], '--block-time-ms', 1000, 10, 600_000)
  const members = membersOf(dir, count, basePort)
  const networkFile = join(dir, 'network.json')
  await ensurePrivateDir(dir)
  if (await exists(networkFile)) {
    console.log(`Restarting the local network in ${dir}`)
  } else {
    console.log(`Creating a local network of ${count} validators in ${dir}`)
    await createLocalnet(dir, members)
  }
  const cli = process.argv[1]!
  const running = await Promise.allSettled(
    members.map((m) => startMember(cli, m, networkFile, blockTimeMs)),
  )
  const manifest: LocalnetManifest = {
    network: networkFile,
    members: members.map((m, i) => {
      const r = running[i]!
      return r.status === 'fulfilled'
        ? { ...m, pid: r.value.child.pid ?? null, uiUrl: r.value.uiUrl }
        : { ...m, pid: null, uiUrl: null }
    }),
  }
  await writeFileAtomic(
    join(dir, 'localnet.json'),
    new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'),
  )
  const children: ChildProcess[] = []
  let stopping = false
  running.forEach((r, i) => {
    const m = members[i]!
    if (r.status === 'rejected') {
      console.log(`${m.name}: failed to start: ${(r.reason as Error).message}`)
      return
    }
    children.push(r.value.child)
    console.log(`${m.name}: ${r.value.uiUrl} (pid ${r.value.child.pid}, peers on ${m.p2pPort})`)
    r.value.child.once('exit', (code, signal) => {
      if (!stopping) console.log(`${m.name} exited (${code ?? signal})`)
    })
  })
  console.log('Ctrl-C stops all.')
  await new Promise<void>((done) => {
    const stop = (): void => {
      stopping = true
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      const alive = children.filter((c) => c.exitCode === null && c.signalCode === null)
      if (alive.length === 0) return done()
      let left = alive.length
      for (const c of alive) {
        c.once('exit', () => --left === 0 && done())
        c.kill('SIGTERM')
      }
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return 0
}

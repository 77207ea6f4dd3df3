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
import { setBridgeListen, setBridgeRemote } from '../host/bridgeSetup'
import { parseNetworkFile } from '../node/p2p/networkFile'
import { approveConnection, DEFAULT_FLOW_CAP, DEFAULT_FLOW_WINDOW } from './bridgeCommands'
import { intFlag, parseCommand, readJsonFile, requiredFlag, withDataDirLock } from './common'
import { DEFAULT_FEE, units, withNode } from './exchangeCommands'
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
  /** Where it serves its chain to the other cluster's relayers (two clusters only). */
  readonly bridgePort: number | null
}

type RunningMember = LocalnetMember & { pid: number | null; uiUrl: string | null }

/** One cluster of a local network: its network file and members. */
export interface LocalnetCluster {
  readonly network: string
  readonly members: readonly RunningMember[]
}

/**
 * What `coherence localnet` writes to DIR/localnet.json for scripts and tests: the first
 * cluster's network and members, and with two clusters, each of them.
 */
export interface LocalnetManifest extends LocalnetCluster {
  readonly clusters: readonly LocalnetCluster[]
}

/** A cluster of the local network before it runs. */
interface ClusterPlan {
  readonly dir: string
  readonly networkFile: string
  readonly members: readonly LocalnetMember[]
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

/** Ports of cluster c: peers from basePort + 100·c, bridge endpoints 50 above. */
function planCluster(dir: string, count: number, basePort: number, bridged: boolean): ClusterPlan {
  const members = Array.from({ length: count }, (_, i) => {
    const dataDir = join(dir, `node${i}`)
    return {
      name: `node${i}`,
      dataDir,
      passwordFile: join(dataDir, 'password'),
      p2pPort: basePort + i,
      bridgePort: bridged ? basePort + 50 + i : null,
    }
  })
  return { dir, networkFile: join(dir, 'network.json'), members }
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

/**
 * Joins two new clusters by a bridge: every member serves its chain on its bridge port, and the
 * first member of each cluster relays the other one from all of that cluster's endpoints.
 */
async function planBridge(clusters: readonly ClusterPlan[]): Promise<void> {
  for (const [c, cluster] of clusters.entries()) {
    const other = clusters[1 - c]!
    const remote = parseNetworkFile(await readJsonFile(other.networkFile)).genesis.clusterId
    const urls = other.members.map((m) => `ws://127.0.0.1:${m.bridgePort}`)
    for (const [i, m] of cluster.members.entries()) {
      const layout = dataDirLayout(m.dataDir)
      await setBridgeListen(layout, { host: '127.0.0.1', port: m.bridgePort! })
      if (i === 0) await setBridgeRemote(layout, remote, urls)
    }
  }
}

/** Every member of each cluster approves the connection to the other (first start only). */
async function approveConnections(
  clusters: readonly ClusterPlan[],
  flowCap: string,
  flowWindow: number,
): Promise<void> {
  for (const [c, cluster] of clusters.entries()) {
    const other = clusters[1 - c]!
    for (const m of cluster.members) {
      await withNode(m.dataDir, async (client) => {
        try {
          await approveConnection(client, {
            networkFile: other.networkFile,
            urls: [],
            flowCap,
            flowWindow,
            index: 0,
            fee: units(DEFAULT_FEE, '--fee'),
            passwordFile: m.passwordFile,
          })
        } catch (err) {
          // The approvals before this one already opened it.
          if ((err as { code?: string }).code !== 'ERR_BRIDGE_ALREADY_CONNECTED') throw err
        }
      })
    }
  }
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
    clusters: { type: 'string' },
    dir: { type: 'string' },
    'base-port': { type: 'string' },
    'block-time-ms': { type: 'string' },
    'flow-cap': { type: 'string' },
    'flow-window': { type: 'string' },
  })
  const dir = resolve(requiredFlag(values.dir, '--dir'))
  const count = intFlag(values.validators, '--validators', 4, 1, 64)
  const clusterCount = intFlag(values.clusters, '--clusters', 1, 1, 2)
  const basePort = intFlag(values['base-port'], '--base-port', 26700, 1024, 65000)
  const blockTimeMs = intFlag(values['block-time-ms'], '--block-time-ms', 1000, 10, 600_000)
  const flowCap = units(values['flow-cap'] ?? DEFAULT_FLOW_CAP, '--flow-cap')
  const flowWindow = intFlag(
    values['flow-window'],
    '--flow-window',
    DEFAULT_FLOW_WINDOW,
    1,
    100_000,
  )
  const bridged = clusterCount === 2
  const plans = Array.from({ length: clusterCount }, (_, c) =>
    planCluster(bridged ? join(dir, `cluster${c}`) : dir, count, basePort + 100 * c, bridged),
  )
  await ensurePrivateDir(dir)
  const fresh = !(await exists(plans[0]!.networkFile))
  if (fresh) {
    console.log(
      `Creating ${clusterCount === 1 ? 'a local network' : 'two local clusters'} of ${count} validators in ${dir}`,
    )
    for (const plan of plans) {
      await ensurePrivateDir(plan.dir)
      await createLocalnet(plan.dir, plan.members)
    }
    if (bridged) await planBridge(plans)
  } else {
    console.log(`Restarting the local network in ${dir}`)
  }
  const cli = process.argv[1]!
  let stopping = false
  const started = await Promise.all(
    plans.map((plan) => startCluster(cli, plan, blockTimeMs, () => stopping)),
  )
  const clusters = started.map((s) => s.cluster)
  const manifest: LocalnetManifest = { ...clusters[0]!, clusters }
  await writeFileAtomic(
    join(dir, 'localnet.json'),
    new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'),
  )
  const children = started.flatMap((s) => s.children)
  if (fresh && bridged) {
    await approveConnections(plans, flowCap, flowWindow)
    console.log('Both clusters approved the bridge: it opens with their next blocks.')
  }
  console.log('Ctrl-C stops all.')
  await untilStopped(children, () => {
    stopping = true
  })
  return 0
}

/** Starts every member of a cluster; reports each one's address or why it failed. */
async function startCluster(
  cli: string,
  plan: ClusterPlan,
  blockTimeMs: number,
  isStopping: () => boolean,
): Promise<{ cluster: LocalnetCluster; children: ChildProcess[] }> {
  const running = await Promise.allSettled(
    plan.members.map((m) => startMember(cli, m, plan.networkFile, blockTimeMs)),
  )
  const children: ChildProcess[] = []
  const members = plan.members.map((m, i): RunningMember => {
    const r = running[i]!
    if (r.status === 'rejected') {
      console.log(`${m.name}: failed to start: ${(r.reason as Error).message}`)
      return { ...m, pid: null, uiUrl: null }
    }
    children.push(r.value.child)
    const bridge = m.bridgePort === null ? '' : `, bridge on ${m.bridgePort}`
    console.log(
      `${m.name}: ${r.value.uiUrl} (pid ${r.value.child.pid}, peers on ${m.p2pPort}${bridge})`,
    )
    r.value.child.once('exit', (code, signal) => {
      if (!isStopping()) console.log(`${m.name} exited (${code ?? signal})`)
    })
    return { ...m, pid: r.value.child.pid ?? null, uiUrl: r.value.uiUrl }
  })
  return { cluster: { network: plan.networkFile, members }, children }
}

/** Waits for Ctrl-C (or SIGTERM), then stops every child and waits for them. */
function untilStopped(children: readonly ChildProcess[], onStop: () => void): Promise<void> {
  return new Promise<void>((done) => {
    const stop = (): void => {
      onStop()
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
}

import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultHeadlessDataDir } from '../node/dataDir'
import { createJsonLogger } from '../node/logger'
import { runHeadless } from '../headless/runHeadless'
import { intFlag, parseFlags } from './args'
import { connectToNode } from './rpcClient'

export const USAGE = `Usage: coherence <command> [options]

Commands:
  start    Run the node headless; serves the UI and RPC on 127.0.0.1
           --data-dir DIR        where the node keeps its data (default ~/.coherence)
           --rpc-port N          port for the UI and RPC (default 0: any free port)
           --block-time-ms N     time between blocks in milliseconds (default 1000)
  status   Ask the running node for its status
           --data-dir DIR        data directory of the running node (default ~/.coherence)
           --json                print one JSON object
  help     Show this text`

/** The built UI, next to the built CLI (out/renderer beside out/main). */
function builtUiDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', 'renderer')
}

export async function startCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    'data-dir': { type: 'string' },
    'rpc-port': { type: 'string' },
    'block-time-ms': { type: 'string' },
  })
  const dataDir = resolve(values['data-dir'] ?? defaultHeadlessDataDir())
  const rpcPort = intFlag(values['rpc-port'], 'rpc-port', 0, 0, 65535)
  const blockTimeMs = intFlag(values['block-time-ms'], 'block-time-ms', 1000, 10, 600_000)
  const logger = createJsonLogger({ level: 'info' })
  const running = await runHeadless({
    dataDir,
    rpcPort,
    blockTimeMs,
    staticDir: builtUiDir(),
    logger,
  })
  const status = running.node.status()
  console.log(
    `Coherence node running headless: cluster ${status.clusterId}, height ${status.height}`,
  )
  console.log(`Data directory: ${dataDir}`)
  console.log(`Open the UI: ${running.uiUrl}`)
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void running.stop().then(done)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return 0
}

export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  })
  const dataDir = resolve(values['data-dir'] ?? defaultHeadlessDataDir())
  const { client, close } = await connectToNode(dataDir)
  try {
    const status = await client.call('node.status', {})
    if (values.json) {
      console.log(JSON.stringify(status))
    } else {
      console.log(`cluster     ${status.clusterId}`)
      console.log(`height      ${status.height}`)
      console.log(
        `last block  ${status.latestBlockHash} at ${new Date(status.latestBlockTime).toISOString()}`,
      )
      console.log(`validator   ${status.validatorAddress}`)
      console.log(`account     ${status.accountAddress}`)
    }
    return 0
  } finally {
    close()
  }
}

export function helpCommand(): number {
  console.log(USAGE)
  return 0
}

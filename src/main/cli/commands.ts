import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createJsonLogger } from '../node/logger'
import { runHeadless } from '../headless/runHeadless'
import { setBridgeListen } from '../host/bridgeSetup'
import { dataDirLayout } from '../node/dataDir'
import { dataDirOf, intFlag, parseCommand, readJsonFile, walletPassword } from './common'
import { readSecret } from './prompt'
import { connectToNode } from './rpcClient'

export const USAGE = `Usage: coherence <command> [options]

Commands:
  start    Run the node headless; serves the UI and RPC on 127.0.0.1
           --data-dir DIR        where the node keeps its data (default ~/.coherence)
           --rpc-port N          port for the UI and RPC (default 0: any free port)
           --block-time-ms N     time between blocks in milliseconds (default 1000)
           --password-file F     unlock the wallet at start (else unlock it in the UI)
           --network FILE        join the network in FILE (kept in DIR for later starts)
           --p2p-host HOST       listen for peers on HOST (default 0.0.0.0; kept)
           --p2p-port N          listen for peers on port N (default 26656; kept)
           --external-url URL    the ws://host:port other nodes dial (kept)
           --metrics-port N      serve Prometheus metrics at http://127.0.0.1:N/metrics
           --bridge-port N       serve this chain to other clusters' relayers on port N (kept)
           --bridge-host HOST    ... on HOST (default 0.0.0.0; kept)
  status   Ask the running node for its status and its KPIs
           --data-dir DIR        data directory of the running node (default ~/.coherence)
           --json                print one JSON object
  keys     The wallet in DIR/wallet. Secrets come from the first line of the named file, else
           from a prompt on the terminal, never from the command line. Commands that unlock or
           change the wallet need the node on DIR stopped. DIR defaults to ~/.coherence.
           new [--data-dir DIR] [--password-file F]
               create a wallet with a new 24-word mnemonic, shown once
           import-mnemonic [--data-dir DIR] [--mnemonic-file F] [--passphrase-file F]
                           [--password-file F]
               restore a wallet from its mnemonic (and BIP39 passphrase, if any)
           import-keystore FILE [--data-dir DIR] [--keystore-password-file F] [--password-file F]
               add an EIP-2335 keystore's key as an account (creates a wallet if none)
           list [--data-dir DIR] [--json]
               the accounts: index, label, kind, path, public key, address
           export ACCOUNT --out FILE [--data-dir DIR] [--password-file F]
                          [--export-password-file F]
               write an account's key as an EIP-2335 keystore (mode 0600)
           sign-tx UNSIGNED --out SIGNED [--data-dir DIR] [--password-file F] [--yes]
               show a transaction file, ask, and sign it; never contacts a node
           inspect-keystore FILE [--show-secret] [--password-file F] [--json]
               a keystore's path, pubkey, uuid, description, kdf (and secret, with its password)
           derive --path PATH [--data-dir DIR] [--password-file F] [--json]
               the public key at a hardened SLIP-0010 path of the wallet's seed
  tx       Transactions through the node running on DIR
           build-transfer --account N --to ADDRESS --token CHR|PSY|FLX --amount DECIMAL
                          --out FILE [--fee DECIMAL (default 0.001)] [--data-dir DIR]
               an unsigned transfer from a wallet account, with the node's cluster and nonce
           broadcast FILE [--data-dir DIR]
               send a signed transaction file to the node; prints its hash
           send --to ADDRESS --token TOKEN --amount DECIMAL [--account N] [--fee DECIMAL]
                [--password-file F] [--data-dir DIR] [--json]
               send tokens from a wallet account; the node's wallet signs after the password
           swap --in TOKEN --out TOKEN (--amount-in DECIMAL | --amount-out DECIMAL)
                [--slippage-bps N (default 50)] [--deadline-blocks N (default 20)]
                [--account N] [--fee DECIMAL] [--password-file F] [--data-dir DIR] [--json]
               swap through the pool at the current quote, within the slippage tolerance
           stake --amount DECIMAL [--validator PUBKEY_HEX (default: this node's consensus key)]
                 [--account N] [--fee DECIMAL] [--password-file F] [--data-dir DIR] [--json]
               bond CHR to a validator key: its voting power from two blocks after it commits
           unstake --amount DECIMAL [--validator PUBKEY_HEX] [--account N] [--fee DECIMAL]
                   [--password-file F] [--data-dir DIR] [--json]
               unbond CHR you staked; it returns after the unbonding period
  pool     The Coherence Economy Engine's pool on the node running on DIR
           show [--account N] [--data-dir DIR] [--json]
               reserves, weights, swap fee, value per share (and the account's position)
           quote --in TOKEN --out TOKEN (--amount-in DECIMAL | --amount-out DECIMAL)
                 [--slippage-bps N] [--data-dir DIR] [--json]
               what a swap would give now, its price impact and minimum received
  staking  Stakes and validators of the node running on DIR
           show [--data-dir DIR] [--json]
               every stake (owner, amount, in the set or not) and the unbonding queue
  network  Validator networks
           join-request --out FILE [--name NAME] [--external-url ws://HOST:PORT] [--data-dir DIR]
               this wallet's public keys and account, for whoever assembles the network
           create --join FILE [--join FILE …] --cluster-id ID --out FILE [--stake CHR]
                  [--balance AMOUNT]
               a network file: genesis with every requester a validator, and seed addresses
           show [--data-dir DIR] [--json]
               peers, sync progress and consensus state of the node running on DIR
  bridge   Connected clusters, through the node running on DIR
           show [--data-dir DIR] [--json]
               connections (verified height, KPIs, governor allowance, queues) and transfers
           connect --network FILE [--relay-url ws://HOST:PORT …] [--flow-cap DECIMAL]
                   [--flow-window BLOCKS] [--account N] [--password-file F] [--data-dir DIR]
               this validator owner's approval of a connection to that network's cluster; it
               opens once owners of more than 2/3 of the stake approved; with --relay-url the
               node also relays that cluster from those bridge endpoints
           send --cluster ID --to ADDRESS --token TOKEN --amount DECIMAL
                [--timeout-blocks N (default 1000)] [--account N] [--password-file F]
               send tokens to an address on a connected cluster (refunded if not received in time)
  localnet Run a whole network on this machine, one process per validator, until Ctrl-C
           --dir DIR [--validators N (default 4)] [--clusters 1|2] [--base-port P (default 26700)]
           [--block-time-ms N] [--flow-cap DECIMAL] [--flow-window BLOCKS]
               creates DIR on first use (wallets, network file) and prints each UI address;
               with --clusters 2, two clusters joined by a bridge (DIR/cluster0, DIR/cluster1)
  help     Show this text`

/** The built UI, next to the built CLI (out/renderer beside out/main). */
function builtUiDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', 'renderer')
}

export async function startCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    'rpc-port': { type: 'string' },
    'block-time-ms': { type: 'string' },
    'password-file': { type: 'string' },
    network: { type: 'string' },
    'p2p-host': { type: 'string' },
    'p2p-port': { type: 'string' },
    'external-url': { type: 'string' },
    'metrics-port': { type: 'string' },
    'bridge-host': { type: 'string' },
    'bridge-port': { type: 'string' },
  })
  const dataDir = dataDirOf(values).root
  if (values['bridge-port'] !== undefined) {
    // Kept in bridge.json, so later starts serve the bridge on the same address.
    await setBridgeListen(dataDirLayout(dataDir), {
      host: values['bridge-host'] ?? '0.0.0.0',
      port: intFlag(values['bridge-port'], '--bridge-port', 0, 1, 65535),
    })
  }
  const listen = {
    ...(values['p2p-host'] === undefined ? {} : { host: values['p2p-host'] }),
    ...(values['p2p-port'] === undefined
      ? {}
      : { port: intFlag(values['p2p-port'], '--p2p-port', 0, 0, 65535) }),
    ...(values['external-url'] === undefined ? {} : { externalUrl: values['external-url'] }),
  }
  const rpcPort = intFlag(values['rpc-port'], '--rpc-port', 0, 0, 65535)
  const blockTimeMs = intFlag(values['block-time-ms'], '--block-time-ms', 1000, 10, 600_000)
  const passwordFile = values['password-file']
  const logger = createJsonLogger({ level: 'info' })
  const running = await runHeadless({
    dataDir,
    rpcPort,
    blockTimeMs,
    staticDir: builtUiDir(),
    logger,
    listen,
    ...(values['metrics-port'] === undefined
      ? {}
      : { metricsPort: intFlag(values['metrics-port'], '--metrics-port', 0, 0, 65535) }),
    ...(values.network === undefined ? {} : { network: await readJsonFile(values.network) }),
    ...(passwordFile === undefined
      ? {}
      : { password: await readSecret(walletPassword(passwordFile)) }),
  })
  const { wallet } = running.host.status()
  if (wallet === 'none') {
    console.log('No wallet yet: create or import one in the UI, and the node starts.')
  } else if (wallet === 'locked') {
    console.log('The wallet is locked: unlock it in the UI (or use --password-file) to start.')
  } else {
    const status = running.host.requireNode().status()
    console.log(
      `Coherence node running headless: cluster ${status.clusterId}, height ${status.height}`,
    )
  }
  console.log(`Data directory: ${dataDir}`)
  if (running.metricsUrl) console.log(`Prometheus metrics: ${running.metricsUrl}`)
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
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  })
  const dataDir = dataDirOf(values).root
  const { client, close } = await connectToNode(dataDir)
  try {
    const [status, kpis] = await Promise.all([
      client.call('node.status', {}),
      client.call('monitor.kpis', {}),
    ])
    if (values.json) {
      console.log(JSON.stringify({ ...status, kpis }))
    } else {
      console.log(`cluster     ${status.clusterId}`)
      console.log(`height      ${status.height}`)
      console.log(
        `last block  ${status.latestBlockHash} at ${new Date(status.latestBlockTime).toISOString()}`,
      )
      console.log(`validator   ${status.validatorAddress}`)
      console.log(`account     ${status.accountAddress}`)
      for (const [name, kpi] of [
        ['coherence  ', kpis.coherenceScore],
        ['entropy    ', kpis.entropyRate],
        ['H_internal ', kpis.hInternal],
        ['CAF        ', kpis.caf],
      ] as const) {
        const shown =
          kpi.value === null
            ? `not enough data: ${kpi.reason ?? 'no value'} (${kpi.samples} samples)`
            : `${kpi.value.toFixed(5)} (target ${kpi.target}, ${kpi.met ? 'met' : 'NOT met'}, ${kpi.samples} samples)`
        console.log(`${name} ${shown}`)
      }
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

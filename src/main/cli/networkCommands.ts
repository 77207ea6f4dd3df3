import { resolve } from 'node:path'
import { parseAmount } from '../../shared/amount'
import {
  assembleNetwork,
  buildJoinRequest,
  DEFAULT_NETWORK_BALANCE,
  DEFAULT_NETWORK_STAKE,
  networkFileJson,
  parseJoinRequest,
  type JoinRequest,
} from '../node/p2p/networkFile'
import {
  dataDirOf,
  parseCommand,
  readJsonFile,
  requiredFlag,
  withSubcommands,
  withWallet,
  writeNewFile,
} from './common'
import { CliError, connectToNode } from './rpcClient'

function amountFlag(value: string | undefined, flag: string, fallback: bigint): bigint {
  if (value === undefined) return fallback
  const amount = parseAmount(value)
  if (amount === null || amount <= 0n) {
    throw new CliError('ERR_USAGE', `${flag} must be a positive decimal amount`)
  }
  return amount
}

/** The join request of the wallet in DIR: public keys and the funded account, no secret. */
export async function joinRequestOf(
  dataDir: string,
  name: string,
  peerUrl: string | null,
): Promise<JoinRequest> {
  return withWallet(dataDirOf({ 'data-dir': dataDir }), (wallet) =>
    Promise.resolve(
      buildJoinRequest({
        name,
        consensusPublicKey: wallet.publicKey('consensus', 0),
        identityPublicKey: wallet.publicKey('identity', 0),
        accountPublicKey: wallet.publicKey('account', 0),
        peerUrl,
      }),
    ),
  )
}

async function joinRequestCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    'external-url': { type: 'string' },
  })
  const out = resolve(requiredFlag(values.out, '--out'))
  const request = await joinRequestOf(
    dataDirOf(values).root,
    values.name ?? 'validator',
    values['external-url'] ?? null,
  )
  await writeNewFile(out, JSON.stringify(request, null, 2) + '\n', 0o644)
  console.log(`Join request written to ${out}; send it to whoever assembles the network.`)
  return 0
}

async function createCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    join: { type: 'string', multiple: true },
    'cluster-id': { type: 'string' },
    out: { type: 'string' },
    stake: { type: 'string' },
    balance: { type: 'string' },
  })
  const files = values.join ?? []
  if (files.length === 0) throw new CliError('ERR_USAGE', 'give at least one --join FILE')
  const requests = await Promise.all(
    files.map(async (f) => parseJoinRequest(await readJsonFile(f))),
  )
  const network = assembleNetwork(requests, {
    clusterId: requiredFlag(values['cluster-id'], '--cluster-id'),
    genesisTime: Date.now(),
    stake: amountFlag(values.stake, '--stake', DEFAULT_NETWORK_STAKE),
    balance: amountFlag(values.balance, '--balance', DEFAULT_NETWORK_BALANCE),
  })
  const out = resolve(requiredFlag(values.out, '--out'))
  await writeNewFile(out, JSON.stringify(networkFileJson(network), null, 2) + '\n', 0o644)
  console.log(
    `Network ${network.genesis.clusterId} with ${requests.length} validators written to ${out}; ` +
      'each member starts with `coherence start --network FILE`.',
  )
  return 0
}

async function showCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  })
  const { client, close } = await connectToNode(dataDirOf(values).root)
  try {
    const [network, consensus] = await Promise.all([
      client.call('node.network', {}),
      client.call('node.consensus', {}),
    ])
    if (values.json) {
      console.log(JSON.stringify({ network, consensus }))
      return 0
    }
    console.log(`node        ${network.id}`)
    console.log(`listening   ${network.listenUrl ?? '(not listening)'}`)
    const { sync } = network
    console.log(
      `sync        ${sync.syncing ? 'syncing' : 'following'} ${sync.height}/${sync.target}`,
    )
    console.log(`consensus   height ${consensus.height} round ${consensus.round} ${consensus.step}`)
    console.log(`validators  ${consensus.validators.length}`)
    console.log(`peers       ${network.peers.length} (${network.knownAddresses} known addresses)`)
    for (const p of network.peers) {
      console.log(
        `  ${p.id.slice(0, 16)} ${p.direction.padEnd(8)} ${p.url ?? '-'} ` +
          `height ${p.height} latency ${p.latencyMs ?? '-'} ms score ${p.score}`,
      )
    }
    return 0
  } finally {
    close()
  }
}

export const networkCommand = withSubcommands('network', {
  'join-request': joinRequestCommand,
  create: createCommand,
  show: showCommand,
})

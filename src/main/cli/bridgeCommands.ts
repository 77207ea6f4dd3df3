// The bridge from the command line, against the running node: connection approvals and
// cross-cluster sends are signed by the node's wallet after the password, like every spend.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { isAddress } from '../../shared/address'
import { formatAmount } from '../../shared/amount'
import type { ActionReviewDto, BridgeInfo } from '../../shared/ipc/contract'
import type { IpcClient } from '../../shared/ipc/client'
import { TOKENS } from '../../shared/tokens'
import {
  accountIndex,
  dataDirOf,
  intFlag,
  parseCommand,
  requiredFlag,
  withSubcommands,
} from './common'
import { DEFAULT_FEE, print, submit, token, units, withNode } from './exchangeCommands'
import { CliError } from './rpcClient'

/** Blocks of the destination a transfer has to arrive in before it is refunded, by default. */
export const DEFAULT_TIMEOUT_BLOCKS = 1_000
/** The governor's defaults: a cap per token per window of blocks. */
export const DEFAULT_FLOW_CAP = '1000000'
export const DEFAULT_FLOW_WINDOW = 100

const COMMON = {
  'data-dir': { type: 'string' },
  account: { type: 'string' },
  fee: { type: 'string' },
  'password-file': { type: 'string' },
  json: { type: 'boolean' },
} as const

/** Approves a connection to the cluster of `networkFile` with wallet account `index`. */
export async function approveConnection(
  client: IpcClient,
  opts: {
    networkFile: string
    urls: readonly string[]
    flowCap: string
    flowWindow: number
    index: number
    fee: string
    passwordFile: string | undefined
  },
): Promise<{ hash: string; cluster: string }> {
  const file = await readFile(opts.networkFile, 'utf8')
  const { cluster, action } = await client.call('bridge.prepareConnect', {
    file,
    urls: [...opts.urls],
    flowCap: opts.flowCap,
    flowWindow: opts.flowWindow,
  })
  const hash = await submit(client, opts.index, action, opts.fee, opts.passwordFile)
  return { hash, cluster }
}

/** `coherence bridge connect --network FILE [--relay-url URL]…`: this validator's approval. */
async function connectCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...COMMON,
    network: { type: 'string' },
    'relay-url': { type: 'string', multiple: true },
    'flow-cap': { type: 'string' },
    'flow-window': { type: 'string' },
  })
  const result = await withNode(dataDirOf(values).root, (client) =>
    approveConnection(client, {
      networkFile: resolve(requiredFlag(values.network, '--network')),
      urls: values['relay-url'] ?? [],
      flowCap: units(values['flow-cap'] ?? DEFAULT_FLOW_CAP, '--flow-cap'),
      flowWindow: intFlag(values['flow-window'], '--flow-window', DEFAULT_FLOW_WINDOW, 1, 100_000),
      index: accountIndex(values.account ?? '0', '--account'),
      fee: units(values.fee ?? DEFAULT_FEE, '--fee'),
      passwordFile: values['password-file'],
    }),
  )
  print(
    values.json === true,
    result,
    `submitted ${result.hash} (approve a connection to ${result.cluster})`,
  )
  return 0
}

/** `coherence bridge send --cluster ID --to ADDRESS --token T --amount N`. */
async function sendCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...COMMON,
    cluster: { type: 'string' },
    to: { type: 'string' },
    token: { type: 'string' },
    amount: { type: 'string' },
    'timeout-blocks': { type: 'string' },
  })
  const cluster = requiredFlag(values.cluster, '--cluster')
  const to = requiredFlag(values.to, '--to')
  if (!isAddress(to)) throw new CliError('ERR_USAGE', '--to must be a coh1… address')
  const symbol = token(values.token, '--token')
  const amount = units(requiredFlag(values.amount, '--amount'), '--amount')
  const blocks = intFlag(
    values['timeout-blocks'],
    '--timeout-blocks',
    DEFAULT_TIMEOUT_BLOCKS,
    1,
    10_000_000,
  )
  const hash = await withNode(dataDirOf(values).root, async (client) => {
    const info = await client.call('bridge.info', {})
    const connection = info.connections.find((c) => c.cluster === cluster)
    if (!connection)
      throw new CliError('ERR_USAGE', `this node's cluster is not connected to ${cluster}`)
    const action: ActionReviewDto = {
      kind: 'bridgeSend',
      cluster,
      to,
      token: symbol,
      amount,
      // Counted from the destination's latest height this chain verified.
      timeoutHeight: connection.trustedHeight + blocks,
    }
    return submit(
      client,
      accountIndex(values.account ?? '0', '--account'),
      action,
      units(values.fee ?? DEFAULT_FEE, '--fee'),
      values['password-file'],
    )
  })
  print(values.json === true, { hash }, `submitted ${hash}`)
  return 0
}

function amounts(b: { CHR: string; PSY: string; FLX: string }): string {
  return TOKENS.map((t) => `${formatAmount(BigInt(b[t]))} ${t}`).join(', ')
}

/** The bridge as a person reads it. */
function bridgeText(info: BridgeInfo): string {
  const lines = [
    `cluster   ${info.clusterId} at height ${info.height}`,
    `endpoint  ${info.endpoint ?? 'none'}`,
    `relayer   ${info.relayer.address} (${formatAmount(BigInt(info.relayer.flx))} FLX for fees)`,
    '',
  ]
  for (const c of info.connections) {
    lines.push(
      `${c.cluster}: verified to height ${c.trustedHeight}${c.frozen ? ' (FROZEN: fork evidence)' : ''}`,
      `  coherence ${ratio(c.coherenceScore)}, entropy ${ratio(c.entropyRate)} over ${c.psiSamples} Ψ`,
      `  allowance per ${c.flowWindow} blocks: ${amounts(c.allowance)} (accepted ${amounts(c.accepted)})`,
      `  in flight ${c.inFlight} (escrow ${amounts(c.escrow)}), queued ${c.queued}`,
    )
  }
  for (const p of info.proposals) lines.push(`proposed: ${p.cluster} (${p.approvals} approvals)`)
  lines.push('', 'transfers (newest first)')
  for (const t of info.transfers.slice(0, 20)) {
    lines.push(
      `  ${t.direction} #${t.sequence} ${t.cluster}: ${formatAmount(BigInt(t.amount))} ${t.token} → ${t.recipient}: ${t.state}`,
    )
  }
  return lines.join('\n')
}

function ratio(units: string | null): string {
  return units === null ? 'n/a' : (Number(BigInt(units)) / 1e18).toFixed(4)
}

/** `coherence bridge show`. */
async function showCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  })
  const info = await withNode(dataDirOf(values).root, (c) => c.call('bridge.info', {}))
  print(values.json === true, info, bridgeText(info))
  return 0
}

export const bridgeCommand = withSubcommands('bridge', {
  show: showCommand,
  connect: connectCommand,
  send: sendCommand,
})

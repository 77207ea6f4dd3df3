// Spending and the pool from the command line, against the running node: the node's wallet signs
// (after the password, which is the confirmation of the spend), exactly as the UI's do.
import { parseAmount } from '../../shared/amount'
import { isAddress } from '../../shared/address'
import type { ActionReviewDto, ChannelRequest } from '../../shared/ipc/contract'
import { TOKENS, type Token } from '../../shared/tokens'
import {
  accountIndex,
  dataDirOf,
  intFlag,
  parseCommand,
  requiredFlag,
  walletPassword,
} from './common'
import { readSecret } from './prompt'
import { CliError, connectToNode } from './rpcClient'
import type { IpcClient } from '../../shared/ipc/client'

export const DEFAULT_FEE = '0.001'
const DEFAULT_SLIPPAGE_BPS = 50
const DEFAULT_DEADLINE_BLOCKS = 20

export function units(text: string, flag: string): string {
  const value = parseAmount(text)
  if (value === null) throw new CliError('ERR_USAGE', `${flag} must be a decimal amount like 1.5`)
  return value.toString()
}

export function token(text: string | undefined, flag: string): Token {
  const t = requiredFlag(text, flag).toUpperCase()
  if (!(TOKENS as readonly string[]).includes(t)) {
    throw new CliError('ERR_USAGE', `${flag} must be one of ${TOKENS.join(', ')}`)
  }
  return t as Token
}

export async function withNode<T>(
  dataDir: string,
  use: (client: IpcClient) => Promise<T>,
): Promise<T> {
  const { client, close } = await connectToNode(dataDir)
  try {
    return await use(client)
  } finally {
    close()
  }
}

export function print(json: boolean, value: object, text: string): void {
  console.log(json ? JSON.stringify(value) : text)
}

/** The swap a pair of --amount-in / --amount-out flags asks for. */
function swapRequest(values: {
  in?: string
  out?: string
  'amount-in'?: string
  'amount-out'?: string
  'slippage-bps'?: string
}): ChannelRequest<'pool.quote'> {
  const amountIn = values['amount-in']
  const amountOut = values['amount-out']
  if ((amountIn === undefined) === (amountOut === undefined)) {
    throw new CliError('ERR_USAGE', 'give exactly one of --amount-in and --amount-out')
  }
  const tokenIn = token(values.in, '--in')
  const tokenOut = token(values.out, '--out')
  if (tokenIn === tokenOut) throw new CliError('ERR_USAGE', '--in and --out must differ')
  return {
    tokenIn,
    tokenOut,
    exactOut: amountOut !== undefined,
    amount:
      amountOut !== undefined ? units(amountOut, '--amount-out') : units(amountIn!, '--amount-in'),
    slippageBps: intFlag(values['slippage-bps'], '--slippage-bps', DEFAULT_SLIPPAGE_BPS, 0, 5000),
  }
}

const SWAP_FLAGS = {
  'data-dir': { type: 'string' },
  in: { type: 'string' },
  out: { type: 'string' },
  'amount-in': { type: 'string' },
  'amount-out': { type: 'string' },
  'slippage-bps': { type: 'string' },
  json: { type: 'boolean' },
} as const

/** Signs `action` with a wallet account in the node after the password, and submits it. */
export async function submit(
  client: IpcClient,
  index: number,
  action: ActionReviewDto,
  fee: string,
  passwordFile: string | undefined,
): Promise<string> {
  const password = await readSecret(walletPassword(passwordFile))
  const { hash } = await client.call('wallet.submit', { index, action, fee, password })
  return hash
}

/** `coherence tx send`: a transfer from a wallet account. */
export async function sendCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    account: { type: 'string' },
    to: { type: 'string' },
    token: { type: 'string' },
    amount: { type: 'string' },
    fee: { type: 'string' },
    'password-file': { type: 'string' },
    json: { type: 'boolean' },
  })
  const index = accountIndex(values.account ?? '0', '--account')
  const to = requiredFlag(values.to, '--to')
  if (!isAddress(to)) throw new CliError('ERR_USAGE', '--to must be a coh1… address')
  const action: ActionReviewDto = {
    kind: 'transfer',
    to,
    token: token(values.token, '--token'),
    amount: units(requiredFlag(values.amount, '--amount'), '--amount'),
  }
  const fee = units(values.fee ?? DEFAULT_FEE, '--fee')
  const hash = await withNode(dataDirOf(values).root, (c) =>
    submit(c, index, action, fee, values['password-file']),
  )
  print(values.json === true, { hash }, `submitted ${hash}`)
  return 0
}

/** `coherence tx swap`: a swap at the current quote, limited by the slippage tolerance. */
export async function swapCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...SWAP_FLAGS,
    account: { type: 'string' },
    fee: { type: 'string' },
    'deadline-blocks': { type: 'string' },
    'password-file': { type: 'string' },
  })
  const index = accountIndex(values.account ?? '0', '--account')
  const request = swapRequest(values)
  const fee = units(values.fee ?? DEFAULT_FEE, '--fee')
  const blocks = intFlag(
    values['deadline-blocks'],
    '--deadline-blocks',
    DEFAULT_DEADLINE_BLOCKS,
    1,
    100_000,
  )
  const result = await withNode(dataDirOf(values).root, async (client) => {
    const quote = await client.call('pool.quote', request)
    const action: ActionReviewDto = {
      kind: 'swap',
      tokenIn: request.tokenIn,
      tokenOut: request.tokenOut,
      exactOut: request.exactOut,
      amount: request.amount,
      limit: quote.limit,
      deadline: quote.height + blocks,
    }
    return { hash: await submit(client, index, action, fee, values['password-file']), quote }
  })
  print(values.json === true, result, `submitted ${result.hash}`)
  return 0
}

/** `coherence pool show` and `coherence pool quote`. */
export async function poolCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === 'show') {
    const { values } = parseCommand(rest, {
      'data-dir': { type: 'string' },
      account: { type: 'string' },
      json: { type: 'boolean' },
    })
    const result = await withNode(dataDirOf(values).root, async (client) => {
      const pool = await client.call('pool.get', {})
      if (values.account === undefined) return { pool }
      const index = accountIndex(values.account, '--account')
      return { pool, position: await client.call('pool.position', { index }) }
    })
    print(values.json === true, result, JSON.stringify(result, null, 2))
    return 0
  }
  if (name === 'quote') {
    const { values } = parseCommand(rest, SWAP_FLAGS)
    const request = swapRequest(values)
    const quote = await withNode(dataDirOf(values).root, (c) => c.call('pool.quote', request))
    print(values.json === true, quote, JSON.stringify(quote, null, 2))
    return 0
  }
  throw new CliError('ERR_USAGE', 'pool needs one of: show, quote')
}

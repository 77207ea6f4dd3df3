import { sendCommand, swapCommand } from './exchangeCommands'
import { stakeCommand, unstakeCommand } from './stakingCommands'
import { resolve } from 'node:path'
import { decodeAddress, encodeAddress } from '../../shared/address'
import { formatAmount, parseAmount } from '../../shared/amount'
import { toHex } from '../../shared/encoding'
import { TOKEN_ID, TOKENS, type Token } from '../../shared/tokens'
import { KeysError } from '../keys/errors'
import { Wallet } from '../keys/wallet'
import { addressOf } from '../node/crypto'
import { LedgerError } from '../node/ledger/errors'
import { encodeTx, txHash, txSignBytes, verifyTxSignature, type TxBody } from '../node/ledger/tx'
import {
  parseSignedTx,
  parseUnsignedTx,
  reviewTx,
  serializeSignedTx,
  serializeUnsignedTx,
  type ActionReview,
  type TxReview,
} from '../node/ledger/txFile'
import {
  accountIndex,
  assertAbsent,
  dataDirOf,
  parseCommand,
  printable,
  readInputFile,
  requiredFlag,
  unlock,
  withWallet,
  writeNewFile,
} from './common'
import { canPrompt, confirm, PromptError } from './prompt'
import { CliError, connectToNode } from './rpcClient'

/** The devnet's minimum fee; enough for any transfer there. */
const DEFAULT_FEE = '0.001'
const U128_LIMIT = 1n << 128n

/** A decimal token amount in base units; `positive` refuses zero. */
function amountFlag(text: string, flag: string, positive: boolean): bigint {
  const units = parseAmount(text)
  if (units === null || units >= U128_LIMIT) {
    throw new CliError('ERR_USAGE', `${flag} must be a decimal amount such as 1.5`)
  }
  if (positive && units === 0n) throw new CliError('ERR_USAGE', `${flag} must be more than 0`)
  return units
}

function tokenFlag(text: string): number {
  const token = text.toUpperCase()
  if (!(TOKENS as readonly string[]).includes(token)) {
    throw new CliError('ERR_USAGE', `--token must be one of ${TOKENS.join(', ')}`)
  }
  return TOKEN_ID[token as Token]
}

/** A token amount as a person reads it, with the exact base units the signature covers. */
function amountText(units: string, token: string): string {
  return `${formatAmount(BigInt(units))} ${token} (${units} base units)`
}

/**
 * The action's lines: a transfer or a stake in full words, any other action field by field as
 * decoded.
 */
function actionLines(action: ActionReview): [string, string][] {
  if (action.kind === 'stake' || action.kind === 'unstake') {
    return [
      ['validator', action.validator],
      ['amount', amountText(action.amount, 'CHR')],
    ]
  }
  if (action.kind === 'transfer') {
    const rows: [string, string][] = [
      ['to', action.to],
      ['token', action.token],
      ['amount', amountText(action.amount, action.token)],
    ]
    if (action.flowFee !== undefined && action.flowFee !== '0') {
      rows.push(['flow fee', amountText(action.flowFee, action.token)])
    }
    return rows
  }
  return Object.entries(action)
    .filter(([name]) => name !== 'kind')
    .map(([name, value]) => [name, Array.isArray(value) ? value.join(' / ') : String(value)])
}

/** What the person confirms, decoded from the exact bytes to be signed; on stderr. */
function printReview(review: TxReview, account: number): void {
  const rows: [string, string][] = [
    ['cluster', printable(review.clusterId)],
    ['from', `${review.from} (account ${account})`],
    ['action', review.action.kind],
    ...actionLines(review.action),
    ['fee', amountText(review.fee, 'FLX')],
    ['nonce', String(review.nonce)],
  ]
  const width = Math.max(...rows.map(([name]) => name.length)) + 2
  console.error('Transaction to sign:')
  for (const [name, value] of rows) console.error(`  ${name.padEnd(width)}${value}`)
}

/** `coherence keys sign-tx`: review an unsigned transaction file and sign it, offline. */
export async function signTxCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      'password-file': { type: 'string' },
      yes: { type: 'boolean' },
    },
    ['UNSIGNED'],
  )
  const out = resolve(requiredFlag(values.out, '--out'))
  if (!values.yes && !canPrompt()) {
    throw new CliError('ERR_USAGE', 'no terminal to confirm the transaction: pass --yes to sign')
  }
  const { clusterId, body } = parseUnsignedTx(await readInputFile(resolve(positionals[0] ?? '')))
  await assertAbsent(out)
  const review = reviewTx(clusterId, body)
  const tx = await withWallet(dataDirOf(values), async (wallet) => {
    const sender = toHex(body.sender)
    const account = wallet.listAccounts().find((a) => a.publicKey === sender)
    if (!account) {
      throw new KeysError('ERR_UNKNOWN_ACCOUNT', `the wallet holds no key for ${review.from}`)
    }
    printReview(review, account.index)
    if (!values.yes && !(await confirm('Sign this transaction?'))) {
      throw new PromptError('ERR_CANCELLED', 'not signed')
    }
    await unlock(wallet, values['password-file'])
    const signature = wallet.sign('account', account.index, txSignBytes(clusterId, body))
    return { body, signature }
  })
  await writeNewFile(out, serializeSignedTx({ clusterId, tx }), 0o644)
  console.log(`Signed transaction ${toHex(txHash(tx))} written to ${out}`)
  return 0
}

async function buildTransfer(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    'data-dir': { type: 'string' },
    account: { type: 'string' },
    to: { type: 'string' },
    token: { type: 'string' },
    amount: { type: 'string' },
    fee: { type: 'string' },
    out: { type: 'string' },
  })
  const index = accountIndex(requiredFlag(values.account, '--account'), '--account')
  const to = decodeAddress(requiredFlag(values.to, '--to'))
  const token = tokenFlag(requiredFlag(values.token, '--token'))
  const amount = amountFlag(requiredFlag(values.amount, '--amount'), '--amount', true)
  const fee = amountFlag(values.fee ?? DEFAULT_FEE, '--fee', false)
  const out = resolve(requiredFlag(values.out, '--out'))
  await assertAbsent(out)
  const layout = dataDirOf(values)
  // Reads only the public index: no password, and the running node may hold the lock.
  const sender = (await Wallet.open(layout.wallet)).publicKey('account', index)
  const from = encodeAddress(addressOf(sender))
  const { client, close } = await connectToNode(layout.root)
  let clusterId: string
  let nonce: number
  try {
    clusterId = (await client.call('node.status', {})).clusterId
    nonce = (await client.call('account.get', { address: from })).nonce
  } finally {
    close()
  }
  const body: TxBody = { sender, nonce, fee, action: { kind: 'transfer', to, token, amount } }
  await writeNewFile(out, serializeUnsignedTx({ clusterId, body }), 0o644)
  console.log(
    `Unsigned transfer of ${formatAmount(amount)} ${TOKENS[token]} from ${from} (nonce ${nonce})` +
      ` written to ${out}`,
  )
  return 0
}

async function broadcast(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { 'data-dir': { type: 'string' } }, ['FILE'])
  const file = parseSignedTx(await readInputFile(resolve(positionals[0] ?? '')))
  // A damaged or altered file is refused here, with the same code the node would give.
  verifyTxSignature(file.clusterId, file.tx)
  const { client, close } = await connectToNode(dataDirOf(values).root)
  try {
    const { clusterId } = await client.call('node.status', {})
    if (clusterId !== file.clusterId) {
      throw new LedgerError(
        'ERR_WRONG_CLUSTER',
        `the transaction is for cluster ${file.clusterId}, the node runs ${clusterId}`,
      )
    }
    const { hash } = await client.call('tx.submit', { tx: toHex(encodeTx(file.tx)) })
    console.log(hash)
  } finally {
    close()
  }
  return 0
}

const TX_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  'build-transfer': buildTransfer,
  broadcast,
  send: sendCommand,
  swap: swapCommand,
  stake: stakeCommand,
  unstake: unstakeCommand,
}

/**
 * `coherence tx <subcommand>`: send, swap, stake or unstake, or build a transaction online and
 * broadcast it.
 */
export async function txCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  const command = name === undefined ? undefined : TX_COMMANDS[name]
  if (!command) {
    throw new CliError('ERR_USAGE', `tx needs one of: ${Object.keys(TX_COMMANDS).join(', ')}`)
  }
  return command(rest)
}

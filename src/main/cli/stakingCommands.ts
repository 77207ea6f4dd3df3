// Staking from the command line, against the running node: stake and unstake are signed by the
// node's wallet after the password, exactly as send and swap are.
import { formatAmount } from '../../shared/amount'
import type { ActionReviewDto, StakingInfo } from '../../shared/ipc/contract'
import { accountIndex, dataDirOf, parseCommand, requiredFlag } from './common'
import { DEFAULT_FEE, print, submit, units, withNode } from './exchangeCommands'
import { CliError } from './rpcClient'

const STAKE_FLAGS = {
  'data-dir': { type: 'string' },
  account: { type: 'string' },
  validator: { type: 'string' },
  amount: { type: 'string' },
  fee: { type: 'string' },
  'password-file': { type: 'string' },
  json: { type: 'boolean' },
} as const

function publicKeyFlag(text: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new CliError('ERR_USAGE', '--validator must be a 32-byte public key in hex (64 digits)')
  }
  return text.toLowerCase()
}

/** `coherence tx stake|unstake`: CHR bonded to (or unbonded from) a validator's consensus key. */
async function stakingTx(kind: 'stake' | 'unstake', argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, STAKE_FLAGS)
  const index = accountIndex(values.account ?? '0', '--account')
  const amount = units(requiredFlag(values.amount, '--amount'), '--amount')
  if (BigInt(amount) === 0n) throw new CliError('ERR_USAGE', '--amount must be more than 0')
  const fee = units(values.fee ?? DEFAULT_FEE, '--fee')
  const given = values.validator === undefined ? null : publicKeyFlag(values.validator)
  const result = await withNode(dataDirOf(values).root, async (client) => {
    // Without --validator the stake goes to (or comes from) this node's own consensus key.
    const validator = given ?? (await client.call('staking.get', {})).self.publicKey
    const action: ActionReviewDto = { kind, validator, amount }
    return { hash: await submit(client, index, action, fee, values['password-file']), validator }
  })
  print(
    values.json === true,
    result,
    `submitted ${result.hash} (${kind} ${formatAmount(BigInt(amount))} CHR, validator ${result.validator})`,
  )
  return 0
}

export const stakeCommand = (argv: string[]): Promise<number> => stakingTx('stake', argv)
export const unstakeCommand = (argv: string[]): Promise<number> => stakingTx('unstake', argv)

/** Staking as a person reads it: parameters, then stakes, then CHR on its way back. */
function stakingText(info: StakingInfo): string {
  const chr = (units: string): string => `${formatAmount(BigInt(units))} CHR`
  const lines = [
    `height            ${info.height}`,
    `unbonding period  ${info.unbondingBlocks} blocks`,
    `minimum stake     ${chr(info.minValidatorStake)}`,
    `this node         ${info.self.publicKey} (${info.self.address})`,
    '',
    'validators (public key, address, stake, owner, in the current set)',
    ...info.validators.map(
      (v) =>
        `  ${v.publicKey}  ${v.address}  ${chr(v.amount)}  owner ${v.owner}  ${v.active ? 'active' : 'inactive'}`,
    ),
    '',
    'unbonding (owner, amount, returned at the end of block)',
    ...(info.unbonding.length === 0
      ? ['  none']
      : info.unbonding.map((u) => `  ${u.owner}  ${chr(u.amount)}  ${u.releaseHeight}`)),
  ]
  return lines.join('\n')
}

/** `coherence staking show`: the stakes, the validator set and the unbonding queue. */
export async function stakingCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name !== 'show') throw new CliError('ERR_USAGE', 'staking needs: show')
  const { values } = parseCommand(rest, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  })
  const info = await withNode(dataDirOf(values).root, (c) => c.call('staking.get', {}))
  print(values.json === true, info, stakingText(info))
  return 0
}

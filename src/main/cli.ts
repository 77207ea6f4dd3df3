import { CodedError } from '../shared/errors'
import { helpCommand, startCommand, statusCommand, USAGE } from './cli/commands'
import { poolCommand } from './cli/exchangeCommands'
import { keysCommand } from './cli/keysCommands'
import { bridgeCommand } from './cli/bridgeCommands'
import { localnetCommand } from './cli/localnetCommand'
import { networkCommand } from './cli/networkCommands'
import { stakingCommand } from './cli/stakingCommands'
import { txCommand } from './cli/txCommands'

const COMMANDS: Record<string, (argv: string[]) => Promise<number> | number> = {
  start: startCommand,
  status: statusCommand,
  keys: keysCommand,
  tx: txCommand,
  pool: poolCommand,
  staking: stakingCommand,
  network: networkCommand,
  bridge: bridgeCommand,
  localnet: localnetCommand,
  help: helpCommand,
  '--help': helpCommand,
  '-h': helpCommand,
}

/** Entry point of the `coherence` command: one line per error, a non-zero exit, no stack trace. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  const command = name === undefined ? undefined : COMMANDS[name]
  if (!command) {
    console.error(name === undefined ? USAGE : `error: unknown command "${name}"\n\n${USAGE}`)
    return 2
  }
  try {
    return await command(rest)
  } catch (err) {
    if (err instanceof CodedError) {
      console.error(`error: ${err.message} (${err.code})`)
      return err.code === 'ERR_USAGE' ? 2 : 1
    }
    const e = err as NodeJS.ErrnoException
    console.error(
      `error: ${e.code === 'EADDRINUSE' ? 'the RPC port is already in use' : e.message}`,
    )
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))

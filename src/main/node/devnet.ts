import { randomBytes } from 'node:crypto'
import { ONE_TOKEN } from '../../shared/tokens'
import type { Genesis } from './chain/genesis'
import { addressOf } from './crypto'

/** Balance of each token given to the node's own account in a new devnet. */
export const DEVNET_ACCOUNT_BALANCE = 1_000_000n * ONE_TOKEN
/** Voting power of the devnet's single validator (power is staked CHR). */
export const DEVNET_VALIDATOR_POWER = 1_000n * ONE_TOKEN
/** Smallest transaction fee: 0.001 FLX. */
export const DEVNET_MIN_FEE = ONE_TOKEN / 1000n

/** A local one-validator cluster whose only validator is this node and whose only account is its own. */
export function createDevnetGenesis(opts: {
  consensusPublicKey: Uint8Array
  accountPublicKey: Uint8Array
  time: number
}): Genesis {
  return {
    clusterId: `devnet-${randomBytes(3).toString('hex')}`,
    genesisTime: opts.time,
    minFee: DEVNET_MIN_FEE,
    validators: [{ publicKey: opts.consensusPublicKey, power: DEVNET_VALIDATOR_POWER }],
    accounts: [
      {
        address: addressOf(opts.accountPublicKey),
        balances: [DEVNET_ACCOUNT_BALANCE, DEVNET_ACCOUNT_BALANCE, DEVNET_ACCOUNT_BALANCE],
      },
    ],
  }
}

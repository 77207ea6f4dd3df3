import { randomBytes } from 'node:crypto'
import { ONE_TOKEN } from '../../shared/tokens'
import { DEFAULT_SYNCHRONY, type Genesis } from './chain/genesis'
import { addressOf } from './crypto'
import { DEFAULT_STAKING_PARAMS } from './ledger/staking'

/** Balance of each token given to the node's own account in a new devnet. */
export const DEVNET_ACCOUNT_BALANCE = 1_000_000n * ONE_TOKEN
/** Voting power of the devnet's only validator: CHR staked at genesis by the node's account. */
export const DEVNET_VALIDATOR_POWER = 1_000n * ONE_TOKEN
/** Smallest transaction fee: 0.001 FLX. */
export const DEVNET_MIN_FEE = ONE_TOKEN / 1000n
/** Each token's reserve in the devnet's CEE pool. */
export const DEVNET_POOL_RESERVE = 100_000n * ONE_TOKEN
/** Equal weights, summing to exactly 1 (the remainder goes to CHR). */
export const DEVNET_POOL_WEIGHTS = [
  ONE_TOKEN - 2n * (ONE_TOKEN / 3n),
  ONE_TOKEN / 3n,
  ONE_TOKEN / 3n,
] as const
/** The swap fee the pool starts with (0.3 %); the fee controller moves it from there. */
export const DEVNET_SWAP_FEE = (3n * ONE_TOKEN) / 1000n

/**
 * A local one-validator cluster whose only validator is this node and whose only account is its
 * own; that account owns the validator's stake.
 */
export function createDevnetGenesis(opts: {
  consensusPublicKey: Uint8Array
  accountPublicKey: Uint8Array
  time: number
}): Genesis {
  const account = addressOf(opts.accountPublicKey)
  return {
    clusterId: `devnet-${randomBytes(3).toString('hex')}`,
    genesisTime: opts.time,
    minFee: DEVNET_MIN_FEE,
    ...DEFAULT_STAKING_PARAMS,
    synchrony: DEFAULT_SYNCHRONY,
    validators: [
      { publicKey: opts.consensusPublicKey, power: DEVNET_VALIDATOR_POWER, owner: account },
    ],
    accounts: [
      {
        address: account,
        balances: [DEVNET_ACCOUNT_BALANCE, DEVNET_ACCOUNT_BALANCE, DEVNET_ACCOUNT_BALANCE],
      },
    ],
    pool: {
      reserves: [DEVNET_POOL_RESERVE, DEVNET_POOL_RESERVE, DEVNET_POOL_RESERVE],
      weights: DEVNET_POOL_WEIGHTS,
      swapFee: DEVNET_SWAP_FEE,
    },
  }
}

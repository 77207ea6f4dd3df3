import { encodeAddress } from '../../../shared/address'
import { fromHex, toHex } from '../../../shared/encoding'
import type { StakingInfo } from '../../../shared/ipc/contract'
import type { Chain } from '../chain/chain'
import { byPower } from '../chain/validators'
import { addressOf } from '../crypto'
import { unbondingEntry } from './stakes'

/**
 * Staking after the latest block, as the UI and CLI show it: every stake (largest first, marked
 * active when it votes at the next height), the unbonding queue (soonest first) and the
 * consensus key of the node answering, `self`.
 */
export function stakingInfo(chain: Chain, self: Uint8Array): StakingInfo {
  const { state, genesis, height } = chain
  const voting = chain.validatorSet(height + 1)
  const stakes = [...state.stakes.entries()]
    .map(([key, record]) => {
      const publicKey = fromHex(key)
      return { publicKey, address: addressOf(publicKey), power: record.amount, owner: record.owner }
    })
    .sort(byPower)
  return {
    height,
    unbondingBlocks: genesis.unbondingBlocks,
    minValidatorStake: genesis.minValidatorStake.toString(),
    self: { publicKey: toHex(self), address: encodeAddress(addressOf(self)) },
    validators: stakes.map((s) => ({
      publicKey: toHex(s.publicKey),
      address: encodeAddress(s.address),
      owner: encodeAddress(s.owner),
      amount: s.power.toString(),
      active: voting.indexOf(s.address) >= 0,
    })),
    unbonding: [...state.unbonding.entries()].map(([key, amount]) => {
      const entry = unbondingEntry(key, amount)
      return {
        owner: encodeAddress(entry.owner),
        amount: entry.amount.toString(),
        releaseHeight: entry.releaseHeight,
      }
    }),
  }
}

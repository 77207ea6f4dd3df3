import { formatAmount } from './amount'
import type { ActionReviewDto } from './ipc/contract'

/** One sentence saying what an action does, for the person who confirms it. */
export function describeAction(a: ActionReviewDto): string {
  const amount = (units: string, token: string): string => `${formatAmount(BigInt(units))} ${token}`
  const triple = (units: readonly string[]): string =>
    units.map((u, i) => amount(u, ['CHR', 'PSY', 'FLX'][i]!)).join(' + ')
  switch (a.kind) {
    case 'transfer':
      return a.flowFee && a.flowFee !== '0'
        ? `Send ${amount(a.amount, a.token)} to ${a.to} (plus a ${amount(a.flowFee, a.token)} flow fee to the pool)`
        : `Send ${amount(a.amount, a.token)} to ${a.to}`
    case 'swap':
      return a.exactOut
        ? `Swap at most ${amount(a.limit, a.tokenIn)} for exactly ${amount(a.amount, a.tokenOut)} (until block ${a.deadline})`
        : `Swap exactly ${amount(a.amount, a.tokenIn)} for at least ${amount(a.limit, a.tokenOut)} (until block ${a.deadline})`
    case 'join':
      return `Add at most ${triple(a.maxAmounts)} to the pool for at least ${formatAmount(BigInt(a.minShares))} shares`
    case 'joinSingle':
      return `Add ${amount(a.amount, a.token)} to the pool for at least ${formatAmount(BigInt(a.minShares))} shares`
    case 'exit':
      return `Remove ${formatAmount(BigInt(a.shares))} pool shares for at least ${triple(a.minAmounts)}`
    case 'exitSingle':
      return `Remove ${formatAmount(BigInt(a.shares))} pool shares for at least ${amount(a.minAmount, a.token)}`
    case 'stake':
      return `Stake ${amount(a.amount, 'CHR')} on validator key ${a.validator}`
    case 'unstake':
      return `Unstake ${amount(a.amount, 'CHR')} from validator key ${a.validator} (returned after the unbonding period)`
    case 'bridgeSend':
      return `Send ${amount(a.amount, a.token)} to ${a.to} on cluster ${a.cluster} (refunded if not received by its height ${a.timeoutHeight})`
    case 'bridgeConnect':
      return `Approve a bridge connection to cluster ${a.cluster}`
    case 'bridgeUpdate':
      return `Relay the header of ${a.cluster} at height ${a.height}`
    case 'bridgeDeliver':
      return `Relay a bridge message from ${a.cluster}, proven at its height ${a.height}`
  }
}

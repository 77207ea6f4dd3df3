/**
 * The 1 % flow fee a PSY transfer pays into the pool on top of the amount, rounded up (in the
 * pool's favour). Shared so the UI shows exactly what the ledger will charge.
 */
export function psyFlowFee(amount: bigint): bigint {
  return (amount + 99n) / 100n
}

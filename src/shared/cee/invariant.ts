import { CeeError } from './errors'
import { ONE } from './fixedPoint'
import { floorDiv } from './int'
import { assertBalance } from './limits'
import { expHpDown, HP, lnHp } from './logExp'
import { assertNormalisedWeights } from './weights'

/**
 * The pool invariant V = Π Bᵢ^wᵢ in base units (with Σw = 1 it is the weighted geometric mean of
 * the balances), rounded down: never above the exact value, and within 10^-33 relative plus one
 * base unit of it. Throws ERR_BAD_WEIGHTS for weights that are not normalised, ERR_MATH_DOMAIN
 * when the lengths differ, and the balance codes of limits.ts.
 */
export function invariant(balances: readonly bigint[], weights: readonly bigint[]): bigint {
  assertNormalisedWeights(weights)
  if (balances.length !== weights.length) {
    throw new CeeError('ERR_MATH_DOMAIN', 'balances and weights differ in length')
  }
  let exponent = 0n
  for (const [i, weight] of weights.entries()) {
    const balance = balances[i] ?? 0n
    assertBalance(balance)
    exponent += floorDiv(weight * lnHp(balance, 1n), ONE)
  }
  return expHpDown(exponent) / HP
}

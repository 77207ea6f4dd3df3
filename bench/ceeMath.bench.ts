// Throughput of the CEE pool math. Run: node --import tsx bench/ceeMath.bench.ts
// Prints one JSON line per function: {"name":"cee.outGivenIn","opsPerSec":…,"usPerOp":…}.
import { ln, powDown } from '../src/shared/cee/fixedPoint'
import {
  dynamicFee,
  DEFAULT_DYNAMIC_FEE_PARAMS,
  inGivenOut,
  invariant,
  outGivenIn,
  sharesForSingleTokenIn,
  spotPrice,
  tokenOutForSharesIn,
} from '../src/shared/cee/math'

const ONE = 10n ** 18n
const WEIGHTS = [ONE / 2n, (3n * ONE) / 10n, ONE / 5n]
const FEE = 3n * 10n ** 15n
// Varied inputs so that no single branch of the series is measured alone.
const BALANCES = Array.from({ length: 64 }, (_, i) => (BigInt(i) * 7919n + 1000n) * 10n ** 18n)
const LOG_PRICES = Array.from({ length: 20 }, (_, i) => BigInt(i % 5) * 10n ** 15n)
const TARGET_MS = 300

function bench(name: string, op: (i: number) => unknown): void {
  for (let i = 0; i < 200; i++) op(i)
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < TARGET_MS) {
    for (let i = 0; i < 100; i++) op(ops + i)
    ops += 100
    elapsed = performance.now() - start
  }
  const opsPerSec = Math.round((ops / elapsed) * 1000)
  const usPerOp = Math.round((elapsed / ops) * 1e5) / 100
  console.log(JSON.stringify({ name, opsPerSec, usPerOp }))
}

const b = (i: number): bigint => BALANCES[i % BALANCES.length] ?? ONE
const amount = (i: number): bigint => b(i) / BigInt(5 + (i % 50))

bench('cee.outGivenIn', (i) =>
  outGivenIn(b(i), WEIGHTS[0] ?? 0n, b(i + 1), WEIGHTS[1] ?? 0n, amount(i), FEE),
)
bench('cee.inGivenOut', (i) =>
  inGivenOut(b(i), WEIGHTS[0] ?? 0n, b(i + 1), WEIGHTS[1] ?? 0n, amount(i + 1), FEE),
)
bench('cee.spotPrice', (i) => spotPrice(b(i), WEIGHTS[0] ?? 0n, b(i + 1), WEIGHTS[1] ?? 0n, FEE))
bench('cee.invariant', (i) => invariant([b(i), b(i + 1), b(i + 2)], WEIGHTS))
bench('cee.sharesForSingleTokenIn', (i) =>
  sharesForSingleTokenIn(b(i), WEIGHTS[2] ?? 0n, b(i + 3), amount(i), FEE),
)
bench('cee.tokenOutForSharesIn', (i) =>
  tokenOutForSharesIn(b(i), WEIGHTS[0] ?? 0n, b(i + 3), amount(i + 3) / 4n, FEE),
)
bench('cee.dynamicFee', (i) =>
  dynamicFee(FEE + BigInt(i % 7), LOG_PRICES, DEFAULT_DYNAMIC_FEE_PARAMS),
)
bench('cee.ln', (i) => ln(b(i)))
bench('cee.powDown', (i) => powDown(b(i) / 1000n, ONE / BigInt(2 + (i % 9))))

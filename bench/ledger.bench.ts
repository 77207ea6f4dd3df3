// State-machine throughput: transfers and swaps applied per second (signatures already verified,
// as they are at mempool entry), and Ed25519 verifications per second. Prints JSON lines.
import { randomBytes } from 'node:crypto'
import { toHex } from '../src/shared/encoding'
import { ONE_TOKEN } from '../src/shared/tokens'
import { Ed25519Signer } from '../src/main/keys/signer'
import { endBlock } from '../src/main/node/cee/poolRules'
import { addressOf, ed25519Verify } from '../src/main/node/crypto'
import { DEVNET_POOL_WEIGHTS } from '../src/main/node/devnet'
import { applyTx, type TxContext } from '../src/main/node/ledger/rules'
import { DEFAULT_STAKING_PARAMS } from '../src/main/node/ledger/staking'
import { LedgerState } from '../src/main/node/ledger/state'
import { txSignBytes, type Action, type SignedTx } from '../src/main/node/ledger/tx'

const ACCOUNTS = 1_000
const BLOCK_SIZE = 1_000
const FEE = ONE_TOKEN / 1000n

const keys = Array.from(
  { length: ACCOUNTS },
  () => new Ed25519Signer(new Uint8Array(randomBytes(32))),
)
const publicKeys = keys.map((k) => k.publicKey())
const addresses = publicKeys.map(addressOf)

function freshState(): LedgerState {
  const reserve = 1_000_000n * ONE_TOKEN
  const balance = 1_000_000n * ONE_TOKEN
  const supply = [0, 1, 2].map(() => reserve + balance * BigInt(ACCOUNTS)) as [
    bigint,
    bigint,
    bigint,
  ]
  const state = new LedgerState(supply, {
    reserves: [reserve, reserve, reserve],
    weights: [...DEVNET_POOL_WEIGHTS],
    swapFee: (3n * ONE_TOKEN) / 1000n,
    totalShares: reserve,
    priceHistory: [],
  })
  for (const a of addresses)
    state.load(toHex(a), { balances: [balance, balance, balance], nonce: 0, shares: 0n })
  state.finishLoading()
  return state
}

/** Applies `count` transactions in blocks, committing each block (state hash included). */
function measure(name: string, count: number, action: (i: number) => Action): void {
  const state = freshState()
  const nonces = new Array<number>(ACCOUNTS).fill(0)
  const txs: SignedTx[] = []
  for (let i = 0; i < count; i++) {
    const sender = i % ACCOUNTS
    txs.push({
      body: { sender: publicKeys[sender]!, nonce: nonces[sender]!++, fee: FEE, action: action(i) },
      signature: new Uint8Array(64),
    })
  }
  const ctx: TxContext = {
    params: { minFee: FEE, ...DEFAULT_STAKING_PARAMS },
    feeRecipient: addresses[0]!,
    height: 1,
    clusterId: 'bench',
  }
  let failed = 0
  const start = process.hrtime.bigint()
  for (let b = 0; b < count; b += BLOCK_SIZE) {
    const view = state.view()
    for (const tx of txs.slice(b, b + BLOCK_SIZE)) {
      if (applyTx(view, tx, ctx).status !== 'ok') failed++
    }
    endBlock(view)
    state.hash(view)
    state.apply(view)
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  console.log(
    JSON.stringify({
      name,
      count,
      failed,
      seconds: +seconds.toFixed(3),
      perSecond: Math.round(count / seconds),
    }),
  )
}

measure('ledger.transfers', 100_000, (i) => ({
  kind: 'transfer',
  to: addresses[(i * 7 + 1) % ACCOUNTS]!,
  token: i % 3,
  amount: ONE_TOKEN,
}))

measure('ledger.swaps', 50_000, (i) => ({
  kind: 'swap',
  tokenIn: i % 3,
  tokenOut: (i + 1 + (i % 2)) % 3,
  exactOut: i % 2 === 1,
  amount: ONE_TOKEN,
  limit: i % 2 === 1 ? 10n * ONE_TOKEN : 0n,
  deadline: 10,
}))

{
  const count = 20_000
  const messages = Array.from({ length: count }, (_, i) =>
    txSignBytes('bench', {
      sender: publicKeys[i % ACCOUNTS]!,
      nonce: i,
      fee: FEE,
      action: { kind: 'transfer', to: addresses[0]!, token: 2, amount: 1n },
    }),
  )
  const signatures = messages.map((m, i) => keys[i % ACCOUNTS]!.sign(m))
  const start = process.hrtime.bigint()
  let ok = 0
  for (let i = 0; i < count; i++)
    if (ed25519Verify(publicKeys[i % ACCOUNTS]!, messages[i]!, signatures[i]!)) ok++
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (ok !== count) throw new Error('a valid signature failed to verify')
  console.log(
    JSON.stringify({
      name: 'ed25519.verify',
      count,
      seconds: +seconds.toFixed(3),
      perSecond: Math.round(count / seconds),
    }),
  )
}

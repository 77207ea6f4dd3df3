import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fromHex } from '../../../src/shared/encoding'
import type { WalletAccount, WalletStatus } from '../../../src/shared/ipc/contract'
import { ONE_TOKEN, TOKEN_ID } from '../../../src/shared/tokens'
import { decodeAddress } from '../../../src/shared/address'
import { serializeUnsignedTx } from '../../../src/main/node/ledger/txFile'
import { hostSession } from '../../helpers/hostSession'
import { waitFor } from '../../helpers/tempDir'

type Session = Awaited<ReturnType<typeof hostSession>>
const sessions: Session[] = []
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close()
})

async function open(options: Parameters<typeof hostSession>[0] = {}): Promise<Session> {
  const s = await hostSession(options)
  sessions.push(s)
  return s
}

const PASSWORD = 'a long enough password'

/** Creates the wallet through the UI's two steps, confirming three of the shown words. */
async function createWallet(s: Session): Promise<string[]> {
  const { words } = await s.ok<{ words: string[] }>('wallet.generateMnemonic', {})
  await s.ok('wallet.create', {
    password: PASSWORD,
    confirmations: [0, 11, 23].map((index) => ({ index, word: words[index] })),
  })
  return words
}

async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const name of (await readdir(dir)).sort()) {
    out.set(name, (await readFile(join(dir, name))).toString('hex'))
  }
  return out
}

describe('the node host (wallet and node lifecycle)', () => {
  it('waits for a wallet, then starts the node once one is created', async () => {
    const s = await open()
    expect(await s.ok('wallet.status', {})).toEqual({
      wallet: 'none',
      node: 'waiting-for-wallet',
      autoLockMinutes: 5,
    })
    expect(await s.call('node.status', {})).toMatchObject({
      ok: false,
      error: { code: 'ERR_NODE_NOT_RUNNING' },
    })
    const words = await createWallet(s)
    expect(words).toHaveLength(24)
    expect(await s.ok<WalletStatus>('wallet.status', {})).toMatchObject({
      wallet: 'unlocked',
      node: 'running',
    })
    const status = await s.ok<{ accountAddress: string; balances: { FLX: string } }>(
      'node.status',
      {},
    )
    const [account] = await s
      .ok<{ accounts: WalletAccount[] }>('wallet.accounts', {})
      .then((r) => r.accounts)
    expect(status.accountAddress).toBe(account!.address)
    expect(status.balances.FLX).toBe((1_000_000n * ONE_TOKEN).toString())
    expect(s.events.some((e) => e.event === 'WalletStatus')).toBe(true)
  })

  it('refuses a creation whose re-typed words do not match, and a second wallet', async () => {
    const s = await open()
    expect(
      await s.call('wallet.create', {
        password: PASSWORD,
        confirmations: [0, 1, 2].map((index) => ({ index, word: 'abandon' })),
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'ERR_NO_PENDING_MNEMONIC' },
    })
    const { words } = await s.ok<{ words: string[] }>('wallet.generateMnemonic', {})
    const wrong = words[1] === 'zoo' ? 'abandon' : 'zoo'
    expect(
      await s.call('wallet.create', {
        password: PASSWORD,
        confirmations: [
          { index: 0, word: words[0] },
          { index: 1, word: wrong },
          { index: 2, word: words[2] },
        ],
      }),
    ).toMatchObject({ ok: false, error: { code: 'ERR_MNEMONIC_MISMATCH' } })
    expect(await s.ok<WalletStatus>('wallet.status', {})).toMatchObject({ wallet: 'none' })
    await createWallet(s)
    expect(await s.call('wallet.generateMnemonic', {})).toMatchObject({
      ok: false,
      error: { code: 'ERR_WALLET_EXISTS' },
    })
  })

  it('locks, refuses a wrong password without touching the disk, and unlocks', async () => {
    const s = await open()
    await createWallet(s)
    await s.ok('wallet.lock', {})
    expect(await s.ok<WalletStatus>('wallet.status', {})).toMatchObject({
      wallet: 'locked',
      node: 'running',
    })
    const before = await snapshot(join(s.dataDir, 'wallet'))
    expect(await s.call('wallet.unlock', { password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'ERR_BAD_PASSWORD' },
    })
    expect(await snapshot(join(s.dataDir, 'wallet'))).toEqual(before)
    // While locked nothing can be signed, but the validator keeps voting with its detached key.
    expect(await s.call('wallet.addAccount', { label: '' })).toMatchObject({
      ok: false,
      error: { code: 'ERR_WALLET_LOCKED' },
    })
    const height = (await s.ok<{ height: number }>('node.status', {})).height
    await waitFor(
      async () =>
        (await s.ok<{ height: number }>('node.status', {})).height > height ? true : undefined,
      10_000,
      'a block while locked',
    )
    await s.ok('wallet.unlock', { password: PASSWORD })
    expect(await s.ok<WalletStatus>('wallet.status', {})).toMatchObject({ wallet: 'unlocked' })
  })

  it('signs an offline transaction only with the password and the person’s confirmation', async () => {
    let answer = false
    const s = await open({ confirmer: { confirm: () => Promise.resolve(answer) } })
    await createWallet(s)
    const status = await s.ok<{ clusterId: string }>('node.status', {})
    const { accounts } = await s.ok<{ accounts: WalletAccount[] }>('wallet.accounts', {})
    const recipient = decodeAddress(accounts[0]!.address)
    const file = serializeUnsignedTx({
      clusterId: status.clusterId,
      body: {
        sender: fromHex(accounts[0]!.publicKey),
        nonce: 0,
        fee: ONE_TOKEN / 1000n,
        action: { kind: 'transfer', to: recipient, token: TOKEN_ID.FLX, amount: 3n * ONE_TOKEN },
      },
    })
    expect(await s.ok('tx.review', { file })).toMatchObject({
      from: accounts[0]!.address,
      signerAccount: 0,
      action: { kind: 'transfer', token: 'FLX', amount: (3n * ONE_TOKEN).toString() },
    })
    expect(await s.call('tx.signOffline', { file, password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'ERR_BAD_PASSWORD' },
    })
    expect(await s.call('tx.signOffline', { file, password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'ERR_SPEND_REJECTED' },
    })
    answer = true
    const signed = await s.ok<{ file: string; hash: string }>('tx.signOffline', {
      file,
      password: PASSWORD,
    })
    expect(await s.call('tx.broadcastFile', { file })).toMatchObject({
      ok: false,
      error: { code: 'ERR_TX_FILE' },
    })
    expect(await s.ok('tx.broadcastFile', { file: signed.file })).toEqual({ hash: signed.hash })
    await waitFor(
      async () =>
        (await s.ok<{ nonce: number }>('account.get', { address: accounts[0]!.address })).nonce ===
        1
          ? true
          : undefined,
      10_000,
      'the signed transaction to commit',
    )
  })

  it('locks by itself after the idle time set in settings, and says so', async () => {
    const clock = manualClock()
    const s = await open({ walletClock: clock })
    await createWallet(s)
    await s.ok('wallet.setAutoLock', { minutes: 2 })
    expect(JSON.parse(await readFile(join(s.dataDir, 'settings.json'), 'utf8'))).toEqual({
      autoLockMinutes: 2,
    })
    clock.advance(119_000)
    expect(await s.ok<WalletStatus>('wallet.status', {})).toMatchObject({ wallet: 'unlocked' })
    clock.advance(2_000)
    expect(s.events.at(-1)).toMatchObject({ event: 'WalletStatus', payload: { wallet: 'locked' } })
    expect(await s.ok<WalletStatus>('wallet.status', {})).toMatchObject({
      wallet: 'locked',
      autoLockMinutes: 2,
    })
  })
})

/** A clock whose time moves only when told, firing due timers. */
function manualClock() {
  let now = 0
  let timers: { at: number; fn: () => void; id: number }[] = []
  let nextId = 1
  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      const id = nextId++
      timers.push({ at: now + ms, fn, id })
      return id
    },
    clearTimeout(handle: unknown) {
      timers = timers.filter((t) => t.id !== handle)
    },
    advance(ms: number) {
      now += ms
      const due = timers.filter((t) => t.at <= now)
      timers = timers.filter((t) => t.at > now)
      for (const t of due) t.fn()
    },
  }
}

describe('the wallet’s exchange through the host', () => {
  it('swaps at the quoted price, fails a swap beyond its tolerance for only the fee, and keeps history', async () => {
    const s = await open()
    await createWallet(s)
    const fee = (ONE_TOKEN / 1000n).toString()
    const balances = async () =>
      (await s.ok<{ balances: Record<'CHR' | 'PSY' | 'FLX', string> }>('node.status', {})).balances
    const before = await balances()
    const quote = await s.ok<{ amountOut: string; limit: string }>('pool.quote', {
      tokenIn: 'FLX',
      tokenOut: 'CHR',
      exactOut: false,
      amount: (100n * ONE_TOKEN).toString(),
      slippageBps: 50,
    })
    const { height } = await s.ok<{ height: number }>('node.status', {})
    const swap = await s.ok<{ hash: string }>('wallet.submit', {
      index: 0,
      action: {
        kind: 'swap',
        tokenIn: 'FLX',
        tokenOut: 'CHR',
        exactOut: false,
        amount: (100n * ONE_TOKEN).toString(),
        limit: quote.limit,
        deadline: height + 20,
      },
      fee,
      password: PASSWORD,
    })
    const pending = await s.ok<{ items: { hash: string; status: string }[] }>('wallet.history', {
      index: 0,
      limit: 10,
    })
    expect(pending.items[0]).toMatchObject({ hash: swap.hash, status: 'pending' })
    await waitFor(
      async () => ((await balances()).CHR !== before.CHR ? true : undefined),
      10_000,
      'the swap',
    )
    const after = await balances()
    // Nothing traded in between, so the swap got exactly the quote.
    expect(BigInt(after.CHR) - BigInt(before.CHR)).toBe(BigInt(quote.amountOut))
    expect(BigInt(before.FLX) - BigInt(after.FLX)).toBe(100n * ONE_TOKEN + ONE_TOKEN / 1000n)

    // A swap whose limit the pool cannot meet is refused at once, before it costs anything.
    expect(
      await s.call('wallet.submit', {
        index: 0,
        action: {
          kind: 'swap',
          tokenIn: 'CHR',
          tokenOut: 'FLX',
          exactOut: false,
          amount: ONE_TOKEN.toString(),
          limit: (2n * ONE_TOKEN).toString(),
          deadline: height + 1000,
        },
        fee,
        password: PASSWORD,
      }),
    ).toMatchObject({ ok: false, error: { code: 'ERR_SLIPPAGE' } })
    const history = await s.ok<{ items: { hash: string; status: string; height: number }[] }>(
      'wallet.history',
      { index: 0, limit: 10 },
    )
    expect(history.items[0]).toMatchObject({ hash: swap.hash, status: 'committed' })
    expect(history.items[0]!.height).toBeGreaterThan(height)
  })
})

// The wallet, exchange and liquidity pages in a real browser against a real headless node: send,
// swap there and back, add and remove liquidity, each spend confirmed with the wallet password.
// After every step each balance on screen is compared with the node's state read independently
// (`coherence status --json`). Needs `npm run build` first.
import { expect, test, type Locator, type Page } from '@playwright/test'
import { formatAmount, parseAmount } from '../../src/shared/amount'
import type { NodeStatus } from '../../src/shared/ipc/contract'
import { nodeStatus, TEST_PASSWORD } from '../helpers/cliNode'
import { SPEND_TIMEOUT, useCliNode } from '../helpers/e2eNode'
import { screenshot } from '../helpers/screenshot'

type Token = 'CHR' | 'PSY' | 'FLX'

const node = useCliNode()

function units(text: string): string {
  const parsed = parseAmount(text)
  if (parsed === null) throw new Error(`not an amount: ${text}`)
  return parsed.toString()
}

/**
 * Every balance on screen (the elements marked data-balance) against account 0 on the node: the
 * exact base units in data-units, and the text a truncation of the same amount.
 */
async function expectBalancesMatchNode(page: Page): Promise<NodeStatus> {
  const status = await nodeStatus(node().dataDir)
  const shown = page.locator('[data-balance]')
  await expect(shown.first()).toBeVisible()
  const all = await shown.all()
  expect(all.length).toBeGreaterThanOrEqual(3)
  for (const element of all) {
    const token = (await element.getAttribute('data-balance')) as Token
    const expected = status.balances[token]
    await expect(element, `${token} balance on screen`).toHaveAttribute('data-units', expected)
    const text = ((await element.textContent()) ?? '').trim().replace(/,/g, '')
    expect(formatAmount(BigInt(expected)).startsWith(text), `${text} shows ${expected}`).toBe(true)
  }
  return status
}

/**
 * Waits for a spend's result line to say "committed at height N"; returns the tx hash. `previous`
 * is the hash of the form's last spend, which the line shows until the new one is accepted.
 */
async function expectCommitted(result: Locator, previous?: string): Promise<string> {
  if (previous) {
    await expect(result).not.toHaveAttribute('data-hash', previous, { timeout: SPEND_TIMEOUT })
  }
  await expect(result).toHaveAttribute('data-status', 'committed', { timeout: SPEND_TIMEOUT })
  await expect(result).toContainText(/committed at height \d+/)
  return (await result.getAttribute('data-hash')) ?? ''
}

async function confirmSpend(page: Page, prefix: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByTestId(`${prefix}-password`).fill(password)
  await page.getByTestId(`${prefix}-submit`).click()
}

test('send, swap there and back, add and remove liquidity; the screen matches the node', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000)
  await page.goto(node().uiUrl)
  await expect(page.getByTestId('connection')).toHaveText('connected')
  await expect(page.getByTestId('wallet-state')).toHaveText('unlocked')

  // A second account to send to.
  await page.getByTestId('nav-keys').click()
  await page.getByLabel('Label of the new account (optional)').fill('Savings')
  await page.getByRole('button', { name: 'Add account' }).click()
  const savings = page.locator('[data-testid="account-row"][data-index="1"]')
  await expect(savings.getByTestId('account-label')).toHaveText('Savings', {
    timeout: SPEND_TIMEOUT,
  })
  const savingsAddress = (
    (await savings.getByTestId('account-address-row').textContent()) ?? ''
  ).trim()

  // Wallet: balances, receive (address, QR), and a send of 1.5 FLX.
  await page.getByTestId('nav-wallet').click()
  const start = await expectBalancesMatchNode(page)
  await expect(page.getByTestId('wallet-balance-FLX')).toHaveText('1,000,000')
  await expect(page.getByTestId('receive-address')).toHaveText(start.accountAddress)
  await expect(page.getByTestId('receive-qr')).toHaveAttribute('src', /^data:image\/png;base64,/)
  await expect(page.getByTestId('history-empty')).toBeVisible()

  // A PSY transfer shows its 1 % flow fee before confirming.
  await page.getByTestId('send-to').fill('coh1notanaddress')
  await expect(page.getByTestId('send-to')).toHaveAttribute('aria-invalid', 'true')
  await page.getByTestId('send-to').fill(savingsAddress)
  await expect(page.getByTestId('send-to')).toHaveAttribute('aria-invalid', 'false')
  await page.getByTestId('send-token').selectOption('PSY')
  await page.getByTestId('send-amount').fill('10')
  await expect(page.getByTestId('send-flow-fee')).toContainText('0.1 PSY')
  await expect(page.getByTestId('send-review-total')).toHaveText('10.1 PSY + 0.001 FLX')

  await page.getByTestId('send-token').selectOption('FLX')
  await page.getByTestId('send-amount').fill('1.5')
  await expect(page.getByTestId('send-flow-fee')).toHaveCount(0)
  await expect(page.getByTestId('send-review-fee')).toHaveText('0.001 FLX')
  await expect(page.getByTestId('send-review-total')).toHaveText('1.501 FLX')
  await screenshot(page, testInfo, 'wallet-send')
  await confirmSpend(page, 'send')
  const sendHash = await expectCommitted(page.getByTestId('send-result'))
  const sent = page.locator(`[data-testid="history-item"][data-hash="${sendHash}"]`)
  await expect(sent).toHaveAttribute('data-status', 'committed')
  await expect(sent.getByTestId('history-description')).toHaveText(
    `Send 1.5 FLX to ${savingsAddress}`,
  )
  await expect(sent.getByTestId('history-fee')).toHaveText('0.001 FLX')
  await expect(sent.getByTestId('history-status')).toHaveText(/^committed at height \d+$/)
  const afterSend = await expectBalancesMatchNode(page)
  expect(afterSend.balances.FLX).toBe(
    (BigInt(start.balances.FLX) - BigInt(units('1.501'))).toString(),
  )
  await screenshot(page, testInfo, 'wallet')

  // The other account received it.
  await page.getByTestId('account-select').selectOption('1')
  await expect(page.getByTestId('wallet-balance-FLX')).toHaveAttribute('data-units', units('1.5'))
  await expect(page.getByTestId('receive-address')).toHaveText(savingsAddress)
  await page.getByTestId('account-select').selectOption('0')
  await expect(page.getByTestId('receive-address')).toHaveText(start.accountAddress)

  // Exchange: a quote for 100 FLX → CHR, with the slippage limit, price and impact.
  await page.getByTestId('nav-exchange').click()
  const beforeSwap = await expectBalancesMatchNode(page)
  await page.getByTestId('swap-token-in').selectOption('FLX')
  await page.getByTestId('swap-token-out').selectOption('CHR')
  await page.getByTestId('swap-mode-exact-in').check()
  await expect(page.getByTestId('swap-slippage')).toHaveValue('0.5')
  await page.getByTestId('swap-amount').fill('100')
  const quote = page.getByTestId('swap-quote')
  await expect(quote).toBeVisible()
  await expect(page.getByTestId('swap-amount-in')).toHaveAttribute('data-units', units('100'))
  // The quote is renewed on every block; read out and limit from one rendering of it.
  const readQuote = async (): Promise<{ out: bigint; limit: bigint }> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const height = await quote.getAttribute('data-height')
      const out = await page.getByTestId('swap-amount-out').getAttribute('data-units')
      const limit = await page.getByTestId('swap-limit').getAttribute('data-units')
      if ((await quote.getAttribute('data-height')) === height && out && limit) {
        return { out: BigInt(out), limit: BigInt(limit) }
      }
    }
    throw new Error('the quote kept changing while being read')
  }
  const shown = await readQuote()
  expect(shown.out).toBeGreaterThan(0n)
  expect(shown.limit).toBe((shown.out * 9950n) / 10000n)
  await expect(page.getByTestId('swap-limit')).toHaveAttribute('data-kind', 'min-out')
  await expect(quote).toContainText('Minimum received')
  await expect(page.getByTestId('swap-impact')).toHaveText(/^(< )?\d+\.\d+ %$/)
  await expect(page.getByTestId('swap-price')).toHaveText(/^1 CHR = \d+(\.\d+)? FLX$/)
  await screenshot(page, testInfo, 'exchange-quote')

  // "I receive exactly" turns the limit into the most that may be paid.
  await page.getByTestId('swap-mode-exact-out').check()
  await expect(page.getByTestId('swap-limit')).toHaveAttribute('data-kind', 'max-in')
  await expect(quote).toContainText('Maximum paid')
  await expect(page.getByTestId('swap-amount-out')).toHaveAttribute('data-units', units('100'))
  await page.getByTestId('swap-mode-exact-in').check()
  await expect(page.getByTestId('swap-amount-in')).toHaveAttribute('data-units', units('100'))

  // More than 30 % of the pool's FLX cannot go in at once: the quote says why, with its code.
  await page.getByTestId('swap-amount').fill('40000')
  const quoteError = page.getByTestId('swap-quote-error')
  await expect(quoteError).toHaveAttribute('data-code', 'ERR_MAX_IN_RATIO')
  await expect(quoteError).toContainText('ERR_MAX_IN_RATIO')
  await expect(page.getByTestId('swap-submit')).toBeDisabled()
  await page.getByTestId('swap-amount').fill('100')
  await expect(page.getByTestId('swap-amount-in')).toHaveAttribute('data-units', units('100'))
  await expect(quoteError).toHaveCount(0)

  // A wrong password is refused with its code; nothing is sent.
  await confirmSpend(page, 'swap', 'not the password')
  const swapError = page.getByTestId('swap-error')
  await expect(swapError).toHaveAttribute('data-code', 'ERR_BAD_PASSWORD', {
    timeout: SPEND_TIMEOUT,
  })
  await expect(swapError).toContainText('ERR_BAD_PASSWORD')
  await expect(page.getByTestId('swap-result')).toHaveCount(0)

  await confirmSpend(page, 'swap')
  const swapHash = await expectCommitted(page.getByTestId('swap-result'))
  await expect(swapError).toHaveCount(0)
  const afterSwap = await expectBalancesMatchNode(page)
  expect(BigInt(afterSwap.balances.FLX)).toBe(
    BigInt(beforeSwap.balances.FLX) - BigInt(units('100.001')),
  )
  const receivedChr = BigInt(afterSwap.balances.CHR) - BigInt(beforeSwap.balances.CHR)
  expect(receivedChr).toBeGreaterThanOrEqual(shown.limit)

  // And back: exactly the CHR received, for FLX.
  await page.getByTestId('swap-token-in').selectOption('CHR')
  await expect(page.getByTestId('swap-token-out')).toHaveValue('FLX')
  await page.getByTestId('swap-amount').fill(formatAmount(receivedChr))
  await expect(page.getByTestId('swap-amount-in')).toHaveAttribute(
    'data-units',
    receivedChr.toString(),
  )
  await confirmSpend(page, 'swap')
  await expectCommitted(page.getByTestId('swap-result'), swapHash)
  const afterSwapBack = await expectBalancesMatchNode(page)
  expect(afterSwapBack.balances.CHR).toBe(beforeSwap.balances.CHR)
  // The round trip cost two swap fees and two network fees: a little under 100 FLX came back.
  const flxLost = BigInt(beforeSwap.balances.FLX) - BigInt(afterSwapBack.balances.FLX)
  expect(flxLost).toBeGreaterThan(0n)
  expect(flxLost).toBeLessThan(BigInt(units('1')))

  // Liquidity: the pool, then a proportional join of 1000 CHR and the matching PSY and FLX.
  await page.getByTestId('nav-liquidity').click()
  await expectBalancesMatchNode(page)
  for (const token of ['CHR', 'PSY', 'FLX'] as const) {
    await expect(page.getByTestId(`pool-weight-${token}`)).toHaveText(/^33\.33 %$/)
    await expect(page.getByTestId(`pool-reserve-${token}`)).toHaveText(/^\d{2,3},\d{3}(\.\d+)?$/)
  }
  await expect(page.getByTestId('pool-fee')).toHaveText(/^\d+\.\d{4} %$/)
  // The devnet's first account holds the pool's initial shares.
  const shares = page.getByTestId('position-shares')
  await expect(shares).toHaveAttribute('data-units', /^[1-9]\d*$/)
  const heldBefore = BigInt((await shares.getAttribute('data-units')) ?? '0')
  await page.getByTestId('join-mode-all').check()
  await page.getByTestId('join-amount-CHR').fill('1000')
  await expect(page.getByTestId('join-amount-PSY')).toHaveValue(/^\d+(\.\d+)?$/)
  await expect(page.getByTestId('join-amount-FLX')).toHaveValue(/^\d+(\.\d+)?$/)
  const expectedShares = BigInt(
    (await page.getByTestId('join-expected-shares').getAttribute('data-units')) ?? '0',
  )
  expect(expectedShares).toBeGreaterThan(0n)
  await expect(page.getByTestId('join-min-shares')).toHaveAttribute(
    'data-units',
    ((expectedShares * 9950n) / 10000n).toString(),
  )
  await screenshot(page, testInfo, 'liquidity')
  await confirmSpend(page, 'join')
  await expectCommitted(page.getByTestId('join-result'))
  await expect(shares).not.toHaveAttribute('data-units', heldBefore.toString())
  const added = BigInt((await shares.getAttribute('data-units')) ?? '0') - heldBefore
  expect(added).toBeGreaterThanOrEqual((expectedShares * 9950n) / 10000n)
  const afterJoin = await expectBalancesMatchNode(page)
  // The pool takes what the shares are worth, rounded up: at most the 1000 CHR typed.
  const chrTaken = BigInt(afterSwapBack.balances.CHR) - BigInt(afterJoin.balances.CHR)
  expect(chrTaken).toBeLessThanOrEqual(BigInt(units('1000')))
  expect(chrTaken).toBeGreaterThan(BigInt(units('999.999')))
  await screenshot(page, testInfo, 'liquidity-position')

  // All shares cannot leave: a pool always keeps some liquidity. The form says why, with the code.
  await page.getByTestId('exit-percent-100').click()
  await expect(page.getByTestId('exit-plan-error')).toHaveAttribute(
    'data-code',
    'ERR_INSUFFICIENT_LIQUIDITY',
  )
  await expect(page.getByTestId('exit-submit')).toBeDisabled()

  // Remove the shares just added, proportionally.
  await page.getByTestId('exit-shares').fill(formatAmount(added))
  await page.getByTestId('exit-mode-all').check()
  await expect(page.getByTestId('exit-plan-error')).toHaveCount(0)
  await expect(page.getByTestId('exit-expected-CHR')).toBeVisible()
  await confirmSpend(page, 'exit')
  await expectCommitted(page.getByTestId('exit-result'))
  await expect(shares).toHaveAttribute('data-units', heldBefore.toString())
  const afterExit = await expectBalancesMatchNode(page)
  // Rounding favours the pool: at most a few base units of each token stay behind.
  const chrKept = BigInt(afterSwapBack.balances.CHR) - BigInt(afterExit.balances.CHR)
  expect(chrKept).toBeGreaterThanOrEqual(0n)
  expect(chrKept).toBeLessThan(10n)

  // The history lists all five spends, newest first, each committed.
  await page.getByTestId('nav-wallet').click()
  const items = page.getByTestId('history-item')
  await expect(items).toHaveCount(5)
  await expect(page.locator('[data-testid="history-item"][data-status="committed"]')).toHaveCount(5)
  await expect(items.first().getByTestId('history-description')).toHaveText(
    /^Remove .* pool shares/,
  )
  await expect(items.last().getByTestId('history-description')).toHaveText(/^Send 1\.5 FLX/)
  await expectBalancesMatchNode(page)

  await page.emulateMedia({ colorScheme: 'dark' })
  await page.getByTestId('nav-exchange').click()
  await page.getByTestId('swap-amount').fill('25')
  await expect(page.getByTestId('swap-quote')).toBeVisible()
  await screenshot(page, testInfo, 'exchange-quote-dark')
})

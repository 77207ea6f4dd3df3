// The wallet in a real browser against a real headless node started without a wallet: onboarding
// (create, confirm the words, password), the node starting once the wallet exists, lock and
// unlock, and exporting a keystore. Needs `npm run build` first.
import { readFile } from 'node:fs/promises'
import { expect, test, type Page } from '@playwright/test'
import { runCli, startCliNode, type CliNode } from '../helpers/cliNode'
import { chooseDevnet } from '../helpers/onboarding'
import { screenshot } from '../helpers/screenshot'

/** Creating, unlocking and exporting each run scrypt (n=2^18): seconds on a busy machine. */
const SCRYPT_TIMEOUT = 15_000
const PASSWORD = 'correct horse battery staple'
const WORD_COUNT = 24

// The second test carries on with the wallet the first one created.
test.describe.configure({ mode: 'serial' })

let node: CliNode
/** The recovery words the first test was shown, to compare with "Reveal recovery phrase". */
let createdWords: string[] = []

test.beforeAll(async () => {
  node = await startCliNode({ blockTimeMs: 300, password: null })
})

test.afterAll(async () => {
  await node?.stop()
  await node?.removeDataDir()
})

/** The confirmation inputs on screen, each with the 1-based word position its label asks for. */
async function askedWords(
  page: Page,
): Promise<{ position: number; fill(word: string): Promise<void> }[]> {
  const inputs = page.locator('[data-testid^="confirm-word-input-"]')
  await expect(inputs).toHaveCount(3)
  const asked = []
  for (const input of await inputs.all()) {
    const id = await input.getAttribute('id')
    const label = (await page.locator(`label[for="${id}"]`).textContent()) ?? ''
    const match = /Word #(\d+)/.exec(label)
    expect(match, `label "${label}" should name a word position`).not.toBeNull()
    const position = Number(match![1])
    expect(position).toBeGreaterThanOrEqual(1)
    expect(position).toBeLessThanOrEqual(WORD_COUNT)
    asked.push({ position, fill: (word: string) => input.fill(word) })
  }
  expect(new Set(asked.map((a) => a.position)).size).toBe(3)
  return asked
}

test('onboarding creates a wallet, the node starts, lock/unlock and keystore export work', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000)
  await page.goto(node.uiUrl)
  await expect(page.getByTestId('connection')).toHaveText('connected')
  await expect(page.getByTestId('wallet-state')).toHaveText('not set up')

  // Create: the 24 words, in a numbered grid.
  await chooseDevnet(page)
  await page.getByRole('button', { name: /Create new wallet/ }).click()
  await expect(page.getByTestId(`mnemonic-word-${WORD_COUNT}`)).toBeVisible()
  await expect(page.getByTestId(`mnemonic-word-${WORD_COUNT + 1}`)).toHaveCount(0)
  const words: string[] = []
  for (let n = 1; n <= WORD_COUNT; n++) {
    words.push(((await page.getByTestId(`mnemonic-word-${n}`).textContent()) ?? '').trim())
  }
  for (const word of words) expect(word).toMatch(/^[a-z]{3,8}$/)
  const sentence = words.join(' ')
  createdWords = words
  await expect(page.getByRole('note')).toContainText('only this once')
  await screenshot(page, testInfo, 'onboarding-words')
  await page.getByRole('button', { name: 'I have written them down' }).click()

  // A wrong word first: main refuses it and the person can correct it.
  const asked = await askedWords(page)
  const [first, ...rest] = asked
  const wrong = words[first!.position - 1] === 'zoo' ? 'abandon' : 'zoo'
  await first!.fill(wrong)
  for (const a of rest) await a.fill(words[a.position - 1]!)
  await page.getByRole('button', { name: 'Continue' }).click()

  const passwordField = page.getByLabel('Wallet password', { exact: true })
  const repeatField = page.getByLabel('Repeat wallet password', { exact: true })
  const createButton = page.getByRole('button', { name: 'Create wallet' })
  // Two different passwords are refused on screen.
  await passwordField.fill(PASSWORD)
  await repeatField.fill(PASSWORD + '!')
  await expect(page.getByTestId('password-mismatch')).toBeVisible()
  await expect(createButton).toBeDisabled()
  await repeatField.fill(PASSWORD)
  await expect(page.getByTestId('password-mismatch')).toHaveCount(0)
  await createButton.click()

  const createError = page.getByTestId('create-error')
  await expect(createError).toHaveAttribute('data-code', 'ERR_MNEMONIC_MISMATCH')
  await expect(createError).toContainText('do not match')
  await expect(page.getByTestId(`confirm-word-input-${first!.position}`)).toBeVisible()
  await first!.fill(words[first!.position - 1]!)
  await page.getByRole('button', { name: 'Continue' }).click()
  await createButton.click()

  // The wallet exists and is unlocked; the words are gone from the page.
  await expect(page.getByTestId('wallet-state')).toHaveText('unlocked', { timeout: SCRYPT_TIMEOUT })
  await expect(page.getByTestId(/^mnemonic-word-/)).toHaveCount(0)
  await expect(page.getByTestId(/^confirm-word-input-/)).toHaveCount(0)
  expect(await page.locator('body').innerText()).not.toContain(sentence)
  expect(await page.content()).not.toContain(sentence)

  // The node started with the wallet's keys: the status page shows it live.
  await expect(page.getByTestId('nav-status')).toHaveAttribute('aria-current', 'page')
  const height = page.getByTestId('height')
  await expect(height).toHaveText(/^\d+$/, { timeout: SCRYPT_TIMEOUT })
  const start = Number(await height.textContent())
  await expect
    .poll(async () => Number(await height.textContent()), {
      message: `the height on screen should rise above ${start}`,
      timeout: 15_000,
    })
    .toBeGreaterThan(start)
  for (const token of ['CHR', 'PSY', 'FLX'] as const) {
    await expect(page.getByTestId(`balance-${token}`)).toHaveText('1,000,000')
  }
  await expect(page.getByTestId('node-waiting')).toHaveCount(0)

  // Lock, a wrong password, then the right one.
  await page.getByTestId('lock-button').click()
  await expect(page.getByTestId('wallet-state')).toHaveText('locked')
  await expect(page.getByTestId('lock-button')).toHaveCount(0)
  const unlockPassword = page.getByTestId('unlock-password')
  const unlockButton = page.getByRole('button', { name: 'Unlock' })
  await unlockPassword.fill('not the password')
  await unlockButton.click()
  const unlockError = page.getByTestId('unlock-error')
  await expect(unlockError).toHaveAttribute('data-code', 'ERR_BAD_PASSWORD', {
    timeout: SCRYPT_TIMEOUT,
  })
  await expect(unlockError).toContainText(/password/i)
  await expect(page.getByTestId('wallet-state')).toHaveText('locked')
  await unlockPassword.fill(PASSWORD)
  await unlockButton.click()
  await expect(page.getByTestId('wallet-state')).toHaveText('unlocked', { timeout: SCRYPT_TIMEOUT })
  await expect(page.getByTestId('unlock-banner')).toHaveCount(0)

  // Keys page: export account 0's keystore and check the file.
  await page.getByTestId('nav-keys').click()
  await expect(page.getByTestId('nav-keys')).toHaveAttribute('aria-current', 'page')
  const row = page.locator('[data-testid="account-row"][data-index="0"]')
  await expect(row).toBeVisible()
  const publicKey = ((await row.getByTestId('account-public-key').textContent()) ?? '').trim()
  expect(publicKey).toMatch(/^[0-9a-f]{64}$/)
  await screenshot(page, testInfo, 'keys-page')

  await row.getByRole('button', { name: 'Export keystore' }).click()
  await row.getByLabel('Wallet password', { exact: true }).fill(PASSWORD)
  await row.getByLabel('Export password', { exact: true }).fill('export password 1')
  await row.getByLabel('Repeat export password', { exact: true }).fill('export password 1')
  const download = page.waitForEvent('download', { timeout: SCRYPT_TIMEOUT * 2 })
  await row.getByRole('button', { name: 'Download keystore' }).click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/^keystore-.*\.json$/)
  const saved = testInfo.outputPath(file.suggestedFilename())
  await file.saveAs(saved)
  const keystore = JSON.parse(await readFile(saved, 'utf8')) as {
    version: number
    pubkey: string
    crypto: { kdf: { function: string } }
  }
  expect(keystore.version).toBe(4)
  expect(keystore.crypto.kdf.function).toBe('scrypt')
  expect(keystore.pubkey).toBe(publicKey)
  await expect(row.getByRole('status')).toContainText(file.suggestedFilename())
})

test('offline signing: review, sign and broadcast a transfer; locked pages; settings', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000)
  await page.goto(node.uiUrl)
  const walletState = page.getByTestId('wallet-state')
  await expect(walletState).toHaveText(/^(locked|unlocked)$/)
  if ((await walletState.textContent())?.trim() === 'locked') {
    await page.getByTestId('unlock-password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Unlock' }).click()
  }
  await expect(walletState).toHaveText('unlocked', { timeout: SCRYPT_TIMEOUT })

  // A second account to send to.
  await page.getByTestId('nav-keys').click()
  await page.getByLabel('Label of the new account (optional)').fill('Savings')
  await page.getByRole('button', { name: 'Add account' }).click()
  const savings = page.locator('[data-testid="account-row"][data-index="1"]')
  await expect(savings.getByTestId('account-label')).toHaveText('Savings', {
    timeout: SCRYPT_TIMEOUT,
  })
  const to = ((await savings.getByTestId('account-address-row').textContent()) ?? '').trim()
  const from = (
    (await page
      .locator('[data-testid="account-row"][data-index="0"]')
      .getByTestId('account-address-row')
      .textContent()) ?? ''
  ).trim()

  // Built on the "online machine" by the CLI, against the running node.
  const unsignedPath = testInfo.outputPath('transfer.unsigned.json')
  const built = await runCli([
    'tx',
    'build-transfer',
    '--data-dir',
    node.dataDir,
    '--account',
    '0',
    '--to',
    to,
    '--token',
    'CHR',
    '--amount',
    '12.5',
    '--out',
    unsignedPath,
  ])
  expect(built.code, built.stderr).toBe(0)

  // Review: exactly what will be sent, and which account signs.
  await page.getByTestId('nav-signing').click()
  await page.getByTestId('unsigned-file').setInputFiles(unsignedPath)
  await expect(page.getByTestId('review-from')).toHaveText(from)
  await expect(page.getByTestId('review-to')).toHaveText(to)
  await expect(page.getByTestId('review-amount-unit')).toHaveText('CHR')
  await expect(page.getByTestId('review-kind')).toHaveText('Transfer')
  await expect(page.getByTestId('review-amount')).toContainText('12.5')
  await expect(page.getByTestId('review-amount')).toHaveAttribute(
    'title',
    '12500000000000000000 base units',
  )
  await expect(page.getByTestId('review-fee')).toHaveText('0.001 FLX')
  await expect(page.getByTestId('review-nonce')).toHaveText('0')
  await expect(page.getByTestId('review-signer')).toContainText('Account 0')
  await screenshot(page, testInfo, 'offline-signing-review')

  // Sign: the password confirms the spend; the signed file downloads.
  await page.getByLabel('Wallet password, to confirm this spend').fill(PASSWORD)
  const download = page.waitForEvent('download', { timeout: SCRYPT_TIMEOUT * 2 })
  await page.getByRole('button', { name: 'Sign and save' }).click()
  const signedFile = await download
  expect(signedFile.suggestedFilename()).toBe('transfer.signed.json')
  const signedPath = testInfo.outputPath('transfer.signed.json')
  await signedFile.saveAs(signedPath)
  const signedHash = ((await page.getByTestId('signed-hash').textContent()) ?? '').trim()
  expect(signedHash).toMatch(/^[0-9a-f]{64}$/)

  // Broadcast the signed file; the node takes it and the balance moves.
  await page.getByTestId('signed-file').setInputFiles(signedPath)
  await page.getByRole('button', { name: 'Broadcast' }).click()
  await expect(page.getByTestId('broadcast-hash')).toHaveText(signedHash)
  await page.getByTestId('nav-status').click()
  // CHR: a PSY transfer would also pay the 1 % flow fee into the pool.
  await expect(page.getByTestId('balance-CHR')).toHaveText('999,987.5', { timeout: 15_000 })

  // Settings: auto-lock.
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('auto-lock-minutes').fill('0')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByTestId('auto-lock-current')).toContainText('never locks on its own')
  await page.getByTestId('auto-lock-minutes').fill('15')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByTestId('auto-lock-current')).toContainText('after 15 minutes')
  // Headless mode has no OS key store: the page says so instead of offering to remember.
  await expect(page.getByTestId('unlock-memory-unavailable')).toBeVisible()

  // Reveal the recovery phrase: the same words as at creation, gone again on Hide.
  await page.getByTestId('nav-keys').click()
  await page.getByLabel('Wallet password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Reveal recovery phrase' }).click()
  await expect(page.getByTestId(`revealed-word-${WORD_COUNT}`)).toBeVisible({
    timeout: SCRYPT_TIMEOUT,
  })
  const revealed = await page.getByTestId(/^revealed-word-/).allTextContents()
  expect(revealed.map((w) => w.trim())).toEqual(createdWords)
  await page.getByRole('button', { name: 'Hide' }).click()
  await expect(page.getByTestId(/^revealed-word-/)).toHaveCount(0)
  expect(await page.content()).not.toContain(createdWords.join(' '))

  // Locked: the pages say what needs the wallet unlocked; the node keeps running.
  await page.getByTestId('lock-button').click()
  await expect(walletState).toHaveText('locked')
  await page.getByTestId('nav-keys').click()
  await expect(page.getByTestId('keys-locked')).toContainText('The wallet is locked: unlock it to')
  await expect(page.getByRole('button', { name: 'Export keystore' })).toHaveCount(0)
  await page.getByTestId('nav-signing').click()
  await expect(page.getByTestId('signing-locked-page')).toContainText(
    'The wallet is locked: unlock it to',
  )
  await expect(page.getByTestId('unlock-banner')).toBeVisible()

  // Readable in the dark scheme too.
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.getByTestId('nav-keys').click()
  await screenshot(page, testInfo, 'keys-page-locked-dark')
})

test('after a restart the node waits for the wallet, and starts when it is unlocked', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const dataDir = node.dataDir
  await node.stop()
  node = await startCliNode({ dataDir, blockTimeMs: 300, password: null })
  await page.goto(node.uiUrl)
  await expect(page.getByTestId('connection')).toHaveText('connected')
  await expect(page.getByTestId('wallet-state')).toHaveText('locked')

  // Calm explanation, not a red error, while node.status answers ERR_NODE_NOT_RUNNING.
  await expect(page.getByTestId('node-waiting')).toContainText(
    'The node starts when the wallet is unlocked',
  )
  await expect(page.getByTestId('node-error')).toHaveCount(0)
  await expect(page.getByTestId('height')).toHaveCount(0)

  await page.getByTestId('unlock-password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Unlock' }).click()
  await expect(page.getByTestId('wallet-state')).toHaveText('unlocked', { timeout: SCRYPT_TIMEOUT })
  await expect(page.getByTestId('node-waiting')).toHaveCount(0)
  const height = page.getByTestId('height')
  await expect(height).toHaveText(/^\d+$/, { timeout: SCRYPT_TIMEOUT })
  const start = Number(await height.textContent())
  await expect
    .poll(async () => Number(await height.textContent()), { timeout: 15_000 })
    .toBeGreaterThan(start)
  // The chain survived the restart, transfer included.
  await expect(page.getByTestId('balance-CHR')).toHaveText('999,987.5')
})

import { expect, type Page } from '@playwright/test'

/** The standard BIP39 test phrase ("abandon" × 11, "about"). */
export const TEST_MNEMONIC = `${'abandon '.repeat(11)}about`

/** Picks the first onboarding step's default, a local devnet, and waits for the wallet step. */
export async function chooseDevnet(page: Page): Promise<void> {
  await expect(page.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 })
  await page.getByRole('button', { name: /Run a local devnet/ }).click()
  await expect(page.getByRole('heading', { name: 'Set up the wallet' })).toBeVisible()
}

/**
 * Restores a wallet from TEST_MNEMONIC on the onboarding screen, as a person would: in a local
 * devnet unless `network` says the network step was already passed (a network file imported).
 */
export async function importTestMnemonic(
  page: Page,
  password: string,
  network: 'devnet' | 'chosen' = 'devnet',
): Promise<void> {
  if (network === 'devnet') await chooseDevnet(page)
  await page.getByRole('button', { name: /Import mnemonic/ }).click()
  await page.getByLabel(/Recovery phrase/).fill(TEST_MNEMONIC)
  await page.getByLabel('Wallet password', { exact: true }).fill(password)
  await page.getByLabel('Repeat wallet password').fill(password)
  await page.getByRole('button', { name: 'Import wallet' }).click()
}

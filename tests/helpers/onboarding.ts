import { expect, type Page } from '@playwright/test'

/** The standard BIP39 test phrase ("abandon" × 11, "about"). */
export const TEST_MNEMONIC = `${'abandon '.repeat(11)}about`

/** Restores a wallet from TEST_MNEMONIC on the onboarding screen, as a person would. */
export async function importTestMnemonic(page: Page, password: string): Promise<void> {
  await expect(page.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 })
  await page.getByRole('button', { name: /Import mnemonic/ }).click()
  await page.getByLabel(/Recovery phrase/).fill(TEST_MNEMONIC)
  await page.getByLabel('Wallet password', { exact: true }).fill(password)
  await page.getByLabel('Repeat wallet password').fill(password)
  await page.getByRole('button', { name: 'Import wallet' }).click()
}

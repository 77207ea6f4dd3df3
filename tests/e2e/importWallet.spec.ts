import { expect, test } from '@playwright/test'
import { startCliNode, type CliNode } from '../helpers/cliNode'
import { importTestMnemonic } from '../helpers/onboarding'

let node: CliNode

test.beforeAll(async () => {
  node = await startCliNode({ password: null, blockTimeMs: 300 })
})

test.afterAll(async () => {
  await node?.stop()
  await node?.removeDataDir()
})

test('restores a wallet from a recovery phrase; the node then runs with its keys', async ({
  page,
}) => {
  await page.goto(node.uiUrl)
  await importTestMnemonic(page, 'import e2e password')
  await expect(page.getByTestId('height')).toHaveText(/^\d+$/, { timeout: 30_000 })
  // Account 0 of the standard test phrase at this app's account path, funded by the devnet.
  await expect(page.getByTestId('balance-FLX')).toHaveText('1,000,000', { timeout: 15_000 })
  await expect(page.getByTestId('wallet-state')).toHaveAttribute('data-state', 'unlocked')
})

// Onboarding into a network made from a file, in a real browser against a real headless node: a
// join request from one data directory (`coherence network join-request`), a network file
// assembled from it (`coherence network create`), then a fresh node that imports the file before
// its wallet exists and, once the wallet is restored, makes the blocks of that network. Needs
// `npm run build` first.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { Wallet } from '../../src/main/keys/wallet'
import { dataDirLayout } from '../../src/main/node/dataDir'
import { runCli, startCliNode, type CliNode } from '../helpers/cliNode'
import { importTestMnemonic, TEST_MNEMONIC } from '../helpers/onboarding'
import { screenshot } from '../helpers/screenshot'
import { tempDir } from '../helpers/tempDir'

const CLUSTER_ID = 'e2e-joined'
const PASSWORD = 'join network e2e password'

let member: Awaited<ReturnType<typeof tempDir>>
let joinRequest: string
let networkFile: string
let node: CliNode

test.beforeAll(async () => {
  test.setTimeout(90_000)
  // The member's wallet, from the phrase the onboarding restores later: the same keys.
  member = await tempDir('coherence-member-')
  ;(
    await Wallet.create(dataDirLayout(member.path).wallet, {
      password: PASSWORD,
      mnemonic: TEST_MNEMONIC,
    })
  ).lock()
  joinRequest = join(member.path, 'join-request.json')
  networkFile = join(member.path, 'network.json')
  for (const args of [
    ['network', 'join-request', '--data-dir', member.path, '--name', 'ada', '--out', joinRequest],
    ['network', 'create', '--join', joinRequest, '--cluster-id', CLUSTER_ID, '--out', networkFile],
  ]) {
    const r = await runCli(args)
    expect(r.code, `coherence ${args.join(' ')}: ${r.stderr}`).toBe(0)
  }

  // A fresh node without a wallet, listening for peers on any free port (a saved setting).
  const fresh = await tempDir('coherence-node-')
  await writeFile(dataDirLayout(fresh.path).p2p, JSON.stringify({ host: '127.0.0.1', port: 0 }))
  node = await startCliNode({ dataDir: fresh.path, password: null, blockTimeMs: 300 })
})

test.afterAll(async () => {
  await node?.stop()
  await node?.removeDataDir()
  await member?.remove()
})

test('onboarding imports a network file, then the node runs in that network', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000)
  await page.goto(node.uiUrl)
  await expect(page.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 })
  await page.getByRole('button', { name: /Join a network from a file/ }).click()
  const continueButton = page.getByRole('button', { name: 'Continue' })
  await expect(continueButton).toBeDisabled()

  // A file that is not a network file is refused, with the node's reason.
  const picker = page.getByLabel('Network file')
  await picker.setInputFiles(joinRequest)
  const importError = page.getByTestId('network-import-error')
  await expect(importError).toHaveAttribute('data-code', 'ERR_BAD_NETWORK_FILE')
  await expect(importError).toContainText('invalid network file')
  await expect(continueButton).toBeDisabled()

  await picker.setInputFiles(networkFile)
  await expect(page.getByTestId('joined-cluster')).toHaveText(CLUSTER_ID)
  await expect(page.getByTestId('joined-validators')).toHaveText('1')
  // The join request gave no public address: no seed to dial.
  await expect(page.getByTestId('joined-seeds')).toContainText('0')
  await expect(importError).toHaveCount(0)
  await screenshot(page, testInfo, 'onboarding-network-joined')
  await page.emulateMedia({ colorScheme: 'dark' })
  await screenshot(page, testInfo, 'onboarding-network-joined-dark')

  // By keyboard from here: Continue, then the wallet step says which network the node joins.
  await continueButton.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('onboarding-network')).toContainText(CLUSTER_ID)
  await importTestMnemonic(page, PASSWORD, 'chosen')

  // The restored wallet holds the network's only validator key: this node makes its blocks.
  await expect(page.getByTestId('wallet-state')).toHaveAttribute('data-state', 'unlocked', {
    timeout: 30_000,
  })
  await expect(page.getByTestId('cluster-id')).toHaveText(CLUSTER_ID, { timeout: 30_000 })
  const height = page.getByTestId('height')
  await expect(height).toHaveText(/^\d+$/)
  const start = Number(await height.textContent())
  await expect
    .poll(async () => Number(await height.textContent()), {
      message: `the height should rise above ${start}`,
      timeout: 15_000,
    })
    .toBeGreaterThan(start)
  await screenshot(page, testInfo, 'joined-network-status')
})

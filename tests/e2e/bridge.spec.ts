// The bridge in a real browser against two localnet clusters of four validator processes each,
// joined by a bridge (`coherence localnet --clusters 2`): the connected cluster's card with its
// Coherence Score, a wallet send of FLX to an address of the other cluster, its transfer followed
// to "acknowledged" on the Bridge page, and the recipient's balance there read over RPC. Needs
// `npm run build` first.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { parseAmount } from '../../src/shared/amount'
import type { LocalnetManifest } from '../../src/main/cli/localnetCommand'
import { startBridgedLocalnet, type BridgedLocalnet } from '../helpers/localnet'
import { screenshot } from '../helpers/screenshot'
import { waitFor } from '../helpers/tempDir'

/** Eight validators and a browser on a busy two-core machine: every step takes its time. */
const CONNECT_TIMEOUT = 180_000
const TRANSFER_TIMEOUT = 150_000
const SPEND_TIMEOUT = 60_000
const AMOUNT = '2.5'

test.describe('a bridge between two localnet clusters', () => {
  test.describe.configure({ mode: 'serial', timeout: 480_000 })

  let net: BridgedLocalnet
  /** The two clusters' ids, and the password of cluster 0's first member. */
  let ids: [string, string]
  let password: string
  let manifest: LocalnetManifest

  test.beforeAll(async () => {
    test.setTimeout(CONNECT_TIMEOUT + 120_000)
    net = await startBridgedLocalnet({ validators: 4, blockTimeMs: 1000 })
    const [a, b] = net.clusters
    ids = [
      (await a.call(0, 'node.status', {})).clusterId,
      (await b.call(0, 'node.status', {})).clusterId,
    ]
    manifest = JSON.parse(
      await readFile(join(net.dir, 'localnet.json'), 'utf8'),
    ) as LocalnetManifest
    const passwordFile = manifest.clusters[0]!.members[0]!.passwordFile
    password = (await readFile(passwordFile, 'utf8')).split('\n')[0]!
    // The localnet approves the connection once every node runs; each side then verifies the
    // other's headers, relayed by its first member.
    for (const [c, cluster] of net.clusters.entries()) {
      const other = ids[1 - c]!
      await waitFor(
        async () => {
          const info = await cluster.call(0, 'bridge.info', {}).catch(() => null)
          const connection = info?.connections.find((x) => x.cluster === other)
          return connection && connection.trustedHeight > 0 && connection.coherenceScore !== null
            ? true
            : undefined
        },
        CONNECT_TIMEOUT,
        `cluster ${c} to verify headers of ${other}`,
        1000,
      )
    }
  })

  test.afterAll(async () => {
    await net?.stop()
  })

  test('send FLX to the other cluster from the wallet and follow it to "acknowledged"', async ({
    page,
  }, testInfo) => {
    const [here, there] = net.clusters
    const [, thereId] = ids
    const recipient = (await there.call(0, 'wallet.accounts', {})).accounts[0]!.address
    const before = BigInt((await there.call(0, 'account.get', { address: recipient })).balances.FLX)

    await page.goto(here.uiUrls[0]!)
    await expect(page.getByTestId('connection')).toHaveText('connected')
    await expect(page.getByTestId('wallet-state')).toHaveText('unlocked')

    // The Bridge page: the connected cluster's card, its coherence from verified headers.
    await page.getByTestId('nav-bridge').click()
    const card = page.locator(`[data-testid="bridge-cluster"][data-cluster="${thereId}"]`)
    await expect(card).toBeVisible({ timeout: 30_000 })
    await expect(card).toHaveAttribute('data-frozen', 'false')
    const score = card.locator('[data-testid="kpi"][data-kpi="coherenceScore"]')
    await expect(score.getByTestId('kpi-value')).toHaveText(/^\d{1,3}\.\d{2} %$/, {
      timeout: 30_000,
    })
    await expect(score.getByTestId('kpi-target')).toHaveText('≥ 97.00 %')
    await expect(score.getByTestId('kpi-state')).toHaveText(/^\W*Target (met|not met)$/)
    const entropy = card.locator('[data-testid="kpi"][data-kpi="entropyRate"]')
    await expect(entropy.getByTestId('kpi-target')).toHaveText('≤ 0.00200')
    expect(Number(await card.getByTestId('bridge-trusted-height').textContent())).toBeGreaterThan(0)
    // This member relays the other cluster.
    await expect(card.getByTestId('bridge-relay')).toHaveAttribute('data-connected', 'true', {
      timeout: 30_000,
    })
    await expect(page.getByTestId('bridge-transfers-empty')).toBeVisible()

    // The wallet: the other cluster as the destination, then a send of FLX to its member.
    await page.getByTestId('nav-wallet').click()
    const destination = page.locator(`[data-testid="send-destination"][value="${thereId}"]`)
    await expect(destination).toBeVisible({ timeout: 30_000 })
    await destination.check()
    await page.getByTestId('send-to').fill(recipient)
    await expect(page.getByTestId('send-to')).toHaveAttribute('aria-invalid', 'false')
    await page.getByTestId('send-token').selectOption('FLX')
    await page.getByTestId('send-amount').fill(AMOUNT)
    await expect(page.getByTestId('send-review-amount')).toHaveText(`${AMOUNT} FLX`)
    await expect(page.getByTestId('send-review-timeout')).toContainText(/its height \d+/)
    await expect(page.getByTestId('send-review-total')).toHaveText('2.501 FLX')
    await page.getByTestId('send-password').fill(password)
    await page.getByTestId('send-submit').click()

    const result = page.getByTestId('send-result')
    await expect(result).toHaveAttribute('data-status', 'committed', { timeout: SPEND_TIMEOUT })
    const hash = (await result.getAttribute('data-hash')) ?? ''
    const sent = page.locator(`[data-testid="history-item"][data-hash="${hash}"]`)
    await expect(sent.getByTestId('history-description')).toHaveText(
      new RegExp(`^Send ${AMOUNT.replace('.', '\\.')} FLX to ${recipient} on cluster ${thereId} `),
    )
    // The transfer's progress, inline, then on the Bridge page.
    const progress = page.getByTestId('send-transfer')
    await expect(progress).toHaveAttribute('data-sequence', /^\d+$/, { timeout: 30_000 })
    const sequence = (await progress.getAttribute('data-sequence')) ?? ''
    await screenshot(page, testInfo, 'bridge-wallet-send')
    await page.getByTestId('send-open-bridge').click()
    await expect(page.getByTestId('nav-bridge')).toHaveAttribute('aria-current', 'page')

    const row = page.locator(
      `[data-testid="transfer-row"][data-direction="outgoing"][data-cluster="${thereId}"][data-sequence="${sequence}"]`,
    )
    await expect(row).toBeVisible()
    await expect(row).toHaveAttribute('data-recipient', recipient)
    await expect(row.getByTestId('transfer-amount')).toHaveText(`${AMOUNT} FLX`)
    await expect(row.getByTestId('transfer-state')).toHaveAttribute('data-state', 'acknowledged', {
      timeout: TRANSFER_TIMEOUT,
    })
    await expect(row.getByTestId('transfer-state').locator('[aria-current="step"]')).toHaveText(
      /acknowledged/,
    )
    await expect(card.getByTestId('bridge-in-flight')).toHaveAttribute('data-count', '0')

    // The recipient on the other cluster got exactly the amount, and its node lists it credited.
    const after = BigInt((await there.call(0, 'account.get', { address: recipient })).balances.FLX)
    expect(after - before).toBe(parseAmount(AMOUNT))
    const incoming = (await there.call(0, 'bridge.info', {})).transfers.find(
      (t) => t.direction === 'incoming' && t.sequence === Number(sequence),
    )
    expect(incoming?.state).toBe('credited')
    expect(incoming?.recipient).toBe(recipient)

    await screenshot(page, testInfo, 'bridge')
  })

  test('the connect form has the node prepare an approval and the wallet sign it', async ({
    page,
  }, testInfo) => {
    const [here] = net.clusters
    const [, thereId] = ids
    await page.goto(here.uiUrls[0]!)
    await expect(page.getByTestId('wallet-state')).toHaveText('unlocked')
    await page.getByTestId('nav-bridge').click()
    const form = page.getByTestId('bridge-connect')
    await expect(form).toBeVisible({ timeout: 30_000 })

    // The other cluster's network file, as its people would hand it over.
    await form.getByTestId('bridge-connect-file').setInputFiles(manifest.clusters[1]!.network)
    const urls = form.getByTestId('bridge-connect-urls')
    await urls.fill('http://127.0.0.1:1')
    await expect(urls).toHaveAttribute('aria-invalid', 'true')
    await expect(form.getByTestId('bridge-connect-submit')).toBeDisabled()
    await urls.fill('')
    await form.getByTestId('bridge-connect-window').fill('0')
    await expect(form.getByTestId('bridge-connect-submit')).toBeDisabled()
    await form.getByTestId('bridge-connect-window').fill('100')
    await form.getByTestId('bridge-connect-password').fill(password)
    await form.getByTestId('bridge-connect-submit').click()

    // That cluster is connected already: the node names it, and the ledger refuses the approval
    // with its code (the fee is still charged, as for any failed action).
    await expect(form.getByTestId('bridge-connect-cluster')).toContainText(thereId, {
      timeout: SPEND_TIMEOUT,
    })
    const refused = form.locator(
      '[data-testid="bridge-connect-error"], [data-testid="bridge-connect-result"][data-status="failed"]',
    )
    await expect(refused).toHaveAttribute('data-code', 'ERR_BRIDGE_ALREADY_CONNECTED', {
      timeout: SPEND_TIMEOUT,
    })
    await screenshot(page, testInfo, 'bridge-connect-refused')
  })
})

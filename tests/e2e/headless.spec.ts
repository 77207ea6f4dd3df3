// The built UI in a real browser against a real headless node (`coherence start`): what a person
// sees when they open the address the node prints. Needs `npm run build` first.
import { expect, test } from '@playwright/test'
import { nodeStatus } from '../helpers/cliNode'
import { useCliNode } from '../helpers/e2eNode'

const node = useCliNode()

test('shows the live status of the node, pushed without reloading', async ({ page }, testInfo) => {
  await page.goto(node().uiUrl)
  await expect(page.getByTestId('connection')).toHaveText('connected')

  const status = await nodeStatus(node().dataDir)
  await expect(page.getByTestId('cluster-id')).toHaveText(status.clusterId)
  await expect(page.getByTestId('validator-address')).toHaveText(status.validatorAddress)
  await expect(page.getByTestId('account-address')).toHaveText(status.accountAddress)
  for (const token of ['CHR', 'PSY', 'FLX'] as const) {
    await expect(page.getByTestId(`balance-${token}`)).toHaveText('1,000,000')
  }

  // The height moves on screen by push events: no reload, no navigation.
  const height = page.getByTestId('height')
  await expect(height).toHaveText(/^\d+$/)
  const first = Number(await height.textContent())
  await expect
    .poll(async () => Number(await height.textContent()), {
      message: `the height on screen should rise above ${first}`,
      timeout: 15_000,
    })
    .toBeGreaterThan(first)
  await expect(page.getByTestId('last-block-time')).not.toHaveText('none yet')
  // The token moved from the address bar to session storage; the page never navigated.
  expect(page.url()).toBe(node().baseUrl)

  const shot = testInfo.outputPath('headless-ui.png')
  await page.screenshot({ path: shot, fullPage: true })
  await testInfo.attach('headless-ui', { path: shot, contentType: 'image/png' })
})

test('without the token the UI shows "Not connected" and no status', async ({ page }) => {
  await page.goto(node().baseUrl)
  const panel = page.locator('section.panel', {
    has: page.getByRole('heading', { name: 'Not connected' }),
  })
  await expect(panel).toBeVisible()
  await expect(panel).toContainText('access token')
  await expect(page.getByTestId('connection')).toHaveCount(0)
  await expect(page.getByTestId('height')).toHaveCount(0)
  await expect(page.getByTestId('cluster-id')).toHaveCount(0)
  await expect(page.getByTestId('balance-CHR')).toHaveCount(0)
})

test('the RPC WebSocket refuses a wrong token', async ({ page }) => {
  // Same origin as the UI, so only the token differs from what the app itself does.
  await page.goto(node().baseUrl)
  const tryConnect = (url: string): Promise<{ opened: boolean; events: string[] }> =>
    page.evaluate(
      (target) =>
        new Promise<{ opened: boolean; events: string[] }>((done) => {
          const events: string[] = []
          let opened = false
          const ws = new WebSocket(target)
          const timer = setTimeout(() => {
            events.push('timeout')
            done({ opened, events })
          }, 10_000)
          ws.onopen = () => {
            opened = true
            events.push('open')
            ws.close()
          }
          ws.onerror = () => events.push('error')
          ws.onclose = () => {
            events.push('close')
            clearTimeout(timer)
            done({ opened, events })
          }
        }),
      url,
    )

  const wrong = await tryConnect(`ws://127.0.0.1:${node().port}/rpc?token=wrong`)
  expect(wrong.opened).toBe(false)
  expect(wrong.events).toContain('close')
  expect(wrong.events).not.toContain('timeout')
  await expect
    .poll(() => node().stderr(), { message: 'the node should log the refusal' })
    .toContain('Unauthorized')

  // Control: the same call with the real token opens, so the refusal above is the token's doing.
  const right = await tryConnect(
    `ws://127.0.0.1:${node().port}/rpc?token=${encodeURIComponent(node().token)}`,
  )
  expect(right.opened).toBe(true)
})

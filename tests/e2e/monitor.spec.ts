// The node's monitor on the Status page, in a real browser against a localnet of four validator
// processes: the KPIs with their targets, Ψ block by block, the KPI charts growing as blocks
// commit, and the alert raised when a validator is killed, cleared when it comes back. Needs
// `npm run build` first.
import { expect, test, type Locator, type Page } from '@playwright/test'
import { startLocalnet, type Localnet } from '../helpers/localnet'
import { screenshot } from '../helpers/screenshot'

/** An element as a page function sees it (the tests are compiled without the DOM types). */
type PageElement = {
  getAttribute(name: string): string | null
  setAttribute(name: string, value: string): void
}

const MISSING_TITLE = 'A validator is missing blocks'

test.describe('the monitor of a localnet of four validators', () => {
  const VALIDATORS = 4
  // The second test kills and restarts a validator of the network the first one watched.
  test.describe.configure({ mode: 'serial', timeout: 180_000 })

  let net: Localnet

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    net = await startLocalnet({ validators: VALIDATORS, blockTimeMs: 300 })
  })

  test.afterAll(async () => {
    await net?.stop()
  })

  async function openStatus(page: Page): Promise<void> {
    await page.goto(net.uiUrls[0]!)
    await expect(page.getByTestId('connection')).toHaveText('connected')
    await expect(page.getByTestId('nav-status')).toHaveAttribute('aria-current', 'page')
  }

  const kpi = (page: Page, key: string): Locator =>
    page.locator(`[data-testid="kpi"][data-kpi="${key}"]`)

  /** How many points the chart of `key` holds, as uPlot reports it. */
  const chartPoints = async (page: Page, key: string): Promise<number> =>
    Number(
      await page
        .locator(`[data-testid="kpi-chart"][data-kpi="${key}"]`)
        .getAttribute('data-points'),
    )

  test('the Status page shows the KPIs, Ψ of recent blocks and charts that grow every block', async ({
    page,
  }, testInfo) => {
    await openStatus(page)
    await expect(page.getByTestId('kpi-panel')).toBeVisible({ timeout: 30_000 })

    // A KPI without a value says why, in words: never a number in its place.
    for (const text of await page.getByTestId('kpi-no-value').allTextContents()) {
      expect(text).not.toMatch(/^[\d\s.,%×/-]+$/)
      expect(text).toMatch(/[a-z]{3}/)
    }

    const score = kpi(page, 'coherenceScore')
    await expect(score.getByTestId('kpi-value')).toHaveText(/^\d{1,3}\.\d{2} %$/, {
      timeout: 30_000,
    })
    await expect(score.getByTestId('kpi-target')).toHaveText('≥ 97.00 %')
    await expect(score.getByTestId('kpi-samples')).toHaveText(/^\d+ of 100 samples?$/)
    await expect(score.getByTestId('kpi-state')).toHaveText(/^\W*Target (met|not met)$/)

    const entropy = kpi(page, 'entropyRate')
    await expect(entropy.getByTestId('kpi-value')).toHaveText(/^\d\.\d{5}$/, { timeout: 30_000 })
    await expect(entropy.getByTestId('kpi-target')).toHaveText('≤ 0.00200')
    await expect(entropy.getByTestId('kpi-samples')).toHaveText(/^\d+ of 10 samples?$/)

    const own = kpi(page, 'hInternal')
    await expect(own.getByTestId('kpi-value')).toHaveText(/^\d{1,3}\.\d{2} %$/, {
      timeout: 30_000,
    })
    await expect(own.getByTestId('kpi-target')).toHaveText('≥ 98.00 %')

    // The chain is minutes old: CAF has no value, and the node's reason is shown instead.
    const caf = kpi(page, 'caf')
    await expect(caf.getByTestId('kpi-no-value')).toContainText('n/a before one hour of history')
    await expect(caf.getByTestId('kpi-value')).toHaveCount(0)
    await expect(caf.getByTestId('kpi-state')).toHaveText(/No value yet/)
    await expect(caf.getByTestId('kpi-target')).toHaveText('≥ ×1.0500/year')
    await expect(caf.getByTestId('kpi-samples')).toHaveText(/^\d+ samples? over 24\sh$/)

    // The met state follows the node's own verdict, with words as well as colour.
    const report = await net.call(0, 'monitor.kpis', {})
    expect(report.caf.reason).toContain('n/a before one hour of history')
    await expect(score).toHaveAttribute('data-met', /^(true|false)$/)

    // Ψ of the latest heights, each with its value; a commit needs more than two thirds.
    const psi = page.getByTestId('psi-item')
    await expect(psi.first()).toBeVisible()
    for (const text of await psi.allTextContents()) expect(text).toMatch(/\d{2,3}\.\d %\s*#\d+/)
    const lowest = Math.min(
      ...(await psi.evaluateAll((items: PageElement[]) =>
        items.map((i) => Number(i.getAttribute('data-psi'))),
      )),
    )
    expect(lowest).toBeGreaterThan(2 / 3)

    // One chart per KPI, each a uPlot canvas that gains a point per block without being rebuilt.
    await expect(page.getByTestId('kpi-chart')).toHaveCount(4)
    const canvas = page.locator('[data-testid="kpi-chart"][data-kpi="coherenceScore"] canvas')
    await expect(canvas).toHaveCount(1)
    await canvas.evaluate((c: PageElement) => c.setAttribute('data-e2e-mark', 'first'))
    await expect
      .poll(() => chartPoints(page, 'coherenceScore'), { timeout: 30_000 })
      .toBeGreaterThan(0)
    const before = await chartPoints(page, 'coherenceScore')
    await expect
      .poll(() => chartPoints(page, 'coherenceScore'), {
        message: `the chart should grow beyond ${before} points`,
        timeout: 30_000,
      })
      .toBeGreaterThan(before + 2)
    await expect(canvas).toHaveAttribute('data-e2e-mark', 'first')
    // CAF's chart has points but no value to draw: it says why.
    const cafChart = page.locator('figure', { has: page.locator('[data-kpi="caf"]') })
    await expect(cafChart.getByTestId('kpi-chart-empty')).toContainText(
      'n/a before one hour of history',
    )

    const height = Number(await page.getByTestId('kpi-height').textContent())
    await expect
      .poll(async () => Number(await page.getByTestId('kpi-height').textContent()), {
        message: `the KPIs' height should rise above ${height}`,
        timeout: 15_000,
      })
      .toBeGreaterThan(height)

    await screenshot(page, testInfo, 'monitor-kpis')

    // Another range reads the history again (one point a minute), in the same chart, and the
    // latest block's point joins it.
    const hourPoints = await chartPoints(page, 'coherenceScore')
    await page.getByRole('radio', { name: 'Last day' }).check()
    await expect
      .poll(() => chartPoints(page, 'coherenceScore'), {
        message: `the day's history should hold fewer points than the hour's ${hourPoints}`,
        timeout: 30_000,
      })
      .toBeLessThan(hourPoints)
    await expect(page.getByTestId('kpi-history-error')).toHaveCount(0)
    await expect
      .poll(() => chartPoints(page, 'coherenceScore'), { timeout: 30_000 })
      .toBeGreaterThan(0)
    await expect(canvas).toHaveAttribute('data-e2e-mark', 'first')
    await page.getByRole('radio', { name: 'Last hour' }).check()
    await expect
      .poll(() => chartPoints(page, 'coherenceScore'), { timeout: 30_000 })
      .toBeGreaterThan(before)

    // The charts are drawn again in the theme's colours when the system turns dark.
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect(canvas).not.toHaveAttribute('data-e2e-mark', 'first')
    await expect(canvas).toHaveCount(1)
    await screenshot(page, testInfo, 'monitor-kpis-dark')
  })

  test('a killed validator raises an alert on screen that clears when it comes back', async ({
    page,
  }, testInfo) => {
    const address = (await net.call(3, 'node.status', {})).validatorAddress
    await openStatus(page)
    await expect(page.getByTestId('alerts-panel')).toBeVisible({ timeout: 30_000 })
    const missing = page
      .getByTestId('alerts-active')
      .locator(`[data-testid="alert"][data-id="validator.missing:${address}"]`)
    await expect(missing).toHaveCount(0)

    await net.kill(3)

    // Pushed by the node (the Alerts event) once it missed three blocks in a row: no reload.
    await expect(missing).toBeVisible({ timeout: 20_000 })
    await expect(missing.getByTestId('alert-title')).toHaveText(MISSING_TITLE)
    await expect(missing.getByTestId('alert-detail')).toContainText(address)
    await expect(missing).toHaveAttribute('data-severity', 'warning')
    await expect(missing).toContainText('What to do:')
    await expect(missing.getByTestId('alert-since')).toHaveText(/^Since .+ \(\d+ (s|min) ago\)$/)
    const badge = page.getByTestId('alert-badge')
    await expect(badge).toBeVisible()
    expect(Number(await badge.getAttribute('data-count'))).toBeGreaterThanOrEqual(1)
    // Ψ shows the missing quarter of the voting power.
    await expect(page.locator('[data-testid="psi-item"][data-psi="0.75"]').first()).toBeVisible()

    await screenshot(page, testInfo, 'monitor-alert')

    await net.restart(3)

    // Once its signature is back in a commit, the alert ends and moves to the history.
    await expect(missing).toHaveCount(0, { timeout: 90_000 })
    const history = page.getByTestId('alert-history')
    await history.locator('summary').click()
    const ended = history.locator(`[data-testid="alert"][data-id="validator.missing:${address}"]`)
    await expect(ended.first()).toBeVisible()
    await expect(ended.first().getByTestId('alert-title')).toHaveText(MISSING_TITLE)
    await expect(ended.first().getByTestId('alert-cleared')).toHaveText(
      /cleared .+ \(\d+ (s|min) ago\)$/,
    )
    await expect(ended.first().getByTestId('alert-since')).toHaveText(/^Since /)

    await screenshot(page, testInfo, 'monitor-alert-cleared')
  })
})

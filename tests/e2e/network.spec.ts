// The Network and Validators pages in a real browser against real headless nodes: who validates,
// who signed the latest blocks, the peers and block sync, and the files that set up a network.
// First a lone devnet node, then a localnet of four validator processes, one of which is killed.
// What the pages show is compared with what the nodes report on their own (their RPC, `coherence
// status --json`). Needs `npm run build` first.
import { readFile } from 'node:fs/promises'
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test'
import { RELAYER_FLX } from '../../src/main/node/p2p/networkFile'
import { nodeStatus, startCliNode, type CliNode } from '../helpers/cliNode'
import { startLocalnet, type Localnet } from '../helpers/localnet'
import { screenshot } from '../helpers/screenshot'

/** The running nodes, and the one whose UI the tests open. */
interface TestNetwork {
  readonly nodes: readonly CliNode[]
  readonly ui: CliNode
  stop(): Promise<void>
}

/**
 * A lone devnet node: its own only validator, with no peers. Blocks a second apart, so that the
 * signatures grid (the node keeps the latest 20 commits) is seen filling up before it is full.
 */
async function startNetwork(): Promise<TestNetwork> {
  const node = await startCliNode({ blockTimeMs: 1000 })
  return {
    nodes: [node],
    ui: node,
    async stop() {
      await node.stop()
      await node.removeDataDir()
    },
  }
}

/** Clicks the button that downloads a file and returns the file's path and parsed JSON. */
async function downloadJson(
  page: Page,
  testInfo: TestInfo,
  button: Locator,
): Promise<{ name: string; path: string; json: Record<string, unknown> }> {
  const download = page.waitForEvent('download')
  await button.click()
  const file = await download
  const path = testInfo.outputPath(file.suggestedFilename())
  await file.saveAs(path)
  const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
  return { name: file.suggestedFilename(), path, json }
}

test.describe('a lone devnet node', () => {
  let network: TestNetwork

  test.beforeAll(async () => {
    network = await startNetwork()
  })

  test.afterAll(async () => {
    await network?.stop()
  })

  test('the Validators page lists the validator and fills its signatures as blocks commit', async ({
    page,
  }, testInfo) => {
    await page.goto(network.ui.uiUrl)
    await expect(page.getByTestId('connection')).toHaveText('connected')
    await page.getByTestId('nav-validators').click()

    const self = (await nodeStatus(network.ui.dataDir)).validatorAddress
    const rows = page.getByTestId('validator-row')
    await expect(rows).toHaveCount(network.nodes.length)
    const own = page.locator(`[data-testid="validator-row"][data-address="${self}"]`)
    await expect(own).toHaveAttribute('data-self', 'true')
    await expect(own.getByTestId('validator-self')).toHaveText('this node')
    await expect(own.getByTestId('validator-power-unit')).toHaveText('CHR')
    await expect(own.getByTestId('validator-share')).toHaveText('100.00 %')
    await expect(page.getByTestId('consensus-height')).toHaveText(/^\d+$/)
    await expect(page.getByTestId('consensus-role')).toHaveAttribute('data-validator', 'true')
    await expect(page.getByTestId('consensus-proposer')).toHaveAttribute('title', self)

    // The grid grows by one signed cell per block, pushed by BlockCommitted: no reload.
    const ownRow = page.locator(`[data-testid="signature-row"][data-address="${self}"]`)
    const signed = ownRow.locator('[data-testid="signature-cell"][data-signed="true"]')
    await expect(signed.first()).toBeVisible()
    const first = await signed.count()
    await expect
      .poll(() => signed.count(), {
        message: `the signed cells should grow beyond ${first}`,
        timeout: 15_000,
      })
      .toBeGreaterThan(first)
    // A lone validator signs every block it commits.
    await expect(ownRow.locator('[data-signed="false"]')).toHaveCount(0)
    const ratio = ownRow.getByTestId('signed-ratio')
    await expect(ratio).toHaveText(/^(\d+) of \1\s+\(100 %\)$/)
    await expect(signed.last()).toHaveAttribute('aria-label', /^signed block \d+$/)
    await expect(page.getByTestId('evidence-empty')).toBeVisible()

    await screenshot(page, testInfo, 'validators-page')
  })

  test('the Network page of a lone node: no peers, synced, reached from the Status page', async ({
    page,
  }, testInfo) => {
    await page.goto(network.ui.uiUrl)
    await expect(page.getByTestId('connection')).toHaveText('connected')

    await expect(page.getByTestId('status-peers')).toHaveText('no peers')
    await expect(page.getByTestId('status-sync')).toHaveText('synced')
    await page.getByTestId('status-network').click()
    await expect(page.getByTestId('nav-network')).toHaveAttribute('aria-current', 'page')

    await expect(page.getByTestId('network-node-id')).toHaveAttribute('data-id', /^[0-9a-f]{64}$/)
    await expect(page.getByTestId('network-known-addresses')).toHaveText('0')
    await expect(page.getByTestId('peers-empty')).toContainText('coherence start --network FILE')
    await expect(page.getByTestId('peer-row')).toHaveCount(0)

    await expect(page.getByTestId('sync-state')).toHaveText('synced')
    const progress = page.getByRole('progressbar', { name: 'Block sync' })
    await expect(progress).toHaveAttribute('aria-valuetext', /, 100\.0 %$/)
    // Sync follows the chain: the height on the page rises with the node's (refreshed every 2 s).
    const height = page.getByTestId('sync-height')
    const before = Number(await height.textContent())
    await expect
      .poll(async () => Number(await height.textContent()), {
        message: `the sync height should rise above ${before}`,
        timeout: 15_000,
      })
      .toBeGreaterThan(before)
    await expect(page.getByTestId('sync-target')).toHaveText(/^\d+$/)

    await screenshot(page, testInfo, 'network-page')
  })

  test('the Network page exports a join request and assembles a network file from it', async ({
    page,
  }, testInfo) => {
    await page.goto(network.ui.uiUrl)
    await expect(page.getByTestId('connection')).toHaveText('connected')
    await page.getByTestId('nav-network').click()
    const setup = page.getByTestId('network-setup')
    await expect(setup).toContainText('coherence start --network FILE')

    // The join request: a wrong address is refused by the node with its reason.
    const request = page.getByTestId('join-request-form')
    await request.getByLabel('Name').fill('Ada Lovelace')
    const address = request.getByLabel('Public address (optional)')
    await address.fill('http://127.0.0.1:26656')
    const exportButton = request.getByRole('button', { name: 'Export join request' })
    await exportButton.click()
    await expect(page.getByTestId('join-request-error')).toContainText('ws://host:port')
    await address.fill('ws://127.0.0.1:26656')
    const joinRequest = await downloadJson(page, testInfo, exportButton)
    expect(joinRequest.name).toBe('join-request-ada-lovelace.json')
    const own = await nodeStatus(network.ui.dataDir)
    expect(joinRequest.json).toMatchObject({
      kind: 'coherence-join-request',
      name: 'Ada Lovelace',
      account: own.accountAddress,
      peerUrl: 'ws://127.0.0.1:26656',
    })
    await expect(page.getByTestId('join-request-saved')).toHaveText(`Saved ${joinRequest.name}`)

    // The network file from that request: a cluster id the genesis refuses, then a good one.
    const assemble = page.getByTestId('assemble-network-form')
    await assemble.getByTestId('join-request-files').setInputFiles(joinRequest.path)
    await expect(assemble.getByTestId('join-requests-picked')).toHaveText(joinRequest.name)
    const clusterId = assemble.getByLabel('Cluster id')
    const assembleButton = assemble.getByRole('button', { name: 'Assemble and save' })
    await clusterId.fill('Not-Valid')
    await assembleButton.click()
    await expect(page.getByTestId('assemble-error')).toContainText('lower-case')
    await clusterId.fill('e2e-friends')
    const networkFile = await downloadJson(page, testInfo, assembleButton)
    expect(networkFile.name).toBe('network.json')
    expect(networkFile.json).toMatchObject({
      kind: 'coherence-network',
      genesis: {
        clusterId: 'e2e-friends',
        // The member's account, then its identity account with FLX for relay fees only.
        accounts: [
          { address: own.accountAddress },
          { balances: { CHR: '0', PSY: '0', FLX: RELAYER_FLX.toString() } },
        ],
      },
      seeds: [{ url: 'ws://127.0.0.1:26656' }],
    })
    await expect(page.getByTestId('network-file-saved')).toHaveText(
      'Saved network.json: network e2e-friends with 1 validator.',
    )
    // Assembling a file leaves this node in its own network.
    expect((await nodeStatus(network.ui.dataDir)).clusterId).toBe(own.clusterId)

    await screenshot(page, testInfo, 'network-setup')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, testInfo, 'network-setup-dark')
  })
})

/** A signature cell as the page function sees it (the tests are compiled without the DOM types). */
type Cell = { getAttribute(name: string): string | null }

/** The block heights of the signature cells `cells` finds, read in one go. */
function cellHeights(cells: Locator): Promise<number[]> {
  return cells.evaluateAll((found: Cell[]) =>
    found.map((c) => Number(c.getAttribute('data-height'))),
  )
}

/** The highest block height whose signature cell in `row` is filled (0 when none is). */
async function newestSigned(row: Locator): Promise<number> {
  const heights = await cellHeights(
    row.locator('[data-testid="signature-cell"][data-signed="true"]'),
  )
  return Math.max(0, ...heights)
}

test.describe('a localnet of four validators', () => {
  const VALIDATORS = 4
  // The tests build on each other: the last one kills a validator.
  test.describe.configure({ mode: 'serial', timeout: 120_000 })

  let net: Localnet
  /** Each validator's address, by its index in the localnet. */
  let addresses: string[] = []

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    net = await startLocalnet({ validators: VALIDATORS, blockTimeMs: 500 })
    addresses = await Promise.all(
      net.uiUrls.map(async (_, i) => (await net.call(i, 'node.status', {})).validatorAddress),
    )
  })

  test.afterAll(async () => {
    await net?.stop()
  })

  /** Validator `i`'s row in the signature grid. */
  const signatureRow = (page: Page, i: number): Locator =>
    page.locator(`[data-testid="signature-row"][data-address="${addresses[i]}"]`)

  test('validator 0 lists the three others as peers, with their latency and height', async ({
    page,
  }, testInfo) => {
    await page.goto(net.uiUrls[0]!)
    await expect(page.getByTestId('connection')).toHaveText('connected')
    await page.getByTestId('nav-network').click()

    const others = await Promise.all(
      [1, 2, 3].map(async (i) => (await net.call(i, 'node.network', {})).id),
    )
    const rows = page.getByTestId('peer-row')
    await expect(rows).toHaveCount(VALIDATORS - 1, { timeout: 30_000 })
    for (const id of others) {
      const row = page.locator(`[data-testid="peer-row"][data-id="${id}"]`)
      // Peers are pinged every few seconds: the latency appears after the first answer.
      await expect(row.getByTestId('peer-latency')).toHaveText(/^\d+ ms$/, { timeout: 20_000 })
      await expect(row.getByTestId('peer-height')).toHaveText(/^[1-9]\d*$/)
    }
    // The heights the peers report follow the chain, refreshed without a reload.
    const firstRow = rows.first().getByTestId('peer-height')
    const before = Number(await firstRow.textContent())
    await expect
      .poll(async () => Number(await firstRow.textContent()), {
        message: `a peer's height should rise above ${before}`,
        timeout: 15_000,
      })
      .toBeGreaterThan(before)
    await expect(page.getByTestId('sync-state')).toHaveText('synced')
    await expect(page.getByTestId('peers-empty')).toHaveCount(0)

    await screenshot(page, testInfo, 'localnet-network-page')
  })

  test('the Validators page shows four validators of 25 % each, all signing live', async ({
    page,
  }, testInfo) => {
    await page.goto(net.uiUrls[0]!)
    await expect(page.getByTestId('connection')).toHaveText('connected')
    await page.getByTestId('nav-validators').click()

    const rows = page.getByTestId('validator-row')
    await expect(rows).toHaveCount(VALIDATORS)
    for (const [i, address] of addresses.entries()) {
      const row = page.locator(`[data-testid="validator-row"][data-address="${address}"]`)
      await expect(row.getByTestId('validator-share')).toHaveText('25.00 %')
      await expect(row).toHaveAttribute('data-self', String(i === 0))
    }
    await expect(page.getByTestId('consensus-role')).toHaveAttribute('data-validator', 'true')

    // Every row's newest signed block moves on as blocks commit, pushed without a reload.
    await expect(page.getByTestId('signature-row')).toHaveCount(VALIDATORS)
    for (let i = 0; i < VALIDATORS; i++) {
      const row = signatureRow(page, i)
      await expect(row.locator('[data-signed="true"]').first()).toBeVisible()
      const before = await newestSigned(row)
      await expect
        .poll(() => newestSigned(row), {
          message: `validator ${i} should sign a block after ${before}`,
          timeout: 15_000,
        })
        .toBeGreaterThan(before)
    }
    await expect(page.getByTestId('evidence-empty')).toBeVisible()

    await screenshot(page, testInfo, 'localnet-validators-page')
  })

  test('a killed validator misses blocks while the three others keep signing', async ({
    page,
  }, testInfo) => {
    await page.goto(net.uiUrls[0]!)
    await expect(page.getByTestId('connection')).toHaveText('connected')
    await page.getByTestId('nav-validators').click()
    await expect(signatureRow(page, 3).locator('[data-signed="true"]').first()).toBeVisible()

    await net.kill(3)
    // Read after its death: the block being decided then may still carry a vote it sent just
    // before; no later block can.
    const lastSignable = (await net.call(0, 'node.status', {})).height + 1

    // Three of four still hold more than two thirds of the power: blocks go on without it.
    const down = signatureRow(page, 3)
    const missed = down.locator('[data-testid="signature-cell"][data-signed="false"]')
    await expect
      .poll(async () => (await cellHeights(missed)).filter((h) => h > lastSignable).length, {
        message: `validator 3 should miss the blocks after ${lastSignable}`,
        timeout: 30_000,
      })
      .toBeGreaterThan(0)
    await expect(missed.last()).toHaveAttribute('aria-label', /^missed block \d+$/)
    for (let i = 0; i < VALIDATORS - 1; i++) {
      await expect
        .poll(() => newestSigned(signatureRow(page, i)), {
          message: `validator ${i} should keep signing after ${lastSignable}`,
          timeout: 30_000,
        })
        .toBeGreaterThan(lastSignable)
    }
    expect(await newestSigned(down)).toBeLessThanOrEqual(lastSignable)

    await page.getByTestId('nav-network').click()
    await expect(page.getByTestId('peer-row')).toHaveCount(VALIDATORS - 2, { timeout: 30_000 })

    await page.getByTestId('nav-validators').click()
    await expect(down.locator('[data-signed="false"]').first()).toBeVisible()
    await screenshot(page, testInfo, 'localnet-validator-down')
  })
})

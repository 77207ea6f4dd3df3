// The staking page in a real browser against a real headless devnet node: stake CHR on this
// node's own validator key, unstake part of it, and see the stake and the unbonding entry as the
// node reports them (`coherence staking show --json`). Needs `npm run build` first.
import { expect, test, type Locator } from '@playwright/test'
import { ONE_TOKEN } from '../../src/shared/tokens'
import type { StakingInfo } from '../../src/shared/ipc/contract'
import { DEVNET_VALIDATOR_POWER } from '../../src/main/node/devnet'
import { runCli, TEST_PASSWORD } from '../helpers/cliNode'
import { SPEND_TIMEOUT, useCliNode } from '../helpers/e2eNode'
import { screenshot } from '../helpers/screenshot'

const node = useCliNode()

async function stakingShow(): Promise<StakingInfo> {
  const r = await runCli(['staking', 'show', '--data-dir', node().dataDir, '--json'])
  if (r.code !== 0) throw new Error(`coherence staking show failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout) as StakingInfo
}

/** The height a spend's result line reports once its transaction is committed. */
async function committedHeight(result: Locator): Promise<number> {
  await expect(result).toHaveAttribute('data-status', 'committed', { timeout: SPEND_TIMEOUT })
  const text = (await result.textContent()) ?? ''
  return Number(/committed at height (\d+)/.exec(text)?.[1])
}

test('stake on this node, unstake part of it, and see the unbonding entry', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000)
  await page.goto(node().uiUrl)
  await expect(page.getByTestId('wallet-state')).toHaveText('unlocked')
  await page.getByTestId('nav-staking').click()

  const info = await stakingShow()
  const own = page.locator(`[data-testid="stake-row"][data-public-key="${info.self.publicKey}"]`)
  await expect(own).toHaveAttribute('data-units', DEVNET_VALIDATOR_POWER.toString())
  await expect(own.getByTestId('stake-self')).toBeVisible()
  await expect(own).toHaveAttribute('data-active', 'true')

  await page.getByTestId('stake-amount').fill('5')
  await page.getByTestId('stake-password').fill(TEST_PASSWORD)
  await page.getByTestId('stake-submit').click()
  await committedHeight(page.getByTestId('stake-result'))
  const staked = DEVNET_VALIDATOR_POWER + 5n * ONE_TOKEN
  await expect(own).toHaveAttribute('data-units', staked.toString())

  await page.getByTestId('unstake-amount').fill('2')
  await page.getByTestId('unstake-password').fill(TEST_PASSWORD)
  await page.getByTestId('unstake-submit').click()
  const height = await committedHeight(page.getByTestId('unstake-result'))
  await expect(own).toHaveAttribute('data-units', (staked - 2n * ONE_TOKEN).toString())
  const entry = page.getByTestId('unbonding-row')
  await expect(entry).toHaveAttribute('data-units', (2n * ONE_TOKEN).toString())
  await expect(entry).toHaveAttribute('data-release-height', String(height + info.unbondingBlocks))

  const after = await stakingShow()
  expect(after.validators.find((v) => v.publicKey === info.self.publicKey)?.amount).toBe(
    (staked - 2n * ONE_TOKEN).toString(),
  )
  expect(after.unbonding).toEqual([
    {
      owner: after.validators[0]!.owner,
      amount: (2n * ONE_TOKEN).toString(),
      releaseHeight: height + info.unbondingBlocks,
    },
  ])
  await screenshot(page, testInfo, 'staking')
})

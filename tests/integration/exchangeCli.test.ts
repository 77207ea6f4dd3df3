import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ONE_TOKEN } from '../../src/shared/tokens'
import { nodeStatus, runCli, startCliNode, TEST_PASSWORD, type CliNode } from '../helpers/cliNode'
import { waitFor } from '../helpers/tempDir'

describe('coherence tx send / tx swap / pool against a running node', () => {
  let node: CliNode
  let passwordFile: string

  beforeAll(async () => {
    node = await startCliNode({ blockTimeMs: 200 })
    passwordFile = join(node.dataDir, 'cli-password.txt')
    await writeFile(passwordFile, TEST_PASSWORD + '\n', { mode: 0o600 })
  })
  afterAll(async () => {
    await node.stop()
    await node.removeDataDir()
  })

  const cli = (args: string[]) => runCli([...args, '--data-dir', node.dataDir])

  it('shows the pool and quotes a swap the way the ledger will execute it', async () => {
    const show = await cli(['pool', 'show', '--account', '0', '--json'])
    expect(show.code).toBe(0)
    const { pool, position } = JSON.parse(show.stdout) as {
      pool: { reserves: { FLX: string }; swapFee: string; totalShares: string }
      position: { shares: string }
    }
    expect(pool.reserves.FLX).toBe((100_000n * ONE_TOKEN).toString())
    expect(position.shares).toBe(pool.totalShares)
    const quote = await cli([
      'pool',
      'quote',
      '--in',
      'FLX',
      '--out',
      'CHR',
      '--amount-in',
      '10',
      '--json',
    ])
    expect(quote.code).toBe(0)
    const q = JSON.parse(quote.stdout) as { amountIn: string; amountOut: string; limit: string }
    expect(q.amountIn).toBe((10n * ONE_TOKEN).toString())
    expect(BigInt(q.amountOut)).toBeGreaterThan(9n * ONE_TOKEN)
    expect(BigInt(q.limit)).toBe((BigInt(q.amountOut) * 9950n) / 10000n)
  })

  it('swaps and sends with the wallet, confirmed by the password', async () => {
    const before = await nodeStatus(node.dataDir)
    const swap = await cli([
      'tx',
      'swap',
      '--in',
      'FLX',
      '--out',
      'CHR',
      '--amount-out',
      '5',
      '--password-file',
      passwordFile,
      '--json',
    ])
    expect(swap.code, swap.stderr).toBe(0)
    const { quote } = JSON.parse(swap.stdout) as { quote: { amountIn: string; limit: string } }
    await waitFor(
      async () =>
        (await nodeStatus(node.dataDir)).balances.CHR !== before.balances.CHR ? true : undefined,
      20_000,
      'the swap to commit',
    )
    const after = await nodeStatus(node.dataDir)
    expect(BigInt(after.balances.CHR) - BigInt(before.balances.CHR)).toBe(5n * ONE_TOKEN)
    // Paid the fee plus at most the limit; the swap fee may have moved since the quote (the fee
    // controller adjusts it every block), but never past the tolerance.
    const paid = BigInt(before.balances.FLX) - BigInt(after.balances.FLX) - ONE_TOKEN / 1000n
    expect(paid).toBeLessThanOrEqual(BigInt(quote.limit))
    expect(paid).toBeGreaterThan(5n * ONE_TOKEN)

    const wrong = join(node.dataDir, 'wrong-password.txt')
    await writeFile(wrong, 'not the password\n')
    const refused = await cli([
      'tx',
      'send',
      '--to',
      after.validatorAddress,
      '--token',
      'FLX',
      '--amount',
      '1',
      '--password-file',
      wrong,
    ])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('ERR_BAD_PASSWORD')

    const send = await cli([
      'tx',
      'send',
      '--to',
      after.validatorAddress,
      '--token',
      'PSY',
      '--amount',
      '2',
      '--password-file',
      passwordFile,
    ])
    expect(send.code, send.stderr).toBe(0)
    await waitFor(
      async () =>
        (await nodeStatus(node.dataDir)).balances.PSY !== after.balances.PSY ? true : undefined,
      20_000,
      'the transfer to commit',
    )
    const final = await nodeStatus(node.dataDir)
    // 2 PSY plus the 1 % flow fee.
    expect(BigInt(after.balances.PSY) - BigInt(final.balances.PSY)).toBe(
      2n * ONE_TOKEN + (2n * ONE_TOKEN) / 100n,
    )
  })

  it('refuses bad arguments with usage errors', async () => {
    expect(
      (await cli(['tx', 'swap', '--in', 'FLX', '--out', 'FLX', '--amount-in', '1'])).code,
    ).toBe(2)
    expect((await cli(['pool', 'quote', '--in', 'FLX', '--out', 'CHR'])).code).toBe(2)
    expect(
      (await cli(['tx', 'send', '--to', 'nope', '--token', 'FLX', '--amount', '1'])).code,
    ).toBe(2)
  })
})

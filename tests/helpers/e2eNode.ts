// One headless node shared by the tests of a Playwright spec file.
import { test } from '@playwright/test'
import { startCliNode, type CliNode } from './cliNode'

/** wallet.submit checks the password with scrypt (n=2^18): seconds on a busy machine. */
export const SPEND_TIMEOUT = 20_000

/** Starts a node (300 ms blocks) before the file's tests and removes it after; returns it. */
export function useCliNode(): () => CliNode {
  let node: CliNode | undefined
  test.beforeAll(async () => {
    node = await startCliNode({ blockTimeMs: 300 })
  })
  test.afterAll(async () => {
    await node?.stop()
    await node?.removeDataDir()
  })
  return () => {
    if (!node) throw new Error('the node has not started')
    return node
  }
}

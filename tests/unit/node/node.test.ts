import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeAddress } from '../../../src/shared/address'
import { ONE_TOKEN, TOKEN_ID } from '../../../src/shared/tokens'
import { addressOf } from '../../../src/main/node/crypto'
import { silentLogger } from '../../../src/main/node/logger'
import { CoherenceNode } from '../../../src/main/node/node'
import { ChainStore } from '../../../src/main/node/storage/store'
import { tempDir, waitFor } from '../../helpers/tempDir'
import { signedTransfer, testSigner, txHex } from '../../helpers/txs'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** The keys a node runs with: its consensus key and the account a new devnet funds. */
function nodeKeys() {
  return { consensus: testSigner(), account: testSigner() }
}

/** A node on `dataDir` with its own store; stopping it also releases the store. */
async function openNode(dataDir: string, keys: ReturnType<typeof nodeKeys>) {
  const store = await ChainStore.open(join(dataDir, 'db'))
  const node = await CoherenceNode.start({
    dataDir,
    store,
    consensusSigner: keys.consensus,
    accountPublicKey: keys.account.publicKey(),
    blockTimeMs: 50,
    logger: silentLogger,
  })
  return {
    node,
    stop: async () => {
      await node.stop()
      await store.close()
    },
  }
}

async function startNode(dataDir: string, keys = nodeKeys()): Promise<CoherenceNode> {
  const { node, stop } = await openNode(dataDir, keys)
  cleanups.push(stop)
  return node
}

describe('a one-validator devnet node', () => {
  it('produces blocks and commits a submitted transfer', async () => {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    const keys = nodeKeys()
    const node = await startNode(dir.path, keys)
    await waitFor(() => (node.chain.height >= 2 ? true : undefined), 10_000, 'two blocks')
    const status = node.status()
    const sender = keys.account
    const recipient = testSigner()
    const fee = ONE_TOKEN / 1000n
    const tx = signedTransfer(status.clusterId, sender, {
      to: recipient.address,
      token: TOKEN_ID.PSY,
      amount: 7n * ONE_TOKEN,
      nonce: 0,
      fee,
    })
    const { hash } = node.submitTx(txHex(tx))
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(() => node.submitTx(txHex(tx))).toThrow(
      expect.objectContaining({ code: 'ERR_TX_DUPLICATE' }),
    )
    await waitFor(
      () => (node.status().balances.PSY !== status.balances.PSY ? true : undefined),
      10_000,
      'the transfer to commit',
    )
    const after = node.status()
    // The sender also paid the 1 % PSY flow fee into the pool.
    expect(BigInt(after.balances.PSY)).toBe(
      BigInt(status.balances.PSY) - 7n * ONE_TOKEN - (7n * ONE_TOKEN) / 100n,
    )
    // The fee went to the validator (this node), so the supply is unchanged.
    const validator = node.account(after.validatorAddress)
    expect(BigInt(validator.balances.FLX)).toBe(fee)
    expect(node.chain.state.account(recipient.address).balances[TOKEN_ID.PSY]).toBe(7n * ONE_TOKEN)
    expect(node.account(after.accountAddress).nonce).toBe(1)
    expect(decodeAddress(after.accountAddress)).toEqual(addressOf(sender.publicKey()))
  })

  it('refuses bad transactions at the door with their codes', async () => {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    const node = await startNode(dir.path)
    const status = node.status()
    const stranger = testSigner()
    const poor = signedTransfer(status.clusterId, stranger, {
      to: stranger.address,
      token: TOKEN_ID.CHR,
      amount: 1n,
      nonce: 0,
      fee: ONE_TOKEN / 1000n,
    })
    expect(() => node.submitTx(txHex(poor))).toThrow(
      expect.objectContaining({ code: 'ERR_INSUFFICIENT_BALANCE' }),
    )
    expect(() => node.submitTx('00ff')).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED_TX' }),
    )
    expect(node.status().mempoolSize).toBe(0)
  })

  it('continues from the same height and state after a restart', async () => {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    const keys = nodeKeys()
    const first = await openNode(dir.path, keys)
    await waitFor(() => (first.node.chain.height >= 3 ? true : undefined), 10_000, 'three blocks')
    await first.stop()
    const stopped = first.node.status()
    const second = await startNode(dir.path, keys)
    expect(second.status().height).toBe(stopped.height)
    expect(second.status().latestBlockHash).toBe(stopped.latestBlockHash)
    expect(second.status().clusterId).toBe(stopped.clusterId)
    await waitFor(
      () => (second.chain.height > stopped.height ? true : undefined),
      10_000,
      'a new block',
    )
    const next = await second.chain.block(stopped.height + 1)
    expect(Buffer.from(next!.header.prevHash).toString('hex')).toBe(stopped.latestBlockHash)
  })

  it('refuses a second store on the same data directory', async () => {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    await startNode(dir.path)
    await expect(ChainStore.open(join(dir.path, 'db'))).rejects.toMatchObject({
      code: 'ERR_DATA_DIR_LOCKED',
    })
  })
})

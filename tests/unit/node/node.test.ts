import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeAddress } from '../../../src/shared/address'
import { ONE_TOKEN, TOKEN_ID } from '../../../src/shared/tokens'
import { Ed25519Signer } from '../../../src/main/keys/signer'
import { addressOf } from '../../../src/main/node/crypto'
import { silentLogger } from '../../../src/main/node/logger'
import { CoherenceNode } from '../../../src/main/node/node'
import { fromHex } from '../../../src/shared/encoding'
import { tempDir, waitFor } from '../../helpers/tempDir'
import { signedTransfer, testSigner, txHex } from '../../helpers/txs'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function startNode(dataDir: string): Promise<CoherenceNode> {
  const node = await CoherenceNode.start({ dataDir, blockTimeMs: 50, logger: silentLogger })
  cleanups.push(() => node.stop())
  return node
}

async function accountSigner(dataDir: string) {
  const file = JSON.parse(await readFile(`${dataDir}/node-key.json`, 'utf8')) as {
    accountSeed: string
  }
  return new Ed25519Signer(fromHex(file.accountSeed))
}

describe('a one-validator devnet node', () => {
  it('produces blocks and commits a submitted transfer', async () => {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    const node = await startNode(dir.path)
    await waitFor(() => (node.chain.height >= 2 ? true : undefined), 10_000, 'two blocks')
    const status = node.status()
    const sender = await accountSigner(dir.path)
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
    expect(BigInt(after.balances.PSY)).toBe(BigInt(status.balances.PSY) - 7n * ONE_TOKEN)
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
    const first = await CoherenceNode.start({
      dataDir: dir.path,
      blockTimeMs: 50,
      logger: silentLogger,
    })
    await waitFor(() => (first.chain.height >= 3 ? true : undefined), 10_000, 'three blocks')
    await first.stop()
    const stopped = first.status()
    const second = await startNode(dir.path)
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

  it('refuses a second node on the same data directory', async () => {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    await startNode(dir.path)
    await expect(
      CoherenceNode.start({ dataDir: dir.path, blockTimeMs: 50, logger: silentLogger }),
    ).rejects.toMatchObject({ code: 'ERR_DATA_DIR_LOCKED' })
  })
})

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { decodeAddress } from '../../../src/shared/address'
import { fromHex, toHex } from '../../../src/shared/encoding'
import {
  CHANNELS,
  EVENTS,
  SECRET_DISPLAY_CHANNELS,
  type WalletAccount,
} from '../../../src/shared/ipc/contract'
import { ONE_TOKEN, TOKEN_ID } from '../../../src/shared/tokens'
import { mnemonicToEntropy, mnemonicToSeed } from '../../../src/main/keys/mnemonic'
import { keyPath } from '../../../src/main/keys/paths'
import { derivePath } from '../../../src/main/keys/slip10'
import { serializeUnsignedTx } from '../../../src/main/node/ledger/txFile'
import { hostSession, type Recorded } from '../../helpers/hostSession'

const PASSWORD = 'a long enough password'
const SECRET_FIELD = /secret|private|seed|mnemonic|words|passphrase|password/i

/** Every object key a schema can produce, with its path. */
function fieldNames(schema: z.ZodType, path = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def
  switch (def['type']) {
    case 'object':
      return Object.entries(def['shape'] as Record<string, z.ZodType>).flatMap(([k, v]) => [
        `${path}${k}`,
        ...fieldNames(v, `${path}${k}.`),
      ])
    case 'array':
      return fieldNames(def['element'] as z.ZodType, `${path}[].`)
    case 'nullable':
    case 'optional':
      return fieldNames(def['innerType'] as z.ZodType, path)
    case 'union':
      return (def['options'] as z.ZodType[]).flatMap((o) => fieldNames(o, path))
    default:
      return []
  }
}

/** Polls `check` until it holds; the host makes a block every 50 ms. */
async function until(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((done) => setTimeout(done, 50))
  }
}

/** Forms in which a secret could appear inside a JSON payload. */
function forms(secret: Uint8Array): string[] {
  return [
    toHex(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ]
}

describe('no key material leaves main', () => {
  const displayed = new Set<string>(SECRET_DISPLAY_CHANNELS)

  it('declares no secret-looking field in any response or event but the display channels', () => {
    for (const [channel, spec] of Object.entries(CHANNELS)) {
      const secretFields = fieldNames(spec.response).filter((f) => SECRET_FIELD.test(f))
      if (displayed.has(channel)) expect(secretFields).toEqual(['words'])
      else expect(secretFields, channel).toEqual([])
    }
    for (const [event, schema] of Object.entries(EVENTS)) {
      expect(
        fieldNames(schema).filter((f) => SECRET_FIELD.test(f)),
        event,
      ).toEqual([])
    }
  })

  const sessions: Awaited<ReturnType<typeof hostSession>>[] = []
  afterAll(async () => {
    for (const s of sessions) await s.close()
  })

  it('finds none in any response or event of a full session', async () => {
    const a = await hostSession()
    sessions.push(a)
    const recorded: Recorded[] = []
    const { words } = await a.ok<{ words: string[] }>('wallet.generateMnemonic', {})
    const phrase = words.join(' ')
    await a.ok('wallet.create', {
      password: PASSWORD,
      confirmations: [2, 9, 17].map((index) => ({ index, word: words[index] })),
    })
    await a.ok('wallet.status', {})
    const added = await a.ok<WalletAccount>('wallet.addAccount', { label: 'second' })
    const { accounts } = await a.ok<{ accounts: WalletAccount[] }>('wallet.accounts', {})
    const exported = await a.ok<{ keystore: string }>('wallet.exportKeystore', {
      index: 0,
      password: PASSWORD,
      exportPassword: 'export password',
    })
    await a.call('wallet.exportKeystore', { index: 0, password: 'wrong', exportPassword: 'x' })
    await a.ok('wallet.lock', {})
    await a.call('wallet.unlock', { password: 'wrong password' })
    await a.ok('wallet.unlock', { password: PASSWORD })
    await a.call('wallet.revealMnemonic', { password: 'wrong password' })
    await a.ok('wallet.revealMnemonic', { password: PASSWORD })
    await a.ok('wallet.setAutoLock', { minutes: 10 })
    const status = await a.ok<{ clusterId: string; height: number }>('node.status', {})
    await a.ok('account.get', { address: accounts[0]!.address })
    await a.call('block.get', { height: 1 })
    const file = serializeUnsignedTx({
      clusterId: status.clusterId,
      body: {
        sender: fromHex(accounts[0]!.publicKey),
        nonce: 0,
        fee: ONE_TOKEN / 1000n,
        action: {
          kind: 'transfer',
          to: decodeAddress(added.address),
          token: TOKEN_ID.PSY,
          amount: ONE_TOKEN,
        },
      },
    })
    await a.ok('tx.review', { file })
    const signed = await a.ok<{ file: string }>('tx.signOffline', { file, password: PASSWORD })
    await a.ok('tx.broadcastFile', { file: signed.file })
    const signedHex = (JSON.parse(signed.file) as { tx: string }).tx
    await a.call('tx.submit', { tx: signedHex })
    await a.ok('pool.get', {})
    await a.ok('pool.position', { index: 0 })
    await a.ok('staking.get', {})
    await a.ok('node.network', {})
    await a.ok('node.consensus', {})
    await a.ok('monitor.kpis', {})
    await a.ok('monitor.history', { range: 'hour' })
    await a.ok('monitor.alerts', {})
    const request = await a.ok<{ file: string }>('network.joinRequest', {
      name: 'a',
      peerUrl: null,
    })
    const network = await a.ok<{ file: string }>('network.create', {
      clusterId: 'leak-test',
      requests: [request.file],
    })
    // Refused (this node already runs a devnet), but the error must not leak either.
    await a.call('network.import', { file: network.file })
    // That file is another cluster's: this devnet's only validator approves a bridge to it, which
    // opens the connection with the next block.
    const connect = await a.ok<{ action: unknown }>('bridge.prepareConnect', {
      file: network.file,
      urls: [],
      flowCap: (1000n * ONE_TOKEN).toString(),
      flowWindow: 100,
    })
    await a.call('bridge.prepareConnect', {
      file: network.file,
      urls: ['not a url'],
      flowCap: '1',
      flowWindow: 1,
    })
    await a.ok('wallet.submit', {
      index: 0,
      action: connect.action,
      fee: (ONE_TOKEN / 1000n).toString(),
      password: PASSWORD,
    })
    await until(async () => {
      const info = await a.ok<{ connections: { cluster: string }[] }>('bridge.info', {})
      return info.connections.some((c) => c.cluster === 'leak-test')
    }, 'the bridge to leak-test to open')
    // A transfer there (no relayer carries it, so it stays in escrow), listed by bridge.info.
    await a.ok('wallet.submit', {
      index: 0,
      action: {
        kind: 'bridgeSend',
        cluster: 'leak-test',
        to: added.address,
        token: 'FLX',
        amount: ONE_TOKEN.toString(),
        timeoutHeight: 1000,
      },
      fee: (ONE_TOKEN / 1000n).toString(),
      password: PASSWORD,
    })
    await until(async () => {
      const info = await a.ok<{ transfers: unknown[] }>('bridge.info', {})
      return info.transfers.length > 0
    }, 'the transfer to leak-test to be listed')
    await a.ok('network.current', {})
    await a.ok('pool.quote', {
      tokenIn: 'FLX',
      tokenOut: 'CHR',
      exactOut: false,
      amount: ONE_TOKEN.toString(),
      slippageBps: 50,
    })
    await a.ok('wallet.submit', {
      index: 0,
      action: { kind: 'transfer', to: added.address, token: 'FLX', amount: ONE_TOKEN.toString() },
      fee: (ONE_TOKEN / 1000n).toString(),
      password: PASSWORD,
    })
    await a.call('wallet.submit', {
      index: 0,
      action: { kind: 'transfer', to: added.address, token: 'FLX', amount: '1' },
      fee: (ONE_TOKEN / 1000n).toString(),
      password: 'wrong password',
    })
    await a.ok('wallet.history', { index: 0, limit: 20 })
    await a.ok('app.unlockMemory', {})
    await a.call('app.setUnlockMemory', { enabled: true, password: PASSWORD })
    await a.call('unknown.channel', {})
    recorded.push(...a.calls)

    // Two more hosts cover the import paths of onboarding.
    const b = await hostSession()
    sessions.push(b)
    await b.ok('wallet.importMnemonic', {
      mnemonic: phrase,
      passphrase: 'extra words',
      password: PASSWORD,
    })
    recorded.push(...b.calls)
    const c = await hostSession()
    sessions.push(c)
    await c.ok('wallet.importKeystore', {
      keystore: exported.keystore,
      keystorePassword: 'export password',
      password: PASSWORD,
    })
    recorded.push(...c.calls)

    const called = new Set(recorded.map((r) => r.channel))
    for (const channel of Object.keys(CHANNELS))
      expect(called, `${channel} not exercised`).toContain(channel)

    // Every secret of wallet A, in every form it could take.
    const seed = await mnemonicToSeed(phrase)
    const seedB = await mnemonicToSeed(phrase, 'extra words')
    const privateKeys = [
      keyPath('account', 0),
      keyPath('account', 1),
      keyPath('consensus', 0),
      keyPath('identity', 0),
    ].flatMap((p) => [derivePath(seed, p).privateKey, derivePath(seedB, p).privateKey])
    const secrets = [seed, seedB, mnemonicToEntropy(phrase), ...privateKeys].flatMap(forms)
    const walletFiles = await readFile(join(a.dataDir, 'wallet', 'wallet.json'), 'utf8')
    expect(walletFiles).not.toContain(phrase)

    const payloads = [
      ...recorded.filter((r) => !displayed.has(r.channel)).map((r) => JSON.stringify(r.result)),
      ...[a, b, c].flatMap((s) => s.events.map((e) => JSON.stringify(e))),
    ]
    const wordRun = (text: string): boolean => {
      // Any four consecutive recovery words, whatever separates them.
      for (let i = 0; i + 4 <= words.length; i++) {
        const pattern = new RegExp(words.slice(i, i + 4).join('[^a-z]+'))
        if (pattern.test(text)) return true
      }
      return false
    }
    for (const text of payloads) {
      for (const secret of secrets) expect(text).not.toContain(secret)
      expect(wordRun(text), text.slice(0, 200)).toBe(false)
    }
    // The display channels carry the words and nothing else secret.
    for (const r of recorded.filter((r) => displayed.has(r.channel) && r.result.ok)) {
      const text = JSON.stringify(r.result)
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { encodeAddress } from '../../../src/shared/address'
import { toHex } from '../../../src/shared/encoding'
import type { NetworkInfo, NodeStatus } from '../../../src/shared/ipc/contract'
import { listenConfig } from '../../../src/main/host/networkSetup'
import { dataDirLayout } from '../../../src/main/node/dataDir'
import { hostSession } from '../../helpers/hostSession'
import { testSigner } from '../../helpers/txs'

type Session = Awaited<ReturnType<typeof hostSession>>
const sessions: Session[] = []
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close()
})

async function open(): Promise<Session> {
  const s = await hostSession()
  sessions.push(s)
  return s
}

const PASSWORD = 'a long enough password'

async function createWallet(s: Session): Promise<void> {
  const { words } = await s.ok<{ words: string[] }>('wallet.generateMnemonic', {})
  await s.ok('wallet.create', {
    password: PASSWORD,
    confirmations: [0, 11, 23].map((index) => ({ index, word: words[index] })),
  })
}

/** A join request of someone else, as the file they would send. */
function strangerRequest(): string {
  return JSON.stringify({
    kind: 'coherence-join-request',
    version: 1,
    name: 'friend',
    consensusPublicKey: toHex(testSigner().publicKey()),
    identityPublicKey: toHex(testSigner().publicKey()),
    account: encodeAddress(testSigner().address),
    peerUrl: 'ws://192.0.2.7:26656',
  })
}

describe('network channels: join requests, network files, joining', () => {
  it('export a join request with public keys only, and assemble a network from requests', async () => {
    const s = await open()
    await createWallet(s)
    const { file } = await s.ok<{ file: string }>('network.joinRequest', {
      name: 'me',
      peerUrl: null,
    })
    const request = JSON.parse(file) as Record<string, unknown>
    expect(Object.keys(request).sort()).toEqual([
      'account',
      'consensusPublicKey',
      'identityPublicKey',
      'kind',
      'name',
      'peerUrl',
      'version',
    ])
    const status = await s.ok<NodeStatus>('node.status', {})
    expect(request['account']).toBe(status.accountAddress)

    const created = await s.ok<{ file: string; validators: number }>('network.create', {
      clusterId: 'friends',
      requests: [file, strangerRequest()],
    })
    expect(created.validators).toBe(2)
    // This node already runs a devnet: it cannot switch networks, and says what to do.
    const refused = await s.call('network.import', { file: created.file })
    expect(refused).toMatchObject({ ok: false, error: { code: 'ERR_WRONG_NETWORK' } })
    expect((refused as { error: { message: string } }).error.message).toMatch(
      /another data directory/,
    )
  })

  it('refuse join requests that are not JSON or not join requests', async () => {
    const s = await open()
    for (const bad of ['{', JSON.stringify({ kind: 'coherence-join-request' })]) {
      expect(await s.call('network.create', { clusterId: 'x', requests: [bad] })).toMatchObject({
        ok: false,
        error: { code: 'ERR_BAD_JOIN_REQUEST' },
      })
    }
    expect(await s.call('network.import', { file: 'not json' })).toMatchObject({
      ok: false,
      error: { code: 'ERR_BAD_JSON' },
    })
  })

  it('join a network imported before the first start, listening for its peers', async () => {
    const maker = await open()
    await createWallet(maker)
    const mine = await maker.ok<{ file: string }>('network.joinRequest', {
      name: 'a',
      peerUrl: null,
    })
    const { file } = await maker.ok<{ file: string }>('network.create', {
      clusterId: 'friends',
      requests: [mine.file, strangerRequest()],
    })

    const joiner = await open()
    await listenConfig(dataDirLayout(joiner.dataDir), { host: '127.0.0.1', port: 0 })
    expect(await joiner.ok('network.current', {})).toEqual({ network: null })
    expect(await joiner.ok('network.import', { file })).toEqual({
      clusterId: 'friends',
      validators: 2,
      bootstrapPeers: 1,
    })
    // Known before the node starts, so onboarding can say which network it will join.
    expect(await joiner.ok('network.current', {})).toEqual({
      network: { clusterId: 'friends', validators: 2, bootstrapPeers: 1 },
    })
    await createWallet(joiner)
    expect((await joiner.ok<NodeStatus>('node.status', {})).clusterId).toBe('friends')
    const network = await joiner.ok<NetworkInfo>('node.network', {})
    expect(network.listenUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
    expect(network.knownAddresses).toBe(1)
  })
})

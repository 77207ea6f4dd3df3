import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toHex } from '../../../src/shared/encoding'
import { ONE_TOKEN, TOKEN_ID } from '../../../src/shared/tokens'
import { genesisHash } from '../../../src/main/node/chain/genesis'
import { tempDir } from '../../helpers/tempDir'
import { testSigner } from '../../helpers/txs'
import { FEE, START, TestCluster, termsFor } from './twoClusters'

// Opening a connection: owners of more than 2/3 of the staked power must approve the same terms.
describe('bridge connection approvals', () => {
  const outsider = testSigner()
  let dir: Awaited<ReturnType<typeof tempDir>>
  let a: TestCluster
  let b: TestCluster

  beforeAll(async () => {
    dir = await tempDir()
    a = await TestCluster.open('cluster-a', dir.path, { accounts: [outsider] })
    b = await TestCluster.open('cluster-b', dir.path, { accounts: [] })
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    await dir.remove()
  })

  const terms = () => termsFor(b, [ONE_TOKEN, ONE_TOKEN, ONE_TOKEN], 10)

  it('refuses an account that owns no validator stake, charging only its fee', async () => {
    const code = await a.run(outsider, { kind: 'bridgeConnect', ...terms() })
    expect(code).toBe('ERR_BRIDGE_NOT_VALIDATOR')
    expect(a.account(outsider.address).balances).toEqual([START, START, START - FEE])
    expect(a.connection(b.clusterId)).toBeUndefined()
  })

  it('stays closed at 1/3 and at exactly 2/3 of the power, and opens past it', async () => {
    const [first, second, third] = a.owners
    expect(await a.run(first!, { kind: 'bridgeConnect', ...terms() })).toBeNull()
    expect(a.connection(b.clusterId)).toBeUndefined()
    // An owner cannot count twice.
    expect(await a.run(first!, { kind: 'bridgeConnect', ...terms() })).toBe(
      'ERR_BRIDGE_ALREADY_APPROVED',
    )
    expect(await a.run(second!, { kind: 'bridgeConnect', ...terms() })).toBeNull()
    expect(a.connection(b.clusterId)).toBeUndefined()
    // Approval of other terms gathers separately and does not tip these over.
    const otherTerms = { ...terms(), flowWindow: 11 }
    expect(await a.run(third!, { kind: 'bridgeConnect', ...otherTerms })).toBeNull()
    expect(a.connection(b.clusterId)).toBeUndefined()

    expect(await a.run(third!, { kind: 'bridgeConnect', ...terms() })).toBeNull()
    const connection = a.connection(b.clusterId)
    expect(connection).toMatchObject({
      flowCap: [ONE_TOKEN, ONE_TOKEN, ONE_TOKEN],
      flowWindow: 10,
      nextSendSeq: 1,
      nextRecvSeq: 1,
      psis: [],
      flow: [],
    })
    expect(connection!.client.trustedHeight).toBe(0)
    expect(toHex(connection!.client.trustedHeaderHash)).toBe(toHex(genesisHash(b.genesis)))
  })

  it('refuses a second connection, a connection to itself and a bad window', async () => {
    const [first] = a.owners
    expect(await a.run(first!, { kind: 'bridgeConnect', ...terms() })).toBe(
      'ERR_BRIDGE_ALREADY_CONNECTED',
    )
    const self = termsFor(a, [1n, 1n, 1n], 10)
    expect(await a.run(first!, { kind: 'bridgeConnect', ...self })).toBe('ERR_BRIDGE_SELF')
    const [owner] = b.owners
    const zeroWindow = { ...termsFor(a, [1n, 1n, 1n], 10), flowWindow: 0 }
    expect(await b.run(owner!, { kind: 'bridgeConnect', ...zeroWindow })).toBe(
      'ERR_BRIDGE_BAD_TERMS',
    )
  })

  it('lets no one send before the connection is open', async () => {
    const [owner] = b.owners
    const send = {
      kind: 'bridgeSend',
      cluster: a.clusterId,
      recipient: owner!.address,
      token: TOKEN_ID.PSY,
      amount: ONE_TOKEN,
      timeoutHeight: 100,
    } as const
    expect(await b.run(owner!, send)).toBe('ERR_BRIDGE_NOT_CONNECTED')
    expect(b.balance(owner!.address, TOKEN_ID.PSY)).toBe(START)
  })
})

import { describe, expect, it } from 'vitest'
import { CodedError } from '../../../src/shared/errors'
import { createIpcClient } from '../../../src/shared/ipc/client'
import { CHANNELS, type NodeStatus } from '../../../src/shared/ipc/contract'
import { createDispatcher, type ChannelHandlers } from '../../../src/main/ipc/dispatcher'

const ADDRESS = 'coh1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq39w258'
const STATUS: NodeStatus = {
  clusterId: 'devnet-abc',
  height: 3,
  latestBlockHash: 'ab'.repeat(32),
  latestBlockTime: 1,
  validatorAddress: ADDRESS,
  accountAddress: ADDRESS,
  balances: { CHR: '1', PSY: '2', FLX: '3' },
  blockTimeMs: 1000,
  mempoolSize: 0,
}

/** Every channel answers "unused" unless a test gives it a handler. */
function handlers(overrides: Partial<ChannelHandlers> = {}): ChannelHandlers {
  const unused = Object.fromEntries(
    Object.keys(CHANNELS).map((c) => [
      c,
      () => {
        throw new CodedError('ERR_UNUSED', `${c} is not used in this test`)
      },
    ]),
  ) as unknown as ChannelHandlers
  return {
    ...unused,
    'node.status': () => STATUS,
    'account.get': ({ address }) => ({ address, nonce: 0, balances: STATUS.balances }),
    'block.get': () => {
      throw new CodedError('ERR_NOT_FOUND', 'no block at height 9')
    },
    'tx.submit': () => ({ hash: '00'.repeat(32) }),
    ...overrides,
  }
}

describe('IPC dispatcher', () => {
  const dispatch = createDispatcher(handlers())

  it('answers a valid call', async () => {
    expect(await dispatch('node.status', {})).toEqual({ ok: true, data: STATUS })
  })

  it('refuses an unknown channel', async () => {
    for (const channel of ['node.shutdown', '__proto__', 'constructor', 42, null]) {
      const r = await dispatch(channel, {})
      expect(r).toMatchObject({ ok: false, error: { code: 'ERR_UNKNOWN_CHANNEL' } })
    }
  })

  it('refuses payloads that do not match the schema, naming the problem', async () => {
    const bad: [string, unknown][] = [
      ['node.status', { extra: 1 }],
      ['node.status', 'text'],
      ['account.get', {}],
      ['account.get', { address: 'coh1notanaddress' }],
      ['account.get', { address: 42 }],
      ['block.get', { height: -1 }],
      ['block.get', { height: 1.5 }],
      ['tx.submit', { tx: 'XYZ' }],
      ['tx.submit', { tx: 'abc' }],
    ]
    for (const [channel, payload] of bad) {
      const r = await dispatch(channel, payload)
      expect(r, `${channel} ${JSON.stringify(payload)}`).toMatchObject({
        ok: false,
        error: { code: 'ERR_BAD_REQUEST' },
      })
      if (!r.ok) expect(r.error.message).toContain(channel)
    }
  })

  it('passes a service error code through and hides unexpected errors', async () => {
    expect(await dispatch('block.get', { height: 9 })).toEqual({
      ok: false,
      error: { code: 'ERR_NOT_FOUND', message: 'no block at height 9' },
    })
    const leaky = createDispatcher(
      handlers({
        'node.status': () => {
          throw new Error('secret internal detail')
        },
      }),
    )
    expect(await leaky('node.status', {})).toEqual({
      ok: false,
      error: { code: 'ERR_INTERNAL', message: 'internal error' },
    })
  })

  it('strips fields a service returns that the contract does not declare', async () => {
    const leaky = createDispatcher(
      handlers({ 'node.status': () => ({ ...STATUS, privateKey: 'deadbeef' }) as NodeStatus }),
    )
    const r = await leaky('node.status', {})
    expect(r.ok && Object.keys(r.data as object)).not.toContain('privateKey')
  })

  it('gives the same typed client over any transport, failing with the node’s code', async () => {
    const client = createIpcClient({ invoke: dispatch, subscribe: () => () => {} })
    await expect(client.call('node.status', {})).resolves.toEqual(STATUS)
    await expect(client.call('block.get', { height: 9 })).rejects.toMatchObject({
      code: 'ERR_NOT_FOUND',
    })
  })
})

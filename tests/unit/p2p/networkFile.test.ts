import { describe, expect, it } from 'vitest'
import { encodeAddress } from '../../../src/shared/address'
import { fromHex, toHex } from '../../../src/shared/encoding'
import { ONE_TOKEN } from '../../../src/shared/tokens'
import {
  assembleNetwork,
  RELAYER_FLX,
  networkFileJson,
  parseJoinRequest,
  parseNetworkFile,
  type JoinRequest,
} from '../../../src/main/node/p2p/networkFile'
import { genesisHash } from '../../../src/main/node/chain/genesis'
import { addressOf } from '../../../src/main/node/crypto'
import { testSigner } from '../../helpers/txs'

function request(name: string, peerUrl: string | null): JoinRequest {
  return {
    kind: 'coherence-join-request',
    version: 1,
    name,
    consensusPublicKey: toHex(testSigner().publicKey()),
    identityPublicKey: toHex(testSigner().publicKey()),
    account: encodeAddress(testSigner().address),
    peerUrl,
  }
}

const TERMS = { clusterId: 'friends', genesisTime: 1, stake: 10n * ONE_TOKEN, balance: ONE_TOKEN }

describe('network files', () => {
  it('make every requester a validator with its stake owned by its account, and seeds of the reachable', () => {
    const a = request('a', 'ws://10.0.0.1:26656')
    const b = request('b', null)
    const network = assembleNetwork([a, b], TERMS)
    expect(network.genesis.validators.map((v) => toHex(v.publicKey)).sort()).toEqual(
      [a.consensusPublicKey, b.consensusPublicKey].sort(),
    )
    for (const v of network.genesis.validators) expect(v.power).toBe(10n * ONE_TOKEN)
    expect(network.genesis.validators.map((v) => encodeAddress(v.owner)).sort()).toEqual(
      [a.account, b.account].sort(),
    )
    expect(network.seeds).toEqual([{ id: a.identityPublicKey, url: a.peerUrl }])
    // Each identity key signs its node's relay transactions: it holds FLX for their fees only.
    const identity = encodeAddress(addressOf(fromHex(a.identityPublicKey)))
    const funded = network.genesis.accounts.find((x) => encodeAddress(x.address) === identity)
    expect(funded?.balances).toEqual([0n, 0n, RELAYER_FLX])
  })

  it('survive the trip through JSON with the same network id', () => {
    const network = assembleNetwork([request('a', 'ws://node.example:26656')], TERMS)
    const again = parseNetworkFile(JSON.parse(JSON.stringify(networkFileJson(network))))
    expect(genesisHash(again.genesis)).toEqual(genesisHash(network.genesis))
    expect(again.seeds).toEqual(network.seeds)
  })

  it('refuse malformed files and requests with a stable code', () => {
    const json = networkFileJson(assembleNetwork([request('a', null)], TERMS)) as Record<
      string,
      unknown
    >
    expect(() => parseNetworkFile({ ...json, kind: 'other' })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_NETWORK_FILE' }),
    )
    expect(() => parseNetworkFile({ ...json, genesis: { clusterId: 'x' } })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_NETWORK_FILE' }),
    )
    expect(() =>
      parseNetworkFile({ ...json, seeds: [{ id: 'a'.repeat(64), url: 'http://evil/' }] }),
    ).toThrow(expect.objectContaining({ code: 'ERR_BAD_NETWORK_FILE' }))
    expect(() => parseJoinRequest({ ...request('a', null), consensusPublicKey: 'zz' })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_JOIN_REQUEST' }),
    )
    expect(() => parseJoinRequest({ ...request('a', null), secret: 'x' })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_JOIN_REQUEST' }),
    )
    const dup = request('a', null)
    expect(() => assembleNetwork([dup, dup], TERMS)).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_JOIN_REQUEST' }),
    )
    expect(() => assembleNetwork([], TERMS)).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_JOIN_REQUEST' }),
    )
  })
})

import { encodeAddress } from '../../src/shared/address'
import { toHex } from '../../src/shared/encoding'
import { ONE_TOKEN } from '../../src/shared/tokens'
import { assembleNetwork, type Network } from '../../src/main/node/p2p/networkFile'
import { testSigner } from './txs'

type TestSigner = ReturnType<typeof testSigner>

/** The keys of one node of a test network: consensus, peer identity and funded account. */
export interface Member {
  readonly consensus: TestSigner
  readonly identity: TestSigner
  readonly account: TestSigner
}

export function member(): Member {
  return { consensus: testSigner(), identity: testSigner(), account: testSigner() }
}

/** A network file's content for these members, as `coherence network create` would make it. */
export function testNetwork(clusterId: string, members: readonly Member[]): Network {
  return assembleNetwork(
    members.map((m, i) => ({
      kind: 'coherence-join-request' as const,
      version: 1 as const,
      name: `v${i}`,
      consensusPublicKey: toHex(m.consensus.publicKey()),
      identityPublicKey: toHex(m.identity.publicKey()),
      account: encodeAddress(m.account.address),
      peerUrl: null,
    })),
    {
      clusterId,
      genesisTime: Date.now(),
      stake: 1000n * ONE_TOKEN,
      balance: 1000n * ONE_TOKEN,
    },
  )
}

import { join } from 'node:path'
import { encodeAddress } from '../../src/shared/address'
import { toHex } from '../../src/shared/encoding'
import { ONE_TOKEN } from '../../src/shared/tokens'
import { assembleNetwork, type Network } from '../../src/main/node/p2p/networkFile'
import type { ConsensusTimeouts } from '../../src/main/node/consensus/engine'
import { silentLogger } from '../../src/main/node/logger'
import { CoherenceNode } from '../../src/main/node/node'
import type { PeerLink } from '../../src/main/node/p2p/peerLink'
import { ChainStore } from '../../src/main/node/storage/store'
import { tempDir } from './tempDir'
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

/** A member's node on a fresh temporary data directory, with its store; `stop` removes it all. */
export interface TestNode {
  readonly node: CoherenceNode
  readonly store: ChainStore
  stop(): Promise<void>
}

export async function startTestNode(
  m: Member,
  network: Network,
  peers: PeerLink,
  speed: { blockTimeMs: number; timeouts: Partial<ConsensusTimeouts> },
): Promise<TestNode> {
  const dir = await tempDir('coherence-node-')
  const store = await ChainStore.open(join(dir.path, 'db'))
  const node = await CoherenceNode.start({
    dataDir: dir.path,
    store,
    consensusSigner: m.consensus,
    accountPublicKey: m.account.publicKey(),
    genesis: network.genesis,
    peers,
    logger: silentLogger,
    ...speed,
  })
  return {
    node,
    store,
    async stop() {
      await node.stop()
      await store.close()
      await dir.remove()
    },
  }
}

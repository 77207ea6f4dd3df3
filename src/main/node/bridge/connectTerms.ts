import type { Genesis } from '../chain/genesis'
import type { ConnectTerms } from './bridgeState'
import { trustRootOf } from './lightClient'

/**
 * The terms of a connection to the cluster of `genesis`: its genesis as trust root, and the
 * governor's cap (the same for each token, in base units) per window of `flowWindow` blocks.
 */
export function connectTerms(genesis: Genesis, flowCap: bigint, flowWindow: number): ConnectTerms {
  const root = trustRootOf(genesis)
  return {
    clusterId: root.clusterId,
    genesisHash: root.genesisHash,
    validators: [...root.validators],
    flowCap: [flowCap, flowCap, flowCap],
    flowWindow,
  }
}

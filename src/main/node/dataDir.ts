import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where a node keeps its files, all inside one private directory. */
export interface DataDirLayout {
  readonly root: string
  readonly db: string
  readonly genesis: string
  /** The encrypted wallet (keystores and their index). */
  readonly wallet: string
  /** Settings of the running app that are not part of the chain (auto-lock time). */
  readonly settings: string
  /** Port and access token of the running node's local RPC (mode 0600). */
  readonly rpc: string
  /** The network file this node joined (genesis and seeds); absent for a lone devnet. */
  readonly network: string
  /** Where the node listens for peers and the address it tells them. */
  readonly p2p: string
  /** The monitor's KPI and alert history (its own database). */
  readonly monitor: string
  /** The bridge endpoint and the connected clusters' endpoints to relay from. */
  readonly bridge: string
}

export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    db: join(root, 'db'),
    genesis: join(root, 'genesis.json'),
    wallet: join(root, 'wallet'),
    settings: join(root, 'settings.json'),
    rpc: join(root, 'rpc.json'),
    network: join(root, 'network.json'),
    p2p: join(root, 'p2p.json'),
    monitor: join(root, 'monitor'),
    bridge: join(root, 'bridge.json'),
  }
}

/** The headless default: ~/.coherence. */
export function defaultHeadlessDataDir(): string {
  return join(homedir(), '.coherence')
}

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
}

export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    db: join(root, 'db'),
    genesis: join(root, 'genesis.json'),
    wallet: join(root, 'wallet'),
    settings: join(root, 'settings.json'),
    rpc: join(root, 'rpc.json'),
  }
}

/** The headless default: ~/.coherence. */
export function defaultHeadlessDataDir(): string {
  return join(homedir(), '.coherence')
}

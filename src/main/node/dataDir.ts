import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where a node keeps its files, all inside one private directory. */
export interface DataDirLayout {
  readonly root: string
  readonly db: string
  readonly genesis: string
  readonly nodeKeys: string
  /** Port and access token of the running node's local RPC (mode 0600). */
  readonly rpc: string
}

export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    db: join(root, 'db'),
    genesis: join(root, 'genesis.json'),
    nodeKeys: join(root, 'node-key.json'),
    rpc: join(root, 'rpc.json'),
  }
}

/** The headless default: ~/.coherence. */
export function defaultHeadlessDataDir(): string {
  return join(homedir(), '.coherence')
}

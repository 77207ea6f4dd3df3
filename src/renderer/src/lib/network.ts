// The network in words (sync progress, peer count) for the Network page and the Status page.
import type { NetworkInfo } from '../../../shared/ipc/contract'
import { fraction } from './fraction'
import { displayPercent } from './format'

type Sync = NetworkInfo['sync']

/** How far block sync has come, in percent of the highest height a peer reported. */
export function syncPercent(sync: Sync): string {
  const done =
    sync.height >= sync.target
      ? fraction(1n, 1n)
      : fraction(BigInt(sync.height), BigInt(sync.target))
  return displayPercent(done, 1)
}

/** "synced", or "syncing: block 40 of 100 (40.0 %)". */
export function syncText(sync: Sync): string {
  if (!sync.syncing) return 'synced'
  return `syncing: block ${sync.height} of ${sync.target} (${syncPercent(sync)})`
}

/** "no peers", "1 peer", "3 peers". */
export function peerCount(count: number): string {
  if (count === 0) return 'no peers'
  return count === 1 ? '1 peer' : `${count} peers`
}

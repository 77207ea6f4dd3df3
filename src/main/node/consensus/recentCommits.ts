import { encodeAddress } from '../../../shared/address'
import type { Commit } from '../chain/block'

/** How many of the latest blocks the UI shows signatures for. */
export const RECENT_COMMITS = 20

/**
 * Who signed each of the latest blocks. A block's own commit (known when it is decided) is
 * replaced by the fuller one the next block carries, which includes precommits that came late.
 */
export class RecentCommits {
  private readonly byHeight = new Map<number, readonly string[]>()

  /** Records the commit certificate of its height. */
  record(commit: Commit | null): void {
    if (!commit) return
    this.byHeight.set(
      commit.height,
      commit.signatures.map((s) => encodeAddress(s.validator)),
    )
    const heights = [...this.byHeight.keys()].sort((a, b) => b - a)
    for (const h of heights.slice(RECENT_COMMITS)) this.byHeight.delete(h)
  }

  /** Newest first. */
  list(): { height: number; signers: string[] }[] {
    return [...this.byHeight]
      .sort(([a], [b]) => b - a)
      .map(([height, signers]) => ({ height, signers: [...signers] }))
  }
}

import { sha256 } from '../crypto'

// Leaves and inner nodes are hashed with different prefixes (as in RFC 6962) so that an inner
// node can never be passed off as a leaf.
const LEAF_PREFIX = new Uint8Array([0])
const NODE_PREFIX = new Uint8Array([1])
const EMPTY_ROOT = sha256(new Uint8Array(0))

export function merkleLeaf(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data)
}

/** Root of the binary Merkle tree over `items` (an odd node is promoted unchanged). */
export function merkleRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return EMPTY_ROOT
  let level = items.map(merkleLeaf)
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1]
      next.push(right ? sha256(NODE_PREFIX, level[i]!, right) : level[i]!)
    }
    level = next
  }
  return level[0]!
}

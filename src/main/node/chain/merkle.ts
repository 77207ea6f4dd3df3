import { bytesEqual } from '../../../shared/encoding'
import { HASH_LENGTH, sha256 } from '../crypto'

// Leaves and inner nodes are hashed with different prefixes (as in RFC 6962) so that an inner
// node can never be passed off as a leaf.
const LEAF_PREFIX = new Uint8Array([0])
const NODE_PREFIX = new Uint8Array([1])
const EMPTY_ROOT = sha256(new Uint8Array(0))

export function merkleLeaf(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data)
}

function merkleNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right)
}

/** The level above `level`: pairs hashed together, an odd last node promoted unchanged. */
function parentLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const next: Uint8Array[] = []
  for (let i = 0; i < level.length; i += 2) {
    const right = level[i + 1]
    next.push(right ? merkleNode(level[i]!, right) : level[i]!)
  }
  return next
}

/** Root of the binary Merkle tree over `items` (an odd node is promoted unchanged). */
export function merkleRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return EMPTY_ROOT
  let level = items.map(merkleLeaf)
  while (level.length > 1) level = parentLevel(level)
  return level[0]!
}

/**
 * Evidence that an item is the `index`th of `total` items: the siblings on its path to the root,
 * leaf level first (a level where the path's node is promoted has none).
 *
 * A verified proof authenticates the item and, given `total`, its index, but not `total` itself:
 * a sibling hash does not show how many items are under it, so the first of 3 items has the same
 * proof as the first of 4. A caller that needs the count binds it elsewhere (in the item or in
 * the header).
 */
export interface MerkleProof {
  readonly index: number
  readonly total: number
  readonly siblings: readonly Uint8Array[]
}

/** The proof of `items[index]` against `merkleRoot(items)`. */
export function merkleProof(items: readonly Uint8Array[], index: number): MerkleProof {
  if (!Number.isSafeInteger(index) || index < 0 || index >= items.length) {
    throw new RangeError(`no item ${index} among ${items.length}`)
  }
  const siblings: Uint8Array[] = []
  let level = items.map(merkleLeaf)
  for (let i = index; level.length > 1; i = Math.floor(i / 2)) {
    const sibling = level[i % 2 === 1 ? i - 1 : i + 1]
    if (sibling) siblings.push(sibling)
    level = parentLevel(level)
  }
  return { index, total: items.length, siblings }
}

/**
 * The root `proof` leads to from `item`, or null when the proof cannot be a path of `index` among
 * `total` (more or fewer siblings than that path has, or a malformed one).
 */
export function rootFromProof(item: Uint8Array, proof: MerkleProof): Uint8Array | null {
  const { index, total, siblings } = proof
  if (!Number.isSafeInteger(total) || !Number.isSafeInteger(index)) return null
  if (index < 0 || index >= total) return null
  let hash = merkleLeaf(item)
  let used = 0
  for (let i = index, size = total; size > 1; i = Math.floor(i / 2), size = Math.ceil(size / 2)) {
    const isRight = i % 2 === 1
    // The last node of an odd level has no sibling: it is promoted unchanged.
    if (!isRight && i + 1 === size) continue
    const sibling = siblings[used++]
    if (sibling?.length !== HASH_LENGTH) return null
    hash = isRight ? merkleNode(sibling, hash) : merkleNode(hash, sibling)
  }
  return used === siblings.length ? hash : null
}

/** Whether `proof` shows `item` in the tree whose root is `root`. */
export function verifyMerkleProof(root: Uint8Array, item: Uint8Array, proof: MerkleProof): boolean {
  const computed = rootFromProof(item, proof)
  return computed !== null && bytesEqual(computed, root)
}

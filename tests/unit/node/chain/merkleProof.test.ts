import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../../../../src/shared/encoding'
import {
  merkleProof,
  merkleRoot,
  verifyMerkleProof,
  type MerkleProof,
} from '../../../../src/main/node/chain/merkle'

/** 1 to 40 items of 0 to 40 bytes each. */
const itemLists = fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 40 })

/** A list and one index into it. */
const listAndIndex = itemLists.chain((items) =>
  fc.tuple(fc.constant(items), fc.nat({ max: items.length - 1 })),
)

const flipped = (bytes: Uint8Array, at: number): Uint8Array =>
  bytes.map((b, i) => (i === at % Math.max(bytes.length, 1) ? b ^ 1 : b))

describe('Merkle proofs', () => {
  it('prove every item of every tree of 1 to 40 items against merkleRoot', () => {
    for (let size = 1; size <= 40; size++) {
      const items = Array.from({ length: size }, (_, i) => new Uint8Array([i, size]))
      const root = merkleRoot(items)
      for (let index = 0; index < size; index++) {
        const proof = merkleProof(items, index)
        expect(proof.total).toBe(size)
        expect(verifyMerkleProof(root, items[index]!, proof)).toBe(true)
      }
    }
  })

  it('prove random items of random lists (property)', () => {
    fc.assert(
      fc.property(listAndIndex, ([items, index]) => {
        expect(verifyMerkleProof(merkleRoot(items), items[index]!, merkleProof(items, index))).toBe(
          true,
        )
      }),
    )
  })

  it('refuse another index among the same total (property)', () => {
    fc.assert(
      fc.property(listAndIndex, fc.nat(), ([items, index], shift) => {
        fc.pre(items.length > 1)
        const other = (index + 1 + (shift % (items.length - 1))) % items.length
        // An equal item really is at the other index too.
        fc.pre(!bytesEqual(items[other]!, items[index]!))
        const proof = { ...merkleProof(items, index), index: other }
        expect(verifyMerkleProof(merkleRoot(items), items[index]!, proof)).toBe(false)
      }),
    )
  })

  it('refuse an index out of range, a total of 0 and indices that are not integers', () => {
    const items = [1, 2, 3, 4, 5].map((i) => new Uint8Array([i]))
    const root = merkleRoot(items)
    const proof = merkleProof(items, 4)
    for (const wrong of [
      { index: 5 },
      { index: -1 },
      { index: 1.5 },
      { total: 0 },
      { total: 4 },
      { total: Number.NaN },
    ]) {
      expect(verifyMerkleProof(root, items[4]!, { ...proof, ...wrong })).toBe(false)
    }
  })

  it('refuse a total whose tree has a path of another length to the index (property)', () => {
    fc.assert(
      fc.property(listAndIndex, fc.integer({ min: 1, max: 80 }), ([items, index], total) => {
        fc.pre(index < total)
        const pathLength = merkleProof(new Array<Uint8Array>(total).fill(new Uint8Array()), index)
          .siblings.length
        const proof = merkleProof(items, index)
        fc.pre(pathLength !== proof.siblings.length)
        expect(verifyMerkleProof(merkleRoot(items), items[index]!, { ...proof, total })).toBe(false)
      }),
    )
  })

  it('do not authenticate the total: a sibling hash does not show how many items it covers', () => {
    // Item 0 of [a, b, c] has the path (b, c); item 0 of four items has (b, hash(c, d)). A caller
    // that needs the count must bind it elsewhere (MerkleProof's documentation says so).
    const items = [1, 2, 3].map((i) => new Uint8Array([i]))
    const proof = merkleProof(items, 0)
    expect(verifyMerkleProof(merkleRoot(items), items[0]!, { ...proof, total: 4 })).toBe(true)
  })

  it('refuse a tampered item, sibling or root (property)', () => {
    fc.assert(
      fc.property(listAndIndex, fc.nat(), ([items, index], at) => {
        const root = merkleRoot(items)
        const item = items[index]!
        const proof = merkleProof(items, index)
        const otherItem = item.length === 0 ? new Uint8Array([0]) : flipped(item, at)
        expect(verifyMerkleProof(root, otherItem, proof)).toBe(false)
        expect(verifyMerkleProof(flipped(root, at), item, proof)).toBe(false)
        if (proof.siblings.length > 0) {
          const which = at % proof.siblings.length
          const siblings = proof.siblings.map((s, i) => (i === which ? flipped(s, at) : s))
          expect(verifyMerkleProof(root, item, { ...proof, siblings })).toBe(false)
        }
      }),
    )
  })

  it('refuse extra, missing and malformed siblings (property)', () => {
    fc.assert(
      fc.property(listAndIndex, ([items, index]) => {
        const root = merkleRoot(items)
        const item = items[index]!
        const proof = merkleProof(items, index)
        const variants: MerkleProof[] = [
          { ...proof, siblings: [...proof.siblings, root] },
          { ...proof, siblings: [root, ...proof.siblings] },
        ]
        if (proof.siblings.length > 0) {
          variants.push({ ...proof, siblings: proof.siblings.slice(1) })
          variants.push({ ...proof, siblings: proof.siblings.slice(0, -1) })
          const short = proof.siblings.map((s, i) => (i === 0 ? s.subarray(1) : s))
          variants.push({ ...proof, siblings: short })
        }
        for (const variant of variants) expect(verifyMerkleProof(root, item, variant)).toBe(false)
      }),
    )
  })

  it('is not asked for an item that is not there', () => {
    expect(() => merkleProof([], 0)).toThrow(RangeError)
    expect(() => merkleProof([new Uint8Array(1)], 1)).toThrow(RangeError)
  })
})

import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/shared/encoding'
import { merkleRoot, verifyMerkleProof } from '../../../src/main/node/chain/merkle'
import {
  encodeMessage,
  messageProof,
  packetRoot,
  verifyMessageProof,
  type BridgeMessage,
} from '../../../src/main/node/bridge/packet'

/** The `i`th packet of a block: distinct sequence and amount, so every leaf differs. */
function packet(i: number): BridgeMessage {
  return {
    kind: 'packet',
    sourceCluster: 'cluster-a',
    destCluster: 'cluster-b',
    sequence: i + 1,
    sender: new Uint8Array(20).fill(1),
    recipient: new Uint8Array(20).fill(2),
    token: 1,
    amount: BigInt(1_000 + i),
    timeoutHeight: 50,
  }
}

const block = (size: number) => Array.from({ length: size }, (_, i) => encodeMessage(packet(i)))

describe('packet root and message proofs', () => {
  it('proves every message of blocks of 1 to 20 messages, and only at its own index', () => {
    for (let size = 1; size <= 20; size++) {
      const messages = block(size)
      const root = packetRoot(messages)
      for (let i = 0; i < size; i++) {
        const proof = messageProof(messages, i)
        expect(verifyMessageProof(root, messages[i]!, proof)).toBe(true)
        // Another index: the path hashes the other way or through other siblings.
        if (size > 1) {
          const other = { ...proof, index: (i + 1) % size }
          expect(verifyMessageProof(root, messages[i]!, other)).toBe(false)
        }
        expect(verifyMessageProof(root, messages[i]!, { ...proof, index: size })).toBe(false)
      }
    }
  })

  it('refuses a tampered message and a proof against another block root', () => {
    const messages = block(5)
    const root = packetRoot(messages)
    const proof = messageProof(messages, 2)
    const tampered = encodeMessage({ ...packet(2), amount: 1_000_000n } as BridgeMessage)
    expect(verifyMessageProof(root, tampered, proof)).toBe(false)
    const flipped = messages[2]!.map((b, j) => (j === 10 ? b ^ 1 : b))
    expect(verifyMessageProof(root, flipped, proof)).toBe(false)
    const otherRoot = packetRoot(block(6))
    expect(verifyMessageProof(otherRoot, messages[2]!, proof)).toBe(false)
  })

  it('binds the count: the first of 3 does not verify as the first of 4', () => {
    const three = block(3)
    const proof = messageProof(three, 0)
    // Without the count, the tree alone cannot tell: the same path reaches the same hash.
    const claimed = { ...proof, total: 4 }
    expect(verifyMerkleProof(merkleRoot(three), three[0]!, claimed)).toBe(true)
    expect(verifyMessageProof(packetRoot(three), three[0]!, claimed)).toBe(false)
    expect(verifyMessageProof(packetRoot(three), three[0]!, { ...proof, total: 2 })).toBe(false)
  })

  it('gives an empty block a root of its own, different from any block with messages', () => {
    expect(toHex(packetRoot([]))).toBe(toHex(packetRoot([])))
    expect(toHex(packetRoot([]))).not.toBe(toHex(packetRoot(block(1))))
    expect(toHex(packetRoot([]))).not.toBe(toHex(merkleRoot([])))
  })
})

import { describe, expect, it } from 'vitest'
import {
  BAN_MS,
  MAX_BACKOFF_MS,
  MIN_BACKOFF_MS,
  PeerBook,
} from '../../../src/main/node/p2p/peerBook'
import { PENALTIES } from '../../../src/main/node/p2p/peerLink'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const SELF = 'f'.repeat(64)

describe('PeerBook', () => {
  it('never lists itself, and lists seeds first', () => {
    const book = new PeerBook(SELF, () => 0.5)
    book.add(SELF, 'ws://127.0.0.1:1')
    book.add(A, 'ws://127.0.0.1:2')
    book.add(B, 'ws://127.0.0.1:3', true)
    expect(book.dialable(0, new Set()).map((d) => d.id)).toEqual([B, A])
    expect(book.dialable(0, new Set([B])).map((d) => d.id)).toEqual([A])
  })

  it('backs off exponentially after failed dials, up to a cap, and resets on success', () => {
    // random() = 1 puts the jitter at its top: exactly the base backoff.
    const book = new PeerBook(SELF, () => 1)
    book.add(A, 'ws://127.0.0.1:2')
    book.dialFailed(A, 0)
    expect(book.dialable(MIN_BACKOFF_MS - 1, new Set())).toEqual([])
    expect(book.dialable(MIN_BACKOFF_MS, new Set())).toHaveLength(1)
    book.dialFailed(A, 0)
    expect(book.dialable(2 * MIN_BACKOFF_MS - 1, new Set())).toEqual([])
    for (let i = 0; i < 20; i++) book.dialFailed(A, 0)
    expect(book.dialable(MAX_BACKOFF_MS - 1, new Set())).toEqual([])
    expect(book.dialable(MAX_BACKOFF_MS, new Set())).toHaveLength(1)
    book.connected(A)
    book.dialFailed(A, 0)
    expect(book.dialable(MIN_BACKOFF_MS, new Set())).toHaveLength(1)
  })

  it('bans a peer whose score falls to the ban score, for BAN_MS', () => {
    const book = new PeerBook(SELF)
    book.add(A, 'ws://127.0.0.1:2')
    expect(book.penalize(A, PENALTIES.malformed, 0)).toBe(false)
    expect(book.score(A)).toBe(-PENALTIES.malformed)
    expect(book.penalize(A, PENALTIES.malformed, 0)).toBe(true)
    expect(book.isBanned(A, BAN_MS - 1)).toBe(true)
    expect(book.dialable(BAN_MS - 1, new Set())).toEqual([])
    expect(book.isBanned(A, BAN_MS)).toBe(false)
    expect(book.shareable(10, 0)).toEqual([])
  })

  it('keeps the address of a seed even when a peer claims another', () => {
    const book = new PeerBook(SELF)
    book.add(A, 'ws://127.0.0.1:2', true)
    book.add(A, 'ws://10.0.0.1:9')
    expect(book.urlOf(A)).toBe('ws://127.0.0.1:2')
  })
})

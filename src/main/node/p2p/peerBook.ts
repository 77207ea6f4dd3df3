import { BAN_SCORE } from './peerLink'

/** How long a peer that fell to the ban score stays banned. */
export const BAN_MS = 10 * 60_000
/** First and longest wait before re-dialling an address that failed. */
export const MIN_BACKOFF_MS = 1_000
export const MAX_BACKOFF_MS = 60_000
/** Most addresses remembered; peer exchange cannot grow memory past this. */
export const MAX_KNOWN_ADDRESSES = 1_000

interface Entry {
  url: string | null
  failures: number
  nextDialAt: number
  score: number
  bannedUntil: number
  /** Seeds are kept even when full and never forgotten. */
  readonly seed: boolean
}

/**
 * What this node knows about other nodes by identity: where to dial them, when to try again
 * (exponential backoff with jitter), and their scores and bans, which outlive a disconnect.
 */
export class PeerBook {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly selfId: string,
    private readonly random: () => number = Math.random,
  ) {}

  /** Learns an address (from a seed, a peer's status or peer exchange). */
  add(id: string, url: string | null, seed = false): void {
    if (id === this.selfId) return
    const entry = this.entries.get(id)
    if (entry) {
      if (url && !entry.seed) entry.url = url
      return
    }
    if (!seed && this.entries.size >= MAX_KNOWN_ADDRESSES) return
    this.entries.set(id, { url, failures: 0, nextDialAt: 0, score: 0, bannedUntil: 0, seed })
  }

  urlOf(id: string): string | null {
    return this.entries.get(id)?.url ?? null
  }

  /** Ids worth dialling now: known address, not banned, backoff elapsed; seeds first. */
  dialable(now: number, connected: ReadonlySet<string>): { id: string; url: string }[] {
    const out: { id: string; url: string; seed: boolean }[] = []
    for (const [id, e] of this.entries) {
      if (e.url && !connected.has(id) && e.bannedUntil <= now && e.nextDialAt <= now) {
        out.push({ id, url: e.url, seed: e.seed })
      }
    }
    return out.sort((a, b) => Number(b.seed) - Number(a.seed))
  }

  /** Addresses to share with a peer that asks. */
  shareable(limit: number, now: number): { id: string; url: string }[] {
    const out: { id: string; url: string }[] = []
    for (const [id, e] of this.entries) {
      if (out.length >= limit) break
      if (e.url && e.bannedUntil <= now && e.score > BAN_SCORE / 2) out.push({ id, url: e.url })
    }
    return out
  }

  dialFailed(id: string, now: number): void {
    const e = this.entries.get(id)
    if (!e) return
    e.failures++
    const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(e.failures - 1, 16))
    // Jitter keeps nodes that lost the same peer from all re-dialling it in step.
    e.nextDialAt = now + Math.round(base * (0.5 + this.random() / 2))
  }

  connected(id: string): void {
    const e = this.entries.get(id)
    if (e) e.failures = 0
  }

  isBanned(id: string, now: number): boolean {
    return (this.entries.get(id)?.bannedUntil ?? 0) > now
  }

  score(id: string): number {
    return this.entries.get(id)?.score ?? 0
  }

  /** Lowers a score; returns true when that bans the peer (its score then starts over). */
  penalize(id: string, points: number, now: number): boolean {
    if (!this.entries.has(id)) this.add(id, null)
    const e = this.entries.get(id)
    if (!e) return false
    e.score -= points
    if (e.score > BAN_SCORE) return false
    e.bannedUntil = now + BAN_MS
    e.score = 0
    return true
  }

  get size(): number {
    let n = 0
    for (const e of this.entries.values()) if (e.url) n++
    return n
  }
}

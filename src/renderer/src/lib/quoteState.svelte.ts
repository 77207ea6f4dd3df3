import type { IpcClient } from '../../../shared/ipc/client'
import type { ChannelRequest, Quote } from '../../../shared/ipc/contract'
import { BlockFeed } from './blockFeed'
import { toUiError, type UiError } from './errors'

export type QuoteRequest = ChannelRequest<'pool.quote'>

/** How long the inputs must rest before a quote is asked for. */
export const QUOTE_DEBOUNCE_MS = 250

function sameRequest(a: QuoteRequest | null, b: QuoteRequest | null): boolean {
  if (a === null || b === null) return a === b
  return (
    a.tokenIn === b.tokenIn &&
    a.tokenOut === b.tokenOut &&
    a.exactOut === b.exactOut &&
    a.amount === b.amount &&
    a.slippageBps === b.slippageBps
  )
}

/**
 * A swap quote (`pool.quote`) for what the exchange form says: asked for ~250 ms after the last
 * change of the inputs, and again on every committed block (the pool moved) while watched.
 * `waiting` is true from a change until the quote for it arrives, so a stale quote is never
 * confirmed.
 */
export class QuoteState {
  quote = $state<Quote | null>(null)
  error = $state<UiError | null>(null)
  waiting = $state(false)

  #request: QuoteRequest | null = null
  #timer: ReturnType<typeof setTimeout> | null = null
  /** Bumped by every change and every fetch: only the latest fetch may write its answer. */
  #generation = 0
  #inFlight = false
  readonly #feed: BlockFeed

  constructor(private readonly client: IpcClient) {
    this.#feed = new BlockFeed(client, () => {
      if (this.#request && !this.#timer && !this.#inFlight) void this.#fetch()
    })
  }

  /** Re-quotes on every block until the returned function is called (which also cancels). */
  watch(): () => void {
    const stop = this.#feed.watch()
    return () => {
      stop()
      this.#cancelTimer()
      this.#generation++
    }
  }

  /** The inputs changed: quote `next` once they rest, or clear the quote if null. */
  set(next: QuoteRequest | null): void {
    if (sameRequest(next, this.#request)) return
    this.#request = next ? { ...next } : null
    this.#cancelTimer()
    this.#generation++
    if (!next) {
      this.quote = null
      this.error = null
      this.waiting = false
      return
    }
    this.waiting = true
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.#fetch()
    }, QUOTE_DEBOUNCE_MS)
  }

  async #fetch(): Promise<void> {
    const request = this.#request
    if (!request) return
    const generation = ++this.#generation
    this.#inFlight = true
    try {
      const quote = await this.client.call('pool.quote', request)
      if (generation !== this.#generation) return
      this.quote = quote
      this.error = null
    } catch (err) {
      if (generation !== this.#generation) return
      this.quote = null
      this.error = toUiError(err)
    } finally {
      if (generation === this.#generation) this.waiting = false
      this.#inFlight = false
    }
  }

  #cancelTimer(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }
}

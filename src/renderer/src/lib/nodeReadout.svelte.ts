import type { IpcClient } from '../../../shared/ipc/client'
import { BlockFeed, coalesce } from './blockFeed'
import { toUiError, type UiError } from './errors'
import { everyWhileVisible } from './visibleInterval'

/**
 * One answer of the node that a page shows and keeps current (`node.network`, `node.consensus`):
 * reloaded on every committed block while a page watches, and also every `everyMs` when given,
 * for what changes between blocks.
 */
export class NodeReadout<T> {
  // Replaced whole on every load, never changed in place: no need for a deep proxy.
  value = $state.raw<T | null>(null)
  error = $state<UiError | null>(null)

  readonly #feed: BlockFeed
  readonly refresh: () => Promise<void>

  constructor(
    client: IpcClient,
    private readonly read: () => Promise<T>,
    private readonly everyMs?: number,
  ) {
    this.refresh = coalesce(() => this.#load())
    this.#feed = new BlockFeed(client, () => void this.refresh())
  }

  /** Loads now, then on every block (and every `everyMs`) until the returned function is called. */
  watch(): () => void {
    const stopFeed = this.#feed.watch()
    const stopTimer = this.everyMs
      ? everyWhileVisible(this.everyMs, () => void this.refresh())
      : () => {}
    void this.refresh()
    return () => {
      stopFeed()
      stopTimer()
    }
  }

  async #load(): Promise<void> {
    try {
      this.value = await this.read()
      this.error = null
    } catch (err) {
      this.error = toUiError(err)
    }
  }
}

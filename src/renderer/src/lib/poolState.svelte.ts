import type { IpcClient } from '../../../shared/ipc/client'
import type { PoolInfo } from '../../../shared/ipc/contract'
import { BlockFeed, coalesce } from './blockFeed'
import { toUiError, type UiError } from './errors'

/** The CEE pool as the UI sees it (`pool.get`), reloaded on every committed block while watched. */
export class PoolState {
  info = $state<PoolInfo | null>(null)
  error = $state<UiError | null>(null)

  readonly #feed: BlockFeed
  readonly refresh: () => Promise<void>

  constructor(private readonly client: IpcClient) {
    this.refresh = coalesce(() => this.#load())
    this.#feed = new BlockFeed(client, () => void this.refresh())
  }

  /** Loads the pool now and on every block until the returned function is called. */
  watch(): () => void {
    const stop = this.#feed.watch()
    void this.refresh()
    return stop
  }

  async #load(): Promise<void> {
    try {
      this.info = await this.client.call('pool.get', {})
      this.error = null
    } catch (err) {
      this.error = toUiError(err)
    }
  }
}

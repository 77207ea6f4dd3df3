import type { IpcClient } from '../../../shared/ipc/client'

/**
 * Calls `onBlock` on every `BlockCommitted` push event while at least one view watches: pages
 * call `watch()` when they mount and the returned function when they unmount, so nothing is
 * reloaded for pages nobody looks at.
 */
export class BlockFeed {
  #watchers = 0
  #stop: (() => void) | null = null

  constructor(
    private readonly client: IpcClient,
    private readonly onBlock: () => void,
  ) {}

  /** Starts listening (if no one was); the returned function stops watching, once. */
  watch(): () => void {
    if (this.#watchers++ === 0) this.#stop = this.client.on('BlockCommitted', () => this.onBlock())
    let watching = true
    return () => {
      if (!watching) return
      watching = false
      if (--this.#watchers === 0) {
        this.#stop?.()
        this.#stop = null
      }
    }
  }
}

/**
 * Wraps an async loader so that runs never overlap: a call while one runs asks for exactly one
 * more run after it, so the last state applied is always read after the last request. The loader
 * must not throw (it records its own errors).
 */
export function coalesce(load: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null
  let again = false
  const loop = async (): Promise<void> => {
    do {
      again = false
      await load()
    } while (again)
  }
  return () => {
    if (running) {
      again = true
      return running
    }
    running = loop().finally(() => {
      running = null
    })
    return running
  }
}

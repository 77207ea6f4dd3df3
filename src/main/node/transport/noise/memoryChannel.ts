import type { DuplexChannel } from './channel'

class MemoryEndpoint implements DuplexChannel {
  peer: MemoryEndpoint | null = null
  private readonly queue: Uint8Array[] = []
  private readonly waiting: ((bytes: Uint8Array) => void)[] = []

  send(bytes: Uint8Array): void {
    this.peer?.deliver(new Uint8Array(bytes))
  }

  receive(): Promise<Uint8Array> {
    const next = this.queue.shift()
    if (next !== undefined) return Promise.resolve(next)
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private deliver(bytes: Uint8Array): void {
    const waiter = this.waiting.shift()
    if (waiter === undefined) this.queue.push(bytes)
    else waiter(bytes)
  }
}

/**
 * Two in-process channel ends joined back to back: what one sends, the other receives, in order.
 * For simulations and tests of everything above the wire.
 */
export function createMemoryChannelPair(): [DuplexChannel, DuplexChannel] {
  const a = new MemoryEndpoint()
  const b = new MemoryEndpoint()
  a.peer = b
  b.peer = a
  return [a, b]
}

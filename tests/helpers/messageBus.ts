import type { ConsensusMessage } from '../../src/main/node/consensus/messages'
import type { NodeNetwork } from '../../src/main/node/node'

/** Delivers every message to every other member, asynchronously; a stopped member gets none. */
export class MessageBus {
  private readonly receivers = new Map<number, (m: ConsensusMessage) => void>()

  join(index: number): NodeNetwork {
    return {
      broadcast: (message) => {
        for (const [i, receive] of this.receivers) {
          if (i !== index) setImmediate(() => this.receivers.get(i) === receive && receive(message))
        }
      },
      onMessage: (receive) => this.receivers.set(index, receive),
    }
  }

  leave(index: number): void {
    this.receivers.delete(index)
  }
}

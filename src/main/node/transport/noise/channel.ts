/**
 * A message-oriented duplex link to one peer, whatever carries it (WebSocket, memory). `send`
 * delivers one whole message; `receive` resolves with the next whole message, in order, and
 * rejects once the link is gone.
 */
export interface DuplexChannel {
  send(bytes: Uint8Array): void
  receive(): Promise<Uint8Array>
}

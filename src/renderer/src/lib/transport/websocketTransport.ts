import type { Result } from '../../../../shared/errors'
import type { IpcTransport } from '../../../../shared/ipc/client'
import { IPC_ERRORS } from '../../../../shared/ipc/errors'
import { RpcServerMessageSchema } from '../../../../shared/ipc/wire'

const RECONNECT_MIN_MS = 500
const RECONNECT_MAX_MS = 10_000

export interface WebSocketTransport extends IpcTransport {
  /** Called with true when connected, false when the connection is lost. */
  onConnectionChange(listener: (connected: boolean) => void): void
}

/**
 * Headless mode's transport: the node's WebSocket RPC on the page's own origin, authenticated by
 * the token from the URL fragment. Reconnects with backoff; calls made while disconnected fail
 * with ERR_DISCONNECTED rather than hang.
 */
export function websocketTransport(token: string): WebSocketTransport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?token=${encodeURIComponent(token)}`
  const pending = new Map<number, (r: Result<unknown>) => void>()
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const connectionListeners: ((c: boolean) => void)[] = []
  let socket: WebSocket | null = null
  let open = false
  let nextId = 1
  let delay = RECONNECT_MIN_MS

  const setOpen = (value: boolean): void => {
    open = value
    for (const l of connectionListeners) l(value)
  }

  const connect = (): void => {
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      delay = RECONNECT_MIN_MS
      setOpen(true)
    }
    ws.onmessage = (e: MessageEvent) => {
      let json: unknown
      try {
        json = JSON.parse(String(e.data))
      } catch {
        return
      }
      const parsed = RpcServerMessageSchema.safeParse(json)
      if (!parsed.success) return
      const m = parsed.data
      if ('id' in m) pending.get(m.id)?.(m.result)
      else if ('event' in m) for (const l of listeners.get(m.event) ?? []) l(m.payload)
    }
    ws.onclose = () => {
      if (open) setOpen(false)
      for (const resolve of pending.values()) {
        resolve({
          ok: false,
          error: { code: IPC_ERRORS.DISCONNECTED, message: 'not connected to the node' },
        })
      }
      pending.clear()
      setTimeout(connect, delay)
      delay = Math.min(delay * 2, RECONNECT_MAX_MS)
    }
  }
  connect()

  return {
    invoke(channel, payload) {
      if (!open || !socket) {
        return Promise.resolve({
          ok: false,
          error: { code: IPC_ERRORS.DISCONNECTED, message: 'not connected to the node' },
        })
      }
      const id = nextId++
      const ws = socket
      return new Promise((resolve) => {
        pending.set(id, (r) => {
          pending.delete(id)
          resolve(r)
        })
        ws.send(JSON.stringify({ id, channel, payload }))
      })
    },
    subscribe(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
    onConnectionChange(listener) {
      connectionListeners.push(listener)
    },
  }
}

import type { IpcTransport } from '../../../../shared/ipc/client'
import type { PreloadApi } from '../../../../shared/ipc/preloadApi'

declare global {
  interface Window {
    coherence?: PreloadApi
  }
}

/** The desktop app's transport: the preload's bridge, if this page runs inside Electron. */
export function electronTransport(): IpcTransport | null {
  const api = window.coherence
  if (!api) return null
  return {
    invoke: (channel, payload) => api.invoke(channel, payload),
    subscribe: (event, listener) => api.subscribe(event, listener),
  }
}

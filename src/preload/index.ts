import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNEL, INVOKE_CHANNEL, type PreloadApi } from '../shared/ipc/preloadApi'

// The whole surface the renderer gets: one call function and one subscription function.
// No ipcRenderer, no Node, nothing else crosses the bridge.
const api: PreloadApi = {
  invoke: (channel, payload) => ipcRenderer.invoke(INVOKE_CHANNEL, channel, payload),
  subscribe(event, listener) {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler)
    }
  },
}

contextBridge.exposeInMainWorld('coherence', api)

import type { IpcTransport } from './client'

/** The Electron IPC channel every call travels on (the contract channel is an argument). */
export const INVOKE_CHANNEL = 'coherence:invoke'
/** The Electron IPC channel push events travel on (the event name is an argument). */
export const EVENT_CHANNEL = 'coherence:event'

/** What the preload exposes to the renderer as `window.coherence`. */
export type PreloadApi = IpcTransport

import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { IPC_ERRORS } from '../../shared/ipc/errors'
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../shared/ipc/preloadApi'
import type { Result } from '../../shared/errors'
import type { Dispatch } from './dispatcher'

/**
 * The one place renderer calls enter main. It checks that the call comes from the main frame of
 * our own window showing our own page, then hands channel and payload to the dispatcher, which
 * checks both against the contract.
 */
export function registerIpc(
  window: BrowserWindow,
  expectedUrl: string,
  dispatch: Dispatch,
): () => void {
  ipcMain.handle(
    INVOKE_CHANNEL,
    async (
      event: IpcMainInvokeEvent,
      channel: unknown,
      payload: unknown,
    ): Promise<Result<unknown>> => {
      const frame = event.senderFrame
      const trusted =
        event.sender === window.webContents &&
        frame !== null &&
        frame === window.webContents.mainFrame &&
        frame.url.split('#')[0] === expectedUrl
      if (!trusted) {
        return {
          ok: false,
          error: { code: IPC_ERRORS.FORBIDDEN_SENDER, message: 'call from an unknown frame' },
        }
      }
      return dispatch(channel, payload)
    },
  )
  return () => ipcMain.removeHandler(INVOKE_CHANNEL)
}

/** Pushes an event to the window's renderer. */
export function sendEvent(window: BrowserWindow, event: string, payload: unknown): void {
  if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event, payload)
}

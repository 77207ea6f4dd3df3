import { join } from 'node:path'
import { app, dialog, type BrowserWindow } from 'electron'
import { createDispatcher } from './ipc/dispatcher'
import { registerIpc, sendEvent } from './ipc/electronRegistrar'
import { createHandlers } from './ipc/handlers'
import { NodeHost } from './host/nodeHost'
import { createJsonLogger } from './node/logger'
import { alertNotifier } from './app/alertNotifications'
import { openSettings } from './app/settings'
import type { EventPayload } from '../shared/ipc/contract'
import { nativeSpendConfirmer } from './app/spendDialog'
import { unlockMemory } from './app/unlockMemory'
import { createMainWindow, rendererUrl } from './app/window'

const logger = createJsonLogger({ level: 'info' })

/** The desktop app: one instance, one window, the node running in this process. */
async function startApp(): Promise<void> {
  const settings = openSettings()
  await app.whenReady()
  const dataDir = settings.get('dataDir') || join(app.getPath('userData'), 'node')
  let window: BrowserWindow | null = null
  let host: NodeHost
  try {
    host = await NodeHost.open({
      dataDir,
      blockTimeMs: settings.get('blockTimeMs'),
      logger: logger.child({ module: 'node' }),
      // Spends are confirmed in a native dialog owned by main, which the renderer cannot draw.
      spendConfirmer: nativeSpendConfirmer(() => window),
    })
  } catch (err) {
    dialog.showErrorBox('Coherence Validator cannot start', (err as Error).message)
    app.exit(1)
    return
  }
  const memory = unlockMemory(settings, host, logger.child({ module: 'app' }))
  await memory.unlockAtStart()
  window = createMainWindow(settings)
  const unregister = registerIpc(
    window,
    rendererUrl(),
    createDispatcher(createHandlers(host, memory)),
  )
  const notify = alertNotifier()
  const unsubscribe = host.subscribe((event, payload) => {
    if (window) sendEvent(window, event, payload)
    if (event === 'Alerts') notify(payload as EventPayload<'Alerts'>)
  })
  window.on('closed', () => {
    window = null
  })
  app.on('window-all-closed', () => app.quit())
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore()
    window?.focus()
  })

  // Stop the node cleanly before quitting: consensus halts, the wallet locks, the database closes.
  let stopping = false
  app.on('before-quit', (event) => {
    if (stopping) return
    stopping = true
    event.preventDefault()
    unsubscribe()
    unregister()
    host
      .stop()
      .catch((err: unknown) => logger.error('node did not stop cleanly', { err: String(err) }))
      .finally(() => app.quit())
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void startApp()
}

import { join } from 'node:path'
import { app, dialog, type BrowserWindow } from 'electron'
import { createDispatcher } from './ipc/dispatcher'
import { registerIpc, sendEvent } from './ipc/electronRegistrar'
import { forwardNodeEvents } from './ipc/events'
import { createNodeHandlers } from './ipc/handlers'
import { createJsonLogger } from './node/logger'
import { CoherenceNode } from './node/node'
import { openSettings } from './app/settings'
import { createMainWindow, rendererUrl } from './app/window'

const logger = createJsonLogger({ level: 'info' })

/** The desktop app: one instance, one window, the node running in this process. */
async function startApp(): Promise<void> {
  const settings = openSettings()
  await app.whenReady()
  const dataDir = settings.get('dataDir') || join(app.getPath('userData'), 'node')
  let node: CoherenceNode
  try {
    node = await CoherenceNode.start({
      dataDir,
      blockTimeMs: settings.get('blockTimeMs'),
      logger: logger.child({ module: 'node' }),
    })
  } catch (err) {
    dialog.showErrorBox('Coherence Validator cannot start', (err as Error).message)
    app.exit(1)
    return
  }
  let window: BrowserWindow | null = createMainWindow(settings)
  const unregister = registerIpc(window, rendererUrl(), createDispatcher(createNodeHandlers(node)))
  const unsubscribe = forwardNodeEvents(node, (event, payload) => {
    if (window) sendEvent(window, event, payload)
  })
  window.on('closed', () => {
    window = null
  })
  app.on('window-all-closed', () => app.quit())
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore()
    window?.focus()
  })

  // Stop the node cleanly before quitting: consensus halts and the database closes.
  let stopping = false
  app.on('before-quit', (event) => {
    if (stopping) return
    stopping = true
    event.preventDefault()
    unsubscribe()
    unregister()
    node
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

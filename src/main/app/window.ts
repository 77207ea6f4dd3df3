import { join } from 'node:path'
import { BrowserWindow, session, shell } from 'electron'
import type Store from 'electron-store'
import { CONTENT_SECURITY_POLICY } from '../headless/staticFiles'
import type { AppSettings } from './settings'

/** The renderer's own URL: the dev server in development, the built file otherwise. */
export function rendererUrl(): string {
  const dev = process.env['ELECTRON_RENDERER_URL']
  return dev ?? `file://${join(import.meta.dirname, '../renderer/index.html')}`
}

/**
 * The main window, locked down per Electron's security checklist: sandboxed renderer, context
 * isolation, no Node integration, a strict CSP, no navigation away and no new windows.
 */
export function createMainWindow(settings: Store<AppSettings>): BrowserWindow {
  const bounds = settings.get('windowBounds')
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Coherence Validator',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  )
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the person's browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.on('close', () => settings.set('windowBounds', win.getBounds()))
  win.once('ready-to-show', () => win.show())
  void win.loadURL(rendererUrl())
  return win
}

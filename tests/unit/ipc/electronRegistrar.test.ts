import { describe, expect, it, vi } from 'vitest'

// Electron's binary cannot run on the build machines, so its ipcMain is replaced by a recorder;
// everything the registrar decides is still exercised.
const handlers = new Map<string, (...args: unknown[]) => unknown>()
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}))

const { registerIpc } = await import('../../../src/main/ipc/electronRegistrar')
const { INVOKE_CHANNEL } = await import('../../../src/shared/ipc/preloadApi')

const PAGE = 'file:///app/out/renderer/index.html'

function fakeWindow() {
  const mainFrame = { url: PAGE }
  const webContents = { mainFrame }
  return { webContents, mainFrame }
}

describe('Electron IPC registrar', () => {
  it('dispatches calls from its own window’s main frame on its own page', async () => {
    const win = fakeWindow()
    const dispatch = vi.fn(() => Promise.resolve({ ok: true as const, data: 'answer' }))
    const unregister = registerIpc(win as never, PAGE, dispatch)
    const handler = handlers.get(INVOKE_CHANNEL)!
    const event = { sender: win.webContents, senderFrame: win.mainFrame }
    expect(await handler(event, 'node.status', {})).toEqual({ ok: true, data: 'answer' })
    expect(dispatch).toHaveBeenCalledWith('node.status', {})
    unregister()
    expect(handlers.has(INVOKE_CHANNEL)).toBe(false)
  })

  it('refuses calls from another window, a subframe or a navigated page', async () => {
    const win = fakeWindow()
    const dispatch = vi.fn()
    registerIpc(win as never, PAGE, dispatch)
    const handler = handlers.get(INVOKE_CHANNEL)!
    const other = fakeWindow()
    const cases = [
      { sender: other.webContents, senderFrame: other.mainFrame },
      { sender: win.webContents, senderFrame: { url: PAGE } },
      { sender: win.webContents, senderFrame: null },
    ]
    for (const event of cases) {
      expect(await handler(event, 'node.status', {})).toMatchObject({
        ok: false,
        error: { code: 'ERR_FORBIDDEN_SENDER' },
      })
    }
    win.mainFrame.url = 'https://evil.example/'
    expect(
      await handler({ sender: win.webContents, senderFrame: win.mainFrame }, 'node.status', {}),
    ).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN_SENDER' } })
    expect(dispatch).not.toHaveBeenCalled()
  })
})

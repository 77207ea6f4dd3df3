import { safeStorage } from 'electron'
import type Store from 'electron-store'
import { CodedError } from '../../shared/errors'
import type { NodeHost } from '../host/nodeHost'
import type { DesktopServices } from '../ipc/handlers'
import type { Logger } from '../node/logger'
import type { AppSettings } from './settings'

/**
 * Remembers the wallet password for unattended validator starts, encrypted with Electron's
 * safeStorage (the OS key store). Where that is not available it refuses: never a plaintext
 * fallback (on Linux, safeStorage's 'basic_text' backend counts as not available).
 */
export function unlockMemory(
  settings: Store<AppSettings>,
  host: NodeHost,
  logger: Logger,
): DesktopServices & { unlockAtStart(): Promise<void> } {
  const secure = (): boolean =>
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text')
  const forget = (): void => settings.set('rememberedPassword', '')
  return {
    unlockMemory: () => (secure() ? settings.get('rememberedPassword') !== '' : null),
    async setUnlockMemory(enabled, password) {
      if (!enabled) {
        forget()
        return secure() ? false : null
      }
      if (!secure()) {
        throw new CodedError('ERR_NOT_SUPPORTED', 'this system offers no secure storage for it')
      }
      if (password === undefined) {
        throw new CodedError('ERR_BAD_REQUEST', 'the wallet password is needed to remember it')
      }
      await host.unlock(password)
      settings.set('rememberedPassword', safeStorage.encryptString(password).toString('base64'))
      return true
    },
    async unlockAtStart() {
      const stored = settings.get('rememberedPassword')
      if (stored === '' || !secure()) return
      try {
        await host.unlock(safeStorage.decryptString(Buffer.from(stored, 'base64')))
      } catch (err) {
        // A changed password or a new OS key: forget it and let the person unlock.
        logger.warn('the remembered unlock no longer works; it was forgotten', {
          code: (err as { code?: string }).code,
        })
        forget()
      }
    },
  }
}

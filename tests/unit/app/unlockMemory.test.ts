import { describe, expect, it, vi } from 'vitest'

// Electron's binary cannot run on the build machines: safeStorage is replaced by a stand-in whose
// backend and availability each test sets. What is under test is the policy around it.
const storage = {
  available: true,
  backend: 'gnome_libsecret',
  isEncryptionAvailable: () => storage.available,
  getSelectedStorageBackend: () => storage.backend,
  encryptString: (text: string) => Buffer.from(`enc:${[...text].reverse().join('')}`),
  decryptString: (data: Buffer) => [...data.toString().slice(4)].reverse().join(''),
}
vi.mock('electron', () => ({ safeStorage: storage }))

const { unlockMemory } = await import('../../../src/main/app/unlockMemory')
const { silentLogger } = await import('../../../src/main/node/logger')

function fakeSettings() {
  const values: Record<string, string> = { rememberedPassword: '' }
  return {
    values,
    get: (key: string) => values[key]!,
    set: (key: string, value: string) => {
      values[key] = value
    },
  }
}

function fakeHost(password: string) {
  const unlocks: string[] = []
  return {
    unlocks,
    unlock: (given: string) => {
      unlocks.push(given)
      return given === password
        ? Promise.resolve()
        : Promise.reject(Object.assign(new Error('bad password'), { code: 'ERR_BAD_PASSWORD' }))
    },
  }
}

describe('remembering the unlock (desktop)', () => {
  it('stores the password only encrypted, and unlocks with it at the next start', async () => {
    storage.available = true
    storage.backend = 'gnome_libsecret'
    const settings = fakeSettings()
    const host = fakeHost('secret password')
    const memory = unlockMemory(settings as never, host as never, silentLogger)
    expect(memory.unlockMemory()).toBe(false)
    expect(await memory.setUnlockMemory(true, 'secret password')).toBe(true)
    expect(settings.values['rememberedPassword']).not.toContain('secret password')
    expect(Buffer.from(settings.values['rememberedPassword']!, 'base64').toString()).not.toContain(
      'secret password',
    )
    await memory.unlockAtStart()
    expect(host.unlocks).toEqual(['secret password', 'secret password'])
  })

  it('refuses where the OS offers no secure storage, never falling back to plain text', async () => {
    storage.available = true
    storage.backend = 'basic_text'
    const settings = fakeSettings()
    const memory = unlockMemory(settings as never, fakeHost('p') as never, silentLogger)
    expect(memory.unlockMemory()).toBeNull()
    await expect(memory.setUnlockMemory(true, 'p')).rejects.toMatchObject({
      code: 'ERR_NOT_SUPPORTED',
    })
    expect(settings.values['rememberedPassword']).toBe('')
  })

  it('refuses a wrong password, and forgets a remembered one that stopped working', async () => {
    storage.available = true
    storage.backend = 'kwallet5'
    const settings = fakeSettings()
    const memory = unlockMemory(settings as never, fakeHost('right') as never, silentLogger)
    await expect(memory.setUnlockMemory(true, 'wrong')).rejects.toMatchObject({
      code: 'ERR_BAD_PASSWORD',
    })
    expect(settings.values['rememberedPassword']).toBe('')
    settings.values['rememberedPassword'] = storage.encryptString('old').toString('base64')
    await memory.unlockAtStart()
    expect(settings.values['rememberedPassword']).toBe('')
    expect(await memory.setUnlockMemory(false, undefined)).toBe(false)
  })
})

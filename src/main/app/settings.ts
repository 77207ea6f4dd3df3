import Store from 'electron-store'

/** What the desktop app remembers between runs. */
export interface AppSettings {
  windowBounds: { width: number; height: number; x?: number; y?: number }
  /** Empty means the default folder inside the OS app-data directory. */
  dataDir: string
  blockTimeMs: number
  /** The wallet password encrypted by safeStorage (base64), or '' when not remembered. */
  rememberedPassword: string
}

const DEFAULTS: AppSettings = {
  windowBounds: { width: 1100, height: 760 },
  dataDir: '',
  blockTimeMs: 1000,
  rememberedPassword: '',
}

/** Settings backed by electron-store (a JSON file in the app-data directory), checked by schema. */
export function openSettings(): Store<AppSettings> {
  return new Store<AppSettings>({
    name: 'settings',
    defaults: DEFAULTS,
    schema: {
      windowBounds: {
        type: 'object',
        properties: {
          width: { type: 'number', minimum: 400 },
          height: { type: 'number', minimum: 300 },
          x: { type: 'number' },
          y: { type: 'number' },
        },
        required: ['width', 'height'],
      },
      dataDir: { type: 'string' },
      blockTimeMs: { type: 'number', minimum: 10, maximum: 600000 },
      rememberedPassword: { type: 'string' },
    },
  })
}

import { join } from 'node:path'
import type { Result } from '../../src/shared/errors'
import type { EventName } from '../../src/shared/ipc/contract'
import { createDispatcher } from '../../src/main/ipc/dispatcher'
import { createHandlers } from '../../src/main/ipc/handlers'
import { NodeHost, type SpendConfirmer } from '../../src/main/host/nodeHost'
import { silentLogger } from '../../src/main/node/logger'
import type { Clock as WalletClock } from '../../src/main/keys/idleTimer'
import { tempDir } from './tempDir'

/** A cheaper scrypt for tests that unlock many times; the format is the same. */
export const TEST_KDF = { function: 'scrypt', n: 2 ** 12, r: 8, p: 1 } as const

export interface Recorded {
  readonly channel: string
  readonly request: unknown
  readonly result: Result<unknown>
}

/**
 * A NodeHost on a temporary data directory, driven through the same dispatcher the UI uses,
 * recording every response and every pushed event.
 */
export async function hostSession(
  options: { confirmer?: SpendConfirmer; walletClock?: WalletClock } = {},
) {
  const dir = await tempDir('coherence-host-')
  const host = await NodeHost.open({
    dataDir: join(dir.path, 'node'),
    blockTimeMs: 50,
    logger: silentLogger,
    spendConfirmer: options.confirmer ?? { confirm: () => Promise.resolve(true) },
    wallet: { kdf: TEST_KDF, ...(options.walletClock ? { clock: options.walletClock } : {}) },
  })
  const dispatch = createDispatcher(createHandlers(host))
  const calls: Recorded[] = []
  const events: { event: EventName; payload: unknown }[] = []
  host.subscribe((event, payload) => events.push({ event, payload }))
  return {
    host,
    calls,
    events,
    dataDir: join(dir.path, 'node'),
    async call(channel: string, request: unknown): Promise<Result<unknown>> {
      const result = await dispatch(channel, request)
      calls.push({ channel, request, result })
      return result
    },
    /** Calls and returns the data, failing the test with the error if the call failed. */
    async ok<T = unknown>(channel: string, request: unknown): Promise<T> {
      const result = await dispatch(channel, request)
      calls.push({ channel, request, result })
      if (!result.ok)
        throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`)
      return result.data as T
    },
    async close(): Promise<void> {
      await host.stop()
      await dir.remove()
    },
  }
}

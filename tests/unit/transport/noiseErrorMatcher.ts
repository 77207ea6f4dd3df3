import { expect } from 'vitest'
import type { NoiseErrorCode } from '../../../src/main/node/transport/noise/errors'

/** Matches a NoiseError with the given code, for `toThrow` and `rejects.toEqual`. */
export function noiseError(code: NoiseErrorCode): unknown {
  return expect.objectContaining({ name: 'NoiseError', code })
}

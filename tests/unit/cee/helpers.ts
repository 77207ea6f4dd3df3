import { expect } from 'vitest'
import { CeeError } from '../../../src/shared/cee/errors'
import type { CeeErrorCode } from '../../../src/shared/cee/errors'

/** 1.0 in 18-decimal fixed point, and one whole token in base units. */
export const ONE = 10n ** 18n

/** Asserts that fn throws a CeeError with the given code. */
export function expectCode(fn: () => unknown, code: CeeErrorCode): void {
  let thrown: unknown
  try {
    fn()
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(CeeError)
  expect((thrown as CeeError).code).toBe(code)
}

import { KeysError } from './errors'

/** Allowed length of a byte argument: exact, or an inclusive range. */
export type ByteLength = number | { min: number; max: number }

/** Throws ERR_BAD_BYTES unless `value` is a Uint8Array of the allowed length. */
export function assertBytes(
  value: unknown,
  name: string,
  length?: ByteLength,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new KeysError('ERR_BAD_BYTES', `${name} must be a Uint8Array`)
  }
  if (length === undefined) return
  if (typeof length === 'number') {
    if (value.length !== length) {
      throw new KeysError('ERR_BAD_BYTES', `${name} must be ${length} bytes, got ${value.length}`)
    }
  } else if (value.length < length.min || value.length > length.max) {
    throw new KeysError(
      'ERR_BAD_BYTES',
      `${name} must be ${length.min} to ${length.max} bytes, got ${value.length}`,
    )
  }
}

/** Overwrites each array with zeros. */
export function wipe(...arrays: Uint8Array[]): void {
  for (const array of arrays) array.fill(0)
}

/** Copies a range into a new plain Uint8Array (never a Buffer view), then zeros the range. */
export function takeBytes(source: Uint8Array, start = 0, end = source.length): Uint8Array {
  // Buffer#slice returns a view, so copy through the Uint8Array constructor instead.
  const copy = new Uint8Array(source.subarray(start, end))
  source.fill(0, start, end)
  return copy
}

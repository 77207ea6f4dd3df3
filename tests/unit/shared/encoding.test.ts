import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  array,
  bool,
  bytes,
  decode,
  encode,
  fixedBytes,
  fromHex,
  i128,
  optional,
  str,
  struct,
  taggedUnion,
  toHex,
  u128,
  u32,
  u64,
  u8,
  uint,
} from '../../../src/shared/encoding'

const Sample = struct({
  a: u8,
  b: u32,
  c: uint,
  d: u64,
  e: u128,
  f: i128,
  g: bool,
  h: fixedBytes(4),
  i: bytes(16),
  j: str(32),
  k: array(u32, 8),
  l: optional(u8),
  m: taggedUnion({ one: struct({ x: u8 }), two: struct({ y: str(8) }) }),
})

const sampleArb = fc.record({
  a: fc.integer({ min: 0, max: 255 }),
  b: fc.integer({ min: 0, max: 0xffffffff }),
  c: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  d: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  e: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  f: fc.bigInt({ min: -(1n << 127n), max: (1n << 127n) - 1n }),
  g: fc.boolean(),
  h: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  i: fc.uint8Array({ maxLength: 16 }),
  j: fc.string({ maxLength: 8 }),
  k: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 8 }),
  l: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
  m: fc.oneof(
    fc.record({ kind: fc.constant('one' as const), x: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('two' as const), y: fc.string({ maxLength: 2 }) }),
  ),
})

describe('canonical encoding', () => {
  it('round-trips every value and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(sampleArb, (value) => {
        const encoded = encode(Sample, value)
        const decoded = decode(Sample, encoded)
        expect(decoded).toEqual(value)
        expect(toHex(encode(Sample, decoded))).toBe(toHex(encoded))
      }),
      { numRuns: 500 },
    )
  })

  it('refuses trailing bytes', () => {
    const b = encode(u32, 7)
    expect(() => decode(u32, new Uint8Array([...b, 0]))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_TRAILING_BYTES' }),
    )
  })

  it('refuses truncated input', () => {
    expect(() => decode(u64, new Uint8Array(7))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_TRUNCATED' }),
    )
    expect(() => decode(bytes(16), fromHex('0000000aff'))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_TRUNCATED' }),
    )
  })

  it('refuses a boolean or presence byte other than 0 and 1', () => {
    expect(() => decode(bool, new Uint8Array([2]))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_NON_CANONICAL' }),
    )
    expect(() => decode(optional(u8), new Uint8Array([7, 1]))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_NON_CANONICAL' }),
    )
  })

  it('refuses an unknown union tag', () => {
    const U = taggedUnion({ a: struct({}) })
    expect(() => decode(U, new Uint8Array([1]))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_BAD_TAG' }),
    )
  })

  it('refuses invalid UTF-8', () => {
    expect(() => decode(str(8), fromHex('00000002c328'))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_NON_CANONICAL' }),
    )
  })

  it('refuses a length above the bound before reading it', () => {
    expect(() => decode(bytes(4), fromHex('ffffffff'))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_TOO_LONG' }),
    )
    expect(() => decode(array(u8, 2), fromHex('00000003010203'))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_TOO_LONG' }),
    )
  })

  it('refuses to encode out-of-range values', () => {
    expect(() => encode(u8, 256)).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_RANGE' }))
    expect(() => encode(u128, -1n)).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_RANGE' }))
    expect(() => encode(u128, 1n << 128n)).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_RANGE' }),
    )
    expect(() => encode(uint, 1.5)).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_RANGE' }))
    expect(() => encode(fixedBytes(4), new Uint8Array(3))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_RANGE' }),
    )
  })

  it('decodes uint above the safe integer range as an error, not a rounded number', () => {
    expect(() => decode(uint, fromHex('0020000000000000'))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING_RANGE' }),
    )
  })

  it('parses and prints hex, refusing malformed hex', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10')
    expect(() => fromHex('abc')).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_BAD_HEX' }))
    expect(() => fromHex('zz')).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_BAD_HEX' }))
  })
})

import { EncodingError } from './errors'
import { Reader } from './reader'
import { Writer } from './writer'

/**
 * The one canonical binary encoding of the project (DESIGN.md section 5). Every value has exactly
 * one encoding: integers are fixed-width big-endian, lengths are bounded u32 prefixes, booleans and
 * tags accept only their defined values, strings must be valid UTF-8, and decoding refuses
 * trailing bytes. So `encode(decode(b))` equals `b` for every accepted `b`.
 */
export interface Codec<T> {
  write(w: Writer, value: T): void
  read(r: Reader): T
}

/** The type a codec encodes. */
export type Infer<C> = C extends Codec<infer T> ? T : never

const MAX_U32 = 0xffff_ffff
const U64_LIMIT = 1n << 64n
const U128_LIMIT = 1n << 128n

function rangeError(what: string, value: unknown): EncodingError {
  return new EncodingError('ERR_ENCODING_RANGE', `${what} out of range: ${String(value)}`)
}

export const u8: Codec<number> = {
  write(w, v) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw rangeError('u8', v)
    w.u8(v)
  },
  read: (r) => r.u8(),
}

export const u32: Codec<number> = {
  write(w, v) {
    if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw rangeError('u32', v)
    w.u32(v)
  },
  read: (r) => r.u32(),
}

/** A non-negative safe integer (heights, rounds, milliseconds) stored as 8 bytes. */
export const uint: Codec<number> = {
  write(w, v) {
    if (!Number.isSafeInteger(v) || v < 0) throw rangeError('uint', v)
    w.u64(BigInt(v))
  },
  read(r) {
    const v = r.u64()
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw rangeError('uint', v)
    return Number(v)
  },
}

export const u64: Codec<bigint> = {
  write(w, v) {
    if (typeof v !== 'bigint' || v < 0n || v >= U64_LIMIT) throw rangeError('u64', v)
    w.u64(v)
  },
  read: (r) => r.u64(),
}

/** Token amounts and fixed-point values: 16 bytes big-endian. */
export const u128: Codec<bigint> = {
  write(w, v) {
    if (typeof v !== 'bigint' || v < 0n || v >= U128_LIMIT) throw rangeError('u128', v)
    w.u64(v >> 64n)
    w.u64(v & (U64_LIMIT - 1n))
  },
  read: (r) => (r.u64() << 64n) | r.u64(),
}

const I128_MIN = -(1n << 127n)
const I128_MAX = (1n << 127n) - 1n

/** Signed 128-bit integers in two's complement (one encoding per value, unlike sign+magnitude). */
export const i128: Codec<bigint> = {
  write(w, v) {
    if (typeof v !== 'bigint' || v < I128_MIN || v > I128_MAX) throw rangeError('i128', v)
    u128.write(w, BigInt.asUintN(128, v))
  },
  read: (r) => BigInt.asIntN(128, u128.read(r)),
}

export const bool: Codec<boolean> = {
  write: (w, v) => w.u8(v ? 1 : 0),
  read(r) {
    const b = r.u8()
    if (b > 1) throw new EncodingError('ERR_ENCODING_NON_CANONICAL', `boolean byte ${b}`)
    return b === 1
  },
}

/** Exactly `n` bytes, no prefix. */
export function fixedBytes(n: number): Codec<Uint8Array> {
  return {
    write(w, v) {
      if (!(v instanceof Uint8Array) || v.length !== n) {
        throw rangeError(`${n}-byte field length`, v instanceof Uint8Array ? v.length : typeof v)
      }
      w.bytes(v)
    },
    read: (r) => r.bytes(n),
  }
}

function readLength(r: Reader, max: number, what: string): number {
  const n = r.u32()
  if (n > max) throw new EncodingError('ERR_ENCODING_TOO_LONG', `${what} length ${n} > ${max}`)
  return n
}

/** Up to `max` bytes with a u32 length prefix. */
export function bytes(max: number): Codec<Uint8Array> {
  return {
    write(w, v) {
      if (!(v instanceof Uint8Array)) throw rangeError('bytes', typeof v)
      if (v.length > max) {
        throw new EncodingError('ERR_ENCODING_TOO_LONG', `bytes length ${v.length} > ${max}`)
      }
      w.u32(v.length)
      w.bytes(v)
    },
    read: (r) => r.bytes(readLength(r, max, 'bytes')),
  }
}

const utf8Encoder = new TextEncoder()
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** A UTF-8 string of at most `max` bytes; invalid UTF-8 is refused. */
export function str(max: number): Codec<string> {
  const raw = bytes(max)
  return {
    write: (w, v) => raw.write(w, utf8Encoder.encode(v)),
    read(r) {
      try {
        return strictUtf8Decoder.decode(raw.read(r))
      } catch (err) {
        if (err instanceof EncodingError) throw err
        throw new EncodingError('ERR_ENCODING_NON_CANONICAL', 'string is not valid UTF-8')
      }
    },
  }
}

/** A list of at most `max` items with a u32 count prefix. */
export function array<T>(item: Codec<T>, max: number): Codec<T[]> {
  return {
    write(w, v) {
      if (v.length > max) {
        throw new EncodingError('ERR_ENCODING_TOO_LONG', `list length ${v.length} > ${max}`)
      }
      w.u32(v.length)
      for (const x of v) item.write(w, x)
    },
    read(r) {
      const n = readLength(r, max, 'list')
      const out: T[] = []
      for (let i = 0; i < n; i++) out.push(item.read(r))
      return out
    },
  }
}

/** Exactly `n` items, no prefix (a fixed-size vector, such as one value per token). */
export function fixedArray<T>(item: Codec<T>, n: number): Codec<T[]> {
  return {
    write(w, v) {
      if (v.length !== n) throw rangeError(`${n}-item vector length`, v.length)
      for (const x of v) item.write(w, x)
    },
    read(r) {
      const out: T[] = []
      for (let i = 0; i < n; i++) out.push(item.read(r))
      return out
    },
  }
}

/** `null` or a value, with a one-byte presence flag that accepts only 0 and 1. */
export function optional<T>(inner: Codec<T>): Codec<T | null> {
  return {
    write(w, v) {
      bool.write(w, v !== null)
      if (v !== null) inner.write(w, v)
    },
    read: (r) => (bool.read(r) ? inner.read(r) : null),
  }
}

type Fields = Record<string, Codec<unknown>>
type StructOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> }

/** Fields written in the order they are declared. */
export function struct<F extends Fields>(fields: F): Codec<StructOf<F>> {
  const entries = Object.entries(fields)
  return {
    write(w, v) {
      for (const [name, codec] of entries) codec.write(w, (v as Record<string, unknown>)[name])
    },
    read(r) {
      const out: Record<string, unknown> = {}
      for (const [name, codec] of entries) out[name] = codec.read(r)
      return out as StructOf<F>
    },
  }
}

type Variants = Record<string, Codec<unknown>>
/** A value of a tagged union: `{ kind, ...fields }` where fields are the variant's struct. */
export type UnionOf<V extends Variants> = {
  [K in keyof V & string]: { kind: K } & Infer<V[K]>
}[keyof V & string]

/**
 * A tagged union: a u8 tag (the variant's position in `variants`) then the variant's fields.
 * Variants must be struct codecs; the decoded value carries its `kind`.
 */
export function taggedUnion<V extends Variants>(variants: V): Codec<UnionOf<V>> {
  const names = Object.keys(variants)
  return {
    write(w, v) {
      const tag = names.indexOf(v.kind)
      const codec = variants[v.kind]
      if (tag < 0 || codec === undefined) {
        throw new EncodingError('ERR_ENCODING_BAD_TAG', `unknown variant ${String(v.kind)}`)
      }
      w.u8(tag)
      codec.write(w, v)
    },
    read(r) {
      const tag = r.u8()
      const name = names[tag]
      if (name === undefined) throw new EncodingError('ERR_ENCODING_BAD_TAG', `unknown tag ${tag}`)
      const fields = variants[name]!.read(r) as object
      return { kind: name, ...fields } as UnionOf<V>
    },
  }
}

/** Canonical bytes of a value. */
export function encode<T>(codec: Codec<T>, value: T): Uint8Array {
  const w = new Writer()
  codec.write(w, value)
  return w.finish()
}

/** Decodes canonical bytes, refusing short, long or non-canonical input. */
export function decode<T>(codec: Codec<T>, data: Uint8Array): T {
  const r = new Reader(data)
  const value = codec.read(r)
  r.end()
  return value
}

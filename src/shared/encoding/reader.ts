import { EncodingError } from './errors'

/** A bounds-checked cursor over canonical bytes. Every read fails cleanly past the end. */
export class Reader {
  private offset = 0
  private readonly view: DataView

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) {
      throw new EncodingError(
        'ERR_ENCODING_TRUNCATED',
        `needed ${n} more byte(s) at offset ${this.offset}, only ${this.buf.length - this.offset} left`,
      )
    }
  }

  u8(): number {
    this.need(1)
    return this.buf[this.offset++]!
  }

  u32(): number {
    this.need(4)
    const v = this.view.getUint32(this.offset)
    this.offset += 4
    return v
  }

  u64(): bigint {
    this.need(8)
    const v = this.view.getBigUint64(this.offset)
    this.offset += 8
    return v
  }

  bytes(n: number): Uint8Array {
    this.need(n)
    const out = this.buf.slice(this.offset, this.offset + n)
    this.offset += n
    return out
  }

  /** Fails unless every byte was consumed: trailing bytes would make two encodings of one value. */
  end(): void {
    if (this.offset !== this.buf.length) {
      throw new EncodingError(
        'ERR_ENCODING_TRAILING_BYTES',
        `${this.buf.length - this.offset} trailing byte(s) after the value`,
      )
    }
  }
}

/** A growable byte buffer that codecs append to. */
export class Writer {
  private buf: Uint8Array
  private view: DataView
  private length = 0

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity)
    this.view = new DataView(this.buf.buffer)
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return
    let capacity = this.buf.length * 2
    while (capacity < this.length + n) capacity *= 2
    const next = new Uint8Array(capacity)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  u8(v: number): void {
    this.reserve(1)
    this.buf[this.length++] = v
  }

  u32(v: number): void {
    this.reserve(4)
    this.view.setUint32(this.length, v)
    this.length += 4
  }

  u64(v: bigint): void {
    this.reserve(8)
    this.view.setBigUint64(this.length, v)
    this.length += 8
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length)
    this.buf.set(b, this.length)
    this.length += b.length
  }

  /** The bytes written so far (a copy, so the writer can be reused). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length)
  }
}

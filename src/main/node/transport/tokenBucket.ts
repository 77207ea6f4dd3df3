/**
 * A token bucket: holds at most `capacity` tokens and refills at `ratePerSecond`. Starts full.
 * `now` returns milliseconds from a monotonic clock.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0) || !(capacity > 0)) {
      throw new RangeError('token bucket rate and capacity must be positive')
    }
    this.tokens = capacity
    this.last = now()
  }

  /** Takes `amount` tokens if the bucket holds them; false (and nothing taken) otherwise. */
  take(amount: number): boolean {
    const now = this.now()
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.last) * this.ratePerSecond) / 1000,
    )
    this.last = now
    if (amount > this.tokens) return false
    this.tokens -= amount
    return true
  }
}

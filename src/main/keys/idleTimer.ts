/** Time source for idle locking; tests pass a fake one. */
export interface Clock {
  /** Milliseconds from any fixed origin; must never go backwards. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Monotonic clock whose timers do not keep the process alive. */
export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

// Node caps timers at 2^31-1 ms; longer waits are re-armed.
const MAX_TIMER_MS = 0x7fff_ffff

/**
 * Calls `onIdle` once `idleMs` pass without `touch()`. Activity only records a time; the one
 * pending timer re-arms itself for the remainder when it fires early, so touching is cheap.
 */
export class IdleTimer {
  readonly #clock: Clock
  readonly #idleMs: number
  readonly #onIdle: () => void
  #lastActivity = 0
  #handle: unknown = null

  /** `idleMs` must be positive; Infinity never fires. */
  constructor(clock: Clock, idleMs: number, onIdle: () => void) {
    this.#clock = clock
    this.#idleMs = idleMs
    this.#onIdle = onIdle
  }

  /** Records activity and arms the timer if it is not armed. */
  start(): void {
    this.touch()
    if (this.#handle === null) this.#arm(this.#idleMs)
  }

  /** Records activity. */
  touch(): void {
    this.#lastActivity = this.#clock.now()
  }

  /** True if the idle time has passed, even if the timer has not fired yet (e.g. after sleep). */
  expired(): boolean {
    return this.#clock.now() - this.#lastActivity >= this.#idleMs
  }

  /** Disarms the timer. */
  stop(): void {
    if (this.#handle !== null) this.#clock.clearTimeout(this.#handle)
    this.#handle = null
  }

  #arm(ms: number): void {
    if (ms === Infinity) return
    this.#handle = this.#clock.setTimeout(() => this.#fire(), Math.min(ms, MAX_TIMER_MS))
  }

  #fire(): void {
    this.#handle = null
    const remaining = this.#lastActivity + this.#idleMs - this.#clock.now()
    if (remaining > 0) this.#arm(remaining)
    else this.#onIdle()
  }
}

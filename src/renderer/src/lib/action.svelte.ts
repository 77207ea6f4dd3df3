import { toUiError, type UiError } from './errors'

/**
 * One thing the person can trigger (unlock, export, sign…): whether it is running, and why it
 * last failed. Components show `busy` and `error`; the call itself lives in WalletState.
 */
export class Action {
  busy = $state(false)
  error = $state<UiError | null>(null)

  /** Runs `task` unless already running; resolves to whether it succeeded. Never throws. */
  async run(task: () => Promise<unknown>): Promise<boolean> {
    if (this.busy) return false
    this.busy = true
    this.error = null
    try {
      await task()
      return true
    } catch (err) {
      this.error = toUiError(err)
      return false
    } finally {
      this.busy = false
    }
  }

  reset(): void {
    this.error = null
  }
}

import type { IpcClient } from '../../../shared/ipc/client'
import type { AlertDto, Alerts } from '../../../shared/ipc/contract'
import { toUiError, type UiError } from './errors'

/**
 * The monitor's alerts: loaded with `monitor.alerts` (on start, after a reconnect, when the node
 * starts) and replaced by every `Alerts` push event, which the node sends whenever one is raised
 * or cleared. Always listening: the header counts the active alerts on every page.
 */
export class AlertsState {
  active = $state.raw<AlertDto[]>([])
  /** Raised and cleared alerts, newest first. */
  history = $state.raw<AlertDto[]>([])
  error = $state<UiError | null>(null)

  /** Counts push events, so that a load answered after one does not overwrite it. */
  #pushes = 0

  constructor(private readonly client: IpcClient) {
    client.on('Alerts', (alerts) => {
      this.#pushes++
      this.#apply(alerts)
    })
  }

  /** Alerts that have ended, newest first. */
  get cleared(): AlertDto[] {
    return this.history.filter((a) => a.clearedAt !== null)
  }

  async refresh(): Promise<void> {
    const pushes = this.#pushes
    try {
      const alerts = await this.client.call('monitor.alerts', {})
      if (pushes === this.#pushes) this.#apply(alerts)
    } catch (err) {
      this.error = toUiError(err)
    }
  }

  #apply(alerts: Alerts): void {
    this.active = alerts.active
    this.history = alerts.history
    this.error = null
  }
}

import { Notification } from 'electron'
import type { Alerts } from '../../shared/ipc/contract'

/**
 * Desktop notifications for alerts: one when an alert is raised (not for info-level ones, which
 * only show in the app), none when it clears. The app's alert list stays the full record.
 */
export function alertNotifier(): (alerts: Alerts) => void {
  const shown = new Set<string>()
  return ({ active }) => {
    const ids = new Set(active.map((a) => a.id))
    for (const id of shown) if (!ids.has(id)) shown.delete(id)
    if (!Notification.isSupported()) return
    for (const alert of active) {
      if (shown.has(alert.id) || alert.severity === 'info') continue
      shown.add(alert.id)
      new Notification({ title: alert.title, body: `${alert.detail} ${alert.advice}` }).show()
    }
  }
}

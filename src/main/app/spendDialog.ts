import { dialog, type BrowserWindow } from 'electron'
import { formatAmount } from '../../shared/amount'
import type { TxReviewDto } from '../../shared/ipc/contract'
import { describeAction } from '../../shared/txDescription'
import type { SpendConfirmer } from '../host/nodeHost'

/** Confirms each spend in a native dialog owned by the main process, showing what main decoded. */
export function nativeSpendConfirmer(parent: () => BrowserWindow | null): SpendConfirmer {
  return {
    async confirm(review: TxReviewDto): Promise<boolean> {
      const options = {
        type: 'question' as const,
        buttons: ['Cancel', 'Sign'],
        defaultId: 0,
        cancelId: 0,
        title: 'Confirm transaction',
        message: `${describeAction(review.action)}?`,
        detail:
          `From: ${review.from}\nFee: ${formatAmount(BigInt(review.fee))} FLX\n` +
          `Nonce: ${review.nonce}\nCluster: ${review.clusterId}`,
      }
      const win = parent()
      const result = win
        ? await dialog.showMessageBox(win, options)
        : await dialog.showMessageBox(options)
      return result.response === 1
    },
  }
}

import type { ActionReviewDto } from '../../../shared/ipc/contract'
import type { AccountState } from './accountState.svelte'
import { Action } from './action.svelte'

/**
 * A spend form's submission: the wallet password typed to confirm it, whether it is running, why
 * it last failed, and the hash of the transaction it last sent (shown by SpendConfirm).
 */
export class SpendAction extends Action {
  /** The wallet password as typed; a submission clears it before anything else. */
  password = $state('')
  hash = $state<string | null>(null)

  /**
   * Signs and submits `action` from the selected account; resolves to whether the node took it.
   * An action the node has to prepare first (a connection's approval) is given as a function.
   */
  async submit(
    account: AccountState,
    action: ActionReviewDto | (() => Promise<ActionReviewDto>),
    fee: bigint,
  ): Promise<boolean> {
    const password = this.password
    this.password = ''
    return this.run(async () => {
      // The result shown is always this submission's.
      this.hash = null
      const prepared = typeof action === 'function' ? await action() : action
      this.hash = await account.submit(prepared, fee, password)
    })
  }
}

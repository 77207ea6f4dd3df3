import type { IpcClient } from '../../../shared/ipc/client'
import type {
  AccountDto,
  ActionReviewDto,
  HistoryItem,
  PoolPosition,
  WalletAccount,
} from '../../../shared/ipc/contract'
import { BlockFeed, coalesce } from './blockFeed'
import { toUiError, type UiError } from './errors'
import type { WalletState } from './walletState.svelte'

/** How many transactions the history shows. */
const HISTORY_LIMIT = 50

/**
 * The wallet account the wallet, exchange and liquidity pages work with: its balances
 * (`account.get`), pool position (`pool.position`) and transactions (`wallet.history`), reloaded
 * on every committed block while a page watches. The choice of account is shared by those pages.
 */
export class AccountState {
  /** The selected wallet account's index. */
  index = $state(0)
  account = $state<AccountDto | null>(null)
  position = $state<PoolPosition | null>(null)
  history = $state<HistoryItem[]>([])
  error = $state<UiError | null>(null)

  readonly #feed: BlockFeed
  readonly refresh: () => Promise<void>

  constructor(
    private readonly client: IpcClient,
    private readonly wallet: WalletState,
  ) {
    this.refresh = coalesce(() => this.#load())
    this.#feed = new BlockFeed(client, () => void this.refresh())
  }

  /** The selected account's public data, once the wallet's accounts are loaded. */
  get selected(): WalletAccount | null {
    return this.wallet.accounts.find((a) => a.index === this.index) ?? null
  }

  /** Loads the account now and on every block until the returned function is called. */
  watch(): () => void {
    const stop = this.#feed.watch()
    void this.refresh()
    return stop
  }

  /** Switches to another wallet account; what was shown for the previous one is dropped. */
  select(index: number): void {
    if (index === this.index) return
    this.index = index
    this.account = null
    this.position = null
    this.history = []
    this.error = null
    void this.refresh()
  }

  /**
   * Signs and submits a spend from the selected account; the password is the confirmation.
   * Resolves to the transaction's hash once the node accepted it into its pool of pending ones.
   */
  async submit(action: ActionReviewDto, fee: bigint, password: string): Promise<string> {
    const { hash } = await this.client.call('wallet.submit', {
      index: this.index,
      action,
      fee: fee.toString(),
      password,
    })
    await this.refresh()
    return hash
  }

  /** The history entry of a transaction of this account, if the history holds it. */
  find(hash: string): HistoryItem | null {
    return this.history.find((item) => item.hash === hash) ?? null
  }

  async #load(): Promise<void> {
    const index = this.index
    try {
      if (!this.wallet.accounts.some((a) => a.index === index)) await this.wallet.loadAccounts()
      const selected = this.wallet.accounts.find((a) => a.index === index)
      if (!selected) throw new Error(`the wallet has no account ${index}`)
      const [account, position, { items }] = await Promise.all([
        this.client.call('account.get', { address: selected.address }),
        this.client.call('pool.position', { index }),
        this.client.call('wallet.history', { index, limit: HISTORY_LIMIT }),
      ])
      // The person picked another account meanwhile: this answer is about the old one.
      if (index !== this.index) return
      this.account = account
      this.position = position
      this.history = items
      this.error = null
    } catch (err) {
      if (index !== this.index) return
      this.error = toUiError(err)
    }
  }
}

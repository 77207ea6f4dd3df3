import type { IpcClient } from '../../../shared/ipc/client'
import type {
  ChannelResponse,
  TxReviewDto,
  WalletAccount,
  WalletStatus,
} from '../../../shared/ipc/contract'
import { toUiError, type UiError } from './errors'

/** A re-typed word of the new mnemonic: `index` is 0-based. */
export interface WordConfirmation {
  readonly index: number
  readonly word: string
}

/**
 * The wallet as the UI sees it, fed by `wallet.status` and the `WalletStatus` push event, with one
 * method per wallet channel. Keys never reach this side; the mnemonic words that must be shown to
 * the person are returned to the calling component and never kept here.
 */
export class WalletState {
  status = $state<WalletStatus | null>(null)
  /** Why the status could not be loaded (not connected yet, or a node without a wallet). */
  error = $state<UiError | null>(null)
  /** The wallet's accounts (public data), once `loadAccounts` ran. */
  accounts = $state<WalletAccount[]>([])

  readonly #client: IpcClient
  #nodeStartedListeners: (() => void)[] = []

  constructor(client: IpcClient) {
    this.#client = client
    client.on('WalletStatus', (s) => this.#apply(s))
  }

  get unlocked(): boolean {
    return this.status?.wallet === 'unlocked'
  }

  get locked(): boolean {
    return this.status?.wallet === 'locked'
  }

  /** The node cannot run until the wallet is unlocked: it needs the validator's key. */
  get nodeWaiting(): boolean {
    return this.status?.node === 'waiting-for-wallet'
  }

  /** Calls `listener` whenever the node goes from waiting for the wallet to running. */
  onNodeStarted(listener: () => void): () => void {
    this.#nodeStartedListeners = [...this.#nodeStartedListeners, listener]
    return () => {
      this.#nodeStartedListeners = this.#nodeStartedListeners.filter((l) => l !== listener)
    }
  }

  /** Loads the status once (on start and after a reconnect); failures land in `error`. */
  async refresh(): Promise<void> {
    try {
      this.#apply(await this.#client.call('wallet.status', {}))
      this.error = null
    } catch (err) {
      this.error = toUiError(err)
    }
  }

  /** A new mnemonic for onboarding; main keeps it until `create` confirms it. */
  async generateMnemonic(): Promise<string[]> {
    return (await this.#client.call('wallet.generateMnemonic', {})).words
  }

  /** Creates the wallet from the generated mnemonic; ERR_MNEMONIC_MISMATCH if a word is wrong. */
  async create(password: string, confirmations: readonly WordConfirmation[]): Promise<void> {
    await this.#change(() =>
      this.#client.call('wallet.create', {
        password,
        confirmations: confirmations.map(({ index, word }) => ({ index, word })),
      }),
    )
  }

  async importMnemonic(mnemonic: string, passphrase: string, password: string): Promise<void> {
    await this.#change(() =>
      this.#client.call('wallet.importMnemonic', { mnemonic, passphrase, password }),
    )
  }

  async importKeystore(
    keystore: string,
    keystorePassword: string,
    password: string,
  ): Promise<void> {
    await this.#change(() =>
      this.#client.call('wallet.importKeystore', { keystore, keystorePassword, password }),
    )
  }

  /** ERR_BAD_PASSWORD if the password does not open the wallet. */
  async unlock(password: string): Promise<void> {
    await this.#change(() => this.#client.call('wallet.unlock', { password }))
  }

  async lock(): Promise<void> {
    await this.#change(() => this.#client.call('wallet.lock', {}))
  }

  /** Lock after this many idle minutes; 0 never locks on its own. */
  async setAutoLock(minutes: number): Promise<void> {
    await this.#change(() => this.#client.call('wallet.setAutoLock', { minutes }))
  }

  /** Whether the unlock is remembered in the OS key store; null where that is not available. */
  async unlockMemory(): Promise<boolean | null> {
    return (await this.#client.call('app.unlockMemory', {})).remembered
  }

  async setUnlockMemory(enabled: boolean, password: string): Promise<boolean | null> {
    const request = enabled ? { enabled, password } : { enabled }
    return (await this.#client.call('app.setUnlockMemory', request)).remembered
  }

  async loadAccounts(): Promise<void> {
    const { accounts } = await this.#client.call('wallet.accounts', {})
    this.accounts = [...accounts].sort((a, b) => a.index - b.index)
  }

  async addAccount(label: string): Promise<WalletAccount> {
    const account = await this.#client.call('wallet.addAccount', { label })
    this.accounts = [...this.accounts.filter((a) => a.index !== account.index), account].sort(
      (a, b) => a.index - b.index,
    )
    return account
  }

  /** One account's keystore, encrypted under `exportPassword`, with a file name for it. */
  exportKeystore(
    index: number,
    password: string,
    exportPassword: string,
  ): Promise<ChannelResponse<'wallet.exportKeystore'>> {
    return this.#client.call('wallet.exportKeystore', { index, password, exportPassword })
  }

  /** The recovery words, for the caller to show and then drop. */
  async revealMnemonic(password: string): Promise<string[]> {
    return (await this.#client.call('wallet.revealMnemonic', { password })).words
  }

  /** What an unsigned transaction file would do, decoded by main. */
  reviewTx(file: string): Promise<TxReviewDto> {
    return this.#client.call('tx.review', { file })
  }

  /** Signs an unsigned transaction file; the password confirms the spend. */
  signTx(file: string, password: string): Promise<ChannelResponse<'tx.signOffline'>> {
    return this.#client.call('tx.signOffline', { file, password })
  }

  broadcastTx(file: string): Promise<ChannelResponse<'tx.broadcastFile'>> {
    return this.#client.call('tx.broadcastFile', { file })
  }

  /**
   * Runs a call that changes the wallet's state. If it fails part-way (say the wallet was written
   * but the node did not start), the status is reloaded so the screen shows what is true now.
   */
  async #change(call: () => Promise<WalletStatus>): Promise<void> {
    try {
      this.#apply(await call())
    } catch (err) {
      await this.refresh()
      throw err
    }
  }

  #apply(next: WalletStatus): void {
    const wasWaiting = this.status?.node === 'waiting-for-wallet'
    this.status = next
    if (wasWaiting && next.node === 'running') {
      for (const listener of this.#nodeStartedListeners) listener()
    }
  }
}

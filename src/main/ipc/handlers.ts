import { CodedError } from '../../shared/errors'
import type { NodeHost } from '../host/nodeHost'
import type { ChannelHandlers } from './dispatcher'
import { createNetworkFile } from '../host/networkSetup'

/** Services only the desktop app has. */
export interface DesktopServices {
  /** Whether the unlock is remembered; null where the OS offers no secure storage. */
  unlockMemory(): boolean | null
  setUnlockMemory(enabled: boolean, password: string | undefined): Promise<boolean | null>
}

/** Headless mode has no OS key store to remember an unlock in. */
const NO_DESKTOP: DesktopServices = {
  unlockMemory: () => null,
  setUnlockMemory: () =>
    Promise.reject(
      new CodedError('ERR_NOT_SUPPORTED', 'remembering the unlock needs the desktop app'),
    ),
}

/** Maps every IPC/RPC channel to the service that answers it. */
export function createHandlers(
  host: NodeHost,
  desktop: DesktopServices = NO_DESKTOP,
): ChannelHandlers {
  return {
    'app.unlockMemory': () => ({ remembered: desktop.unlockMemory() }),
    'app.setUnlockMemory': async ({ enabled, password }) => ({
      remembered: await desktop.setUnlockMemory(enabled, password),
    }),
    'node.status': () => host.requireNode().status(),
    'node.network': () => host.requireNode().networkInfo(),
    'node.consensus': () => host.requireNode().consensusInfo(),
    'monitor.kpis': () => host.requireNode().monitor.report(),
    'monitor.history': async ({ range }) => ({
      points: await host.requireNode().monitor.history(range),
    }),
    'monitor.alerts': () => host.requireNode().monitor.alerts(),
    'network.joinRequest': ({ name, peerUrl }) => host.joinRequest(name, peerUrl),
    'network.create': ({ clusterId, requests }) => createNetworkFile(clusterId, requests),
    'network.import': ({ file }) => host.importNetwork(file),
    'network.current': () => host.currentNetwork(),
    'account.get': ({ address }) => host.requireNode().account(address),
    'block.get': ({ height }) => host.requireNode().blockSummary(height),
    'tx.submit': ({ tx }) => host.requireNode().submitTx(tx),
    'wallet.status': () => host.status(),
    'wallet.generateMnemonic': () => ({ words: host.generateMnemonic() }),
    'wallet.create': ({ password, confirmations }) => host.createWallet(password, confirmations),
    'wallet.importMnemonic': ({ mnemonic, passphrase, password }) =>
      host.importMnemonic(mnemonic, passphrase, password),
    'wallet.importKeystore': ({ keystore, keystorePassword, password }) =>
      host.importKeystore(keystore, keystorePassword, password),
    'wallet.unlock': ({ password }) => host.unlock(password),
    'wallet.lock': () => host.lock(),
    'wallet.setAutoLock': ({ minutes }) => host.setAutoLock(minutes),
    'wallet.accounts': () => ({ accounts: host.accounts() }),
    'wallet.addAccount': ({ label }) => host.addAccount(label),
    'wallet.exportKeystore': ({ index, password, exportPassword }) =>
      host.exportKeystore(index, password, exportPassword),
    'wallet.revealMnemonic': async ({ password }) => ({
      words: await host.revealMnemonic(password),
    }),
    'tx.review': ({ file }) => host.reviewTx(file),
    'tx.signOffline': ({ file, password }) => host.signOffline(file, password),
    'tx.broadcastFile': ({ file }) => host.broadcastFile(file),
    'pool.get': () => host.requireNode().poolInfo(),
    'pool.position': ({ index }) => host.position(index),
    'pool.quote': (request) => host.requireNode().quote(request),
    'staking.get': () => host.requireNode().stakingInfo(),
    'bridge.info': () => host.bridgeInfo(),
    'bridge.prepareConnect': ({ file, urls, flowCap, flowWindow }) =>
      host.prepareConnect(file, urls, BigInt(flowCap), flowWindow),
    'wallet.history': async ({ index, limit }) => ({ items: await host.history(index, limit) }),
    'wallet.submit': ({ index, action, fee, password }) =>
      host.submit(index, action, BigInt(fee), password),
  }
}

import { createIpcClient, type IpcClient } from '../../../shared/ipc/client'
import { electronTransport } from './transport/electronTransport'
import { websocketTransport } from './transport/websocketTransport'

const TOKEN_KEY = 'coherence.rpcToken'

export type Connection =
  | { kind: 'ready'; client: IpcClient; onConnectionChange: (l: (c: boolean) => void) => void }
  | { kind: 'no-token' }

/**
 * Picks the transport: Electron's bridge when present, else the headless RPC with the token
 * from the URL fragment (moved to session storage so it does not linger in the address bar).
 */
export function connect(): Connection {
  const electron = electronTransport()
  if (electron)
    return { kind: 'ready', client: createIpcClient(electron), onConnectionChange: () => {} }
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token')
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash)
    history.replaceState(null, '', location.pathname)
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY)
  if (!token) return { kind: 'no-token' }
  const transport = websocketTransport(token)
  return {
    kind: 'ready',
    client: createIpcClient(transport),
    onConnectionChange: (l) => transport.onConnectionChange(l),
  }
}

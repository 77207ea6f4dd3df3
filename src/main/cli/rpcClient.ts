import { readFile } from 'node:fs/promises'
import WebSocket from 'ws'
import { CodedError, type Result } from '../../shared/errors'
import { createIpcClient, type IpcClient } from '../../shared/ipc/client'
import { IPC_ERRORS } from '../../shared/ipc/errors'
import { RpcServerMessageSchema } from '../../shared/ipc/wire'
import { dataDirLayout } from '../node/dataDir'
import type { RpcEndpointFile } from '../headless/rpcServer'

export class CliError extends CodedError<'ERR_NODE_NOT_RUNNING' | 'ERR_USAGE' | 'ERR_TIMEOUT'> {}

const CALL_TIMEOUT_MS = 10_000

/** Connects to the node running on `dataDir`, using the endpoint file it wrote there. */
export async function connectToNode(
  dataDir: string,
): Promise<{ client: IpcClient; close: () => void }> {
  const file = dataDirLayout(dataDir).rpc
  let endpoint: RpcEndpointFile
  try {
    endpoint = JSON.parse(await readFile(file, 'utf8')) as RpcEndpointFile
  } catch {
    throw new CliError('ERR_NODE_NOT_RUNNING', `no node is running on ${dataDir}`)
  }
  const url = `ws://127.0.0.1:${endpoint.port}/rpc?token=${encodeURIComponent(endpoint.token)}`
  const ws = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', () =>
      reject(new CliError('ERR_NODE_NOT_RUNNING', `no node is answering on ${dataDir}`)),
    )
  })
  const pending = new Map<number, (r: Result<unknown>) => void>()
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  let nextId = 1
  ws.on('message', (data) => {
    let parsed
    try {
      parsed = RpcServerMessageSchema.safeParse(JSON.parse((data as Buffer).toString('utf8')))
    } catch {
      return
    }
    if (!parsed.success) return
    const m = parsed.data
    if ('id' in m) pending.get(m.id)?.(m.result)
    else if ('event' in m) for (const l of listeners.get(m.event) ?? []) l(m.payload)
  })
  ws.on('close', () => {
    for (const resolve of pending.values()) {
      resolve({ ok: false, error: { code: IPC_ERRORS.DISCONNECTED, message: 'node disconnected' } })
    }
    pending.clear()
  })
  const client = createIpcClient({
    invoke(channel, payload) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new CliError('ERR_TIMEOUT', `the node did not answer ${channel}`))
        }, CALL_TIMEOUT_MS)
        pending.set(id, (r) => {
          clearTimeout(timer)
          pending.delete(id)
          resolve(r)
        })
        ws.send(JSON.stringify({ id, channel, payload }))
      })
    },
    subscribe(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
  })
  return { client, close: () => ws.close() }
}

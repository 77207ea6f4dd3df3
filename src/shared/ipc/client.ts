import { CodedError, type Result } from '../errors'
import {
  CHANNELS,
  EVENTS,
  type Channel,
  type ChannelRequest,
  type ChannelResponse,
  type EventName,
  type EventPayload,
} from './contract'
import { IPC_ERRORS } from './errors'

/** What a transport (Electron IPC or WebSocket RPC) must provide; both give the same client. */
export interface IpcTransport {
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
}

/** A failed call, carrying the node's stable code. */
export class IpcCallError extends CodedError {}

/** The typed API the UI uses, the same over either transport. */
export interface IpcClient {
  call<C extends Channel>(channel: C, request: ChannelRequest<C>): Promise<ChannelResponse<C>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** Wraps a transport; validates every response and event against the contract. */
export function createIpcClient(transport: IpcTransport): IpcClient {
  return {
    async call(channel, request) {
      const result = await transport.invoke(channel, request)
      if (!result.ok) throw new IpcCallError(result.error.code, result.error.message)
      const parsed = CHANNELS[channel].response.safeParse(result.data)
      if (!parsed.success) {
        throw new IpcCallError(IPC_ERRORS.BAD_RESPONSE, `malformed response on ${channel}`)
      }
      return parsed.data as ChannelResponse<typeof channel>
    },
    on(event, listener) {
      return transport.subscribe(event, (payload) => {
        const parsed = EVENTS[event].safeParse(payload)
        if (parsed.success) listener(parsed.data as EventPayload<typeof event>)
      })
    },
  }
}

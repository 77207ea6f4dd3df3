import { toErrorPayload, type Result } from '../../shared/errors'
import {
  CHANNELS,
  isChannel,
  type Channel,
  type ChannelRequest,
  type ChannelResponse,
} from '../../shared/ipc/contract'
import { IPC_ERRORS } from '../../shared/ipc/errors'

/** One service function per channel. */
export type ChannelHandlers = {
  [C in Channel]: (request: ChannelRequest<C>) => Promise<ChannelResponse<C>> | ChannelResponse<C>
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`)
    .join('; ')
}

/**
 * The single entry point from an untrusted UI to the node's services: refuses unknown channels,
 * parses the payload against the channel's schema, calls the service, and parses the response so
 * only declared fields leave. Errors come back as data with stable codes.
 */
export function createDispatcher(handlers: ChannelHandlers) {
  return async function dispatch(channel: unknown, payload: unknown): Promise<Result<unknown>> {
    if (!isChannel(channel)) {
      return {
        ok: false,
        error: { code: IPC_ERRORS.UNKNOWN_CHANNEL, message: `unknown channel ${String(channel)}` },
      }
    }
    const spec = CHANNELS[channel]
    const request = spec.request.safeParse(payload ?? {})
    if (!request.success) {
      return {
        ok: false,
        error: {
          code: IPC_ERRORS.BAD_REQUEST,
          message: `bad request on ${channel}: ${describeIssues(request.error.issues)}`,
        },
      }
    }
    try {
      const handler = handlers[channel] as (req: unknown) => unknown
      const data = spec.response.parse(await handler(request.data))
      return { ok: true, data }
    } catch (err) {
      return { ok: false, error: toErrorPayload(err) }
    }
  }
}

export type Dispatch = ReturnType<typeof createDispatcher>

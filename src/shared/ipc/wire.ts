import { z } from 'zod'
import type { ErrorPayload } from '../errors'

/** Maximum size of one RPC message over WebSocket, in bytes. */
export const MAX_RPC_MESSAGE_BYTES = 4 * 1024 * 1024

/** A call from the UI: `{ id, channel, payload }`. */
export const RpcRequestSchema = z
  .object({
    id: z.number().int().nonnegative(),
    channel: z.string().max(100),
    payload: z.unknown(),
  })
  .strict()
export type RpcRequest = z.infer<typeof RpcRequestSchema>

const ErrorPayloadSchema = z.object({ code: z.string(), message: z.string() })

/** The node's answer to one call, or a push event. */
export const RpcServerMessageSchema = z.union([
  z.object({
    id: z.number().int().nonnegative(),
    result: z.union([
      z.object({ ok: z.literal(true), data: z.unknown() }),
      z.object({ ok: z.literal(false), error: ErrorPayloadSchema }),
    ]),
  }),
  z.object({ event: z.string(), payload: z.unknown() }),
  // A message-level error that answers no call (e.g. the request itself was unreadable).
  z.object({ error: ErrorPayloadSchema }),
])
export type RpcServerMessage =
  | { id: number; result: { ok: true; data: unknown } | { ok: false; error: ErrorPayload } }
  | { event: string; payload: unknown }
  | { error: ErrorPayload }

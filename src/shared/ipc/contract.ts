import { z } from 'zod'
import {
  AddressSchema,
  BalancesSchema,
  HashSchema,
  HeightSchema,
  HexSchema,
  TimestampMsSchema,
} from './primitives'

/** What the node reports about itself; pushed on every committed block. */
export const NodeStatusSchema = z.object({
  clusterId: z.string(),
  height: HeightSchema,
  latestBlockHash: HashSchema,
  latestBlockTime: TimestampMsSchema,
  validatorAddress: AddressSchema,
  accountAddress: AddressSchema,
  balances: BalancesSchema,
  blockTimeMs: z.number().int().positive(),
  mempoolSize: z.number().int().nonnegative(),
})
export type NodeStatus = z.infer<typeof NodeStatusSchema>

export const AccountSchema = z.object({
  address: AddressSchema,
  nonce: z.number().int().nonnegative(),
  balances: BalancesSchema,
})
export type AccountDto = z.infer<typeof AccountSchema>

export const BlockSummarySchema = z.object({
  height: HeightSchema,
  hash: HashSchema,
  time: TimestampMsSchema,
  proposer: AddressSchema,
  txCount: z.number().int().nonnegative(),
  stateHash: HashSchema,
})
export type BlockSummary = z.infer<typeof BlockSummarySchema>

const Empty = z.object({}).strict()

/**
 * Every request the UI (renderer or browser) may make, each with a runtime schema for its request
 * and response. Requests are strict (unknown fields are refused); responses are parsed on both
 * sides, so a field not declared here is stripped before it can reach the untrusted side.
 */
export const CHANNELS = {
  'node.status': { request: Empty, response: NodeStatusSchema },
  'account.get': {
    request: z.object({ address: AddressSchema }).strict(),
    response: AccountSchema,
  },
  'block.get': {
    request: z.object({ height: HeightSchema }).strict(),
    response: BlockSummarySchema,
  },
  'tx.submit': {
    request: z.object({ tx: HexSchema }).strict(),
    response: z.object({ hash: HashSchema }),
  },
} as const

/** Events that main pushes to the UI, each with its payload schema. */
export const EVENTS = {
  NodeStatus: NodeStatusSchema,
  BlockCommitted: BlockSummarySchema,
} as const

export type Channel = keyof typeof CHANNELS
export type ChannelRequest<C extends Channel> = z.input<(typeof CHANNELS)[C]['request']>
export type ChannelResponse<C extends Channel> = z.output<(typeof CHANNELS)[C]['response']>
export type EventName = keyof typeof EVENTS
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(CHANNELS, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name)
}

import { z } from 'zod'
import { isAddress } from '../address'

/** Base units of a token as a decimal string: bigints do not survive JSON. */
export const AmountSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,38})$/, 'an integer amount in base units')
export const HashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a 32-byte lower-case hex hash')
export const HexSchema = z
  .string()
  .max(2 * 1024 * 1024)
  .regex(/^([0-9a-f]{2})*$/, 'lower-case hex bytes')
export const AddressSchema = z.string().max(100).refine(isAddress, 'a coh1… address')
export const HeightSchema = z.number().int().nonnegative()
export const TimestampMsSchema = z.number().int().nonnegative()

export const BalancesSchema = z.object({ CHR: AmountSchema, PSY: AmountSchema, FLX: AmountSchema })
export type BalancesDto = z.infer<typeof BalancesSchema>

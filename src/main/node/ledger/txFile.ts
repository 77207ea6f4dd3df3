import { z } from 'zod'
import { decodeAddress, encodeAddress } from '../../../shared/address'
import { CodedError } from '../../../shared/errors'
import { decode, encode, fromHex, toHex } from '../../../shared/encoding'
import type { ActionReviewDto } from '../../../shared/ipc/contract'
import { HexSchema } from '../../../shared/ipc/primitives'
import { TOKEN_ID, TOKENS, type Token } from '../../../shared/tokens'
import { psyFlowFee } from '../../../shared/cee/flowFee'
import { addressOf } from '../crypto'
import {
  ActionCodec,
  decodeTx,
  encodeTx,
  TxBodyCodec,
  type Action,
  type SignedTx,
  type TxBody,
} from './tx'

export class TxFileError extends CodedError<'ERR_TX_FILE'> {}

/** Format tags, so a signed file is never mistaken for an unsigned one. */
export const UNSIGNED_TX_FORMAT = 'coherence-unsigned-tx/1'
export const SIGNED_TX_FORMAT = 'coherence-signed-tx/1'

const UnsignedTxFileSchema = z
  .object({ format: z.literal(UNSIGNED_TX_FORMAT), clusterId: z.string().max(64), body: HexSchema })
  .strict()
const SignedTxFileSchema = z
  .object({ format: z.literal(SIGNED_TX_FORMAT), clusterId: z.string().max(64), tx: HexSchema })
  .strict()

/** A transaction built on an online machine, to be signed offline. */
export interface UnsignedTxFile {
  readonly clusterId: string
  readonly body: TxBody
}

/** A signed transaction, ready to broadcast. */
export interface SignedTxFile {
  readonly clusterId: string
  readonly tx: SignedTx
}

/** What a person reviews before signing: decoded from the bytes that will be signed. */
export interface TxReview {
  readonly clusterId: string
  readonly from: string
  readonly nonce: number
  readonly fee: string
  /** What the transaction does, with amounts in base units and tokens by symbol. */
  readonly action: ActionReview
}

/** An action in readable form (tokens by symbol, amounts as decimal strings of base units). */
export type ActionReview = ActionReviewDto

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new TxFileError('ERR_TX_FILE', `${what} is not JSON`)
  }
}

export function serializeUnsignedTx(file: UnsignedTxFile): string {
  const json = {
    format: UNSIGNED_TX_FORMAT,
    clusterId: file.clusterId,
    body: toHex(encode(TxBodyCodec, file.body)),
  }
  return JSON.stringify(json, null, 2) + '\n'
}

export function parseUnsignedTx(text: string): UnsignedTxFile {
  const parsed = UnsignedTxFileSchema.safeParse(parseJson(text, 'the unsigned transaction file'))
  if (!parsed.success) {
    throw new TxFileError('ERR_TX_FILE', 'not an unsigned Coherence transaction file')
  }
  try {
    return {
      clusterId: parsed.data.clusterId,
      body: decode(TxBodyCodec, fromHex(parsed.data.body)),
    }
  } catch (err) {
    throw new TxFileError(
      'ERR_TX_FILE',
      `the transaction in the file is malformed: ${(err as Error).message}`,
    )
  }
}

export function serializeSignedTx(file: SignedTxFile): string {
  const json = { format: SIGNED_TX_FORMAT, clusterId: file.clusterId, tx: toHex(encodeTx(file.tx)) }
  return JSON.stringify(json, null, 2) + '\n'
}

export function parseSignedTx(text: string): SignedTxFile {
  const parsed = SignedTxFileSchema.safeParse(parseJson(text, 'the signed transaction file'))
  if (!parsed.success)
    throw new TxFileError('ERR_TX_FILE', 'not a signed Coherence transaction file')
  try {
    return { clusterId: parsed.data.clusterId, tx: decodeTx(fromHex(parsed.data.tx)) }
  } catch (err) {
    throw new TxFileError(
      'ERR_TX_FILE',
      `the transaction in the file is malformed: ${(err as Error).message}`,
    )
  }
}

function symbol(token: number): Token {
  const name = TOKENS[token]
  if (name === undefined) throw new TxFileError('ERR_TX_FILE', `unknown token id ${token}`)
  return name
}
const decimals = (values: readonly bigint[]): string[] => values.map((v) => v.toString())

/** The human-readable meaning of an action. */
export function reviewAction(a: Action): ActionReview {
  switch (a.kind) {
    case 'transfer':
      return {
        kind: a.kind,
        to: encodeAddress(a.to),
        token: symbol(a.token),
        amount: a.amount.toString(),
        // What a PSY transfer also pays into the pool, on top of the amount.
        flowFee: (a.token === TOKEN_ID.PSY ? psyFlowFee(a.amount) : 0n).toString(),
      }
    case 'swap':
      return {
        kind: a.kind,
        tokenIn: symbol(a.tokenIn),
        tokenOut: symbol(a.tokenOut),
        exactOut: a.exactOut,
        amount: a.amount.toString(),
        limit: a.limit.toString(),
        deadline: a.deadline,
      }
    case 'join':
      return { kind: a.kind, maxAmounts: decimals(a.maxAmounts), minShares: a.minShares.toString() }
    case 'joinSingle':
      return {
        kind: a.kind,
        token: symbol(a.token),
        amount: a.amount.toString(),
        minShares: a.minShares.toString(),
      }
    case 'exit':
      return { kind: a.kind, shares: a.shares.toString(), minAmounts: decimals(a.minAmounts) }
    case 'exitSingle':
      return {
        kind: a.kind,
        token: symbol(a.token),
        shares: a.shares.toString(),
        minAmount: a.minAmount.toString(),
      }
    case 'stake':
    case 'unstake':
      return { kind: a.kind, validator: toHex(a.validator), amount: a.amount.toString() }
    case 'bridgeSend':
      return {
        kind: a.kind,
        cluster: a.cluster,
        to: encodeAddress(a.recipient),
        token: symbol(a.token),
        amount: a.amount.toString(),
        timeoutHeight: a.timeoutHeight,
      }
    case 'bridgeConnect':
      return { kind: a.kind, cluster: a.clusterId, action: toHex(encode(ActionCodec, a)) }
    case 'bridgeUpdate':
      return {
        kind: a.kind,
        cluster: a.header.clusterId,
        height: a.header.height,
        action: toHex(encode(ActionCodec, a)),
      }
    case 'bridgeDeliver':
      return {
        kind: a.kind,
        cluster: a.message.kind === 'packet' ? a.message.sourceCluster : a.message.destCluster,
        height: a.height,
        action: toHex(encode(ActionCodec, a)),
      }
  }
}

/** The action a readable description stands for (the inverse of reviewAction). */
export function actionFromReview(r: ActionReview): Action {
  const id = (t: Token): number => TOKEN_ID[t]
  const big = (v: readonly string[]): bigint[] => v.map((x) => BigInt(x))
  switch (r.kind) {
    case 'transfer':
      return { kind: r.kind, to: decodeAddress(r.to), token: id(r.token), amount: BigInt(r.amount) }
    case 'swap':
      return {
        kind: r.kind,
        tokenIn: id(r.tokenIn),
        tokenOut: id(r.tokenOut),
        exactOut: r.exactOut,
        amount: BigInt(r.amount),
        limit: BigInt(r.limit),
        deadline: r.deadline,
      }
    case 'join':
      return { kind: r.kind, maxAmounts: big(r.maxAmounts), minShares: BigInt(r.minShares) }
    case 'joinSingle':
      return {
        kind: r.kind,
        token: id(r.token),
        amount: BigInt(r.amount),
        minShares: BigInt(r.minShares),
      }
    case 'exit':
      return { kind: r.kind, shares: BigInt(r.shares), minAmounts: big(r.minAmounts) }
    case 'exitSingle':
      return {
        kind: r.kind,
        token: id(r.token),
        shares: BigInt(r.shares),
        minAmount: BigInt(r.minAmount),
      }
    case 'stake':
    case 'unstake':
      return { kind: r.kind, validator: fromHex(r.validator), amount: BigInt(r.amount) }
    case 'bridgeSend':
      return {
        kind: r.kind,
        cluster: r.cluster,
        recipient: decodeAddress(r.to),
        token: id(r.token),
        amount: BigInt(r.amount),
        timeoutHeight: r.timeoutHeight,
      }
    case 'bridgeConnect':
    case 'bridgeUpdate':
    case 'bridgeDeliver': {
      // Relayed and connection actions travel whole; the summary beside them is for reading.
      const action = decode(ActionCodec, fromHex(r.action))
      if (action.kind !== r.kind)
        throw new TxFileError('ERR_TX_FILE', 'action does not match its kind')
      return action
    }
  }
}

/** The human-readable meaning of a transaction body. */
export function reviewTx(clusterId: string, body: TxBody): TxReview {
  return {
    clusterId,
    from: encodeAddress(addressOf(body.sender)),
    nonce: body.nonce,
    fee: body.fee.toString(),
    action: reviewAction(body.action),
  }
}

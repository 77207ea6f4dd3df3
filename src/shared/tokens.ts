/** The three tokens of a cluster, in their canonical order (the index is the on-chain id). */
export const TOKENS = ['CHR', 'PSY', 'FLX'] as const
export type Token = (typeof TOKENS)[number]
export type TokenId = 0 | 1 | 2

export const TOKEN_ID: Readonly<Record<Token, TokenId>> = { CHR: 0, PSY: 1, FLX: 2 }

/** Every token has 18 decimals: one whole token is 10^18 base units. */
export const DECIMALS = 18
export const ONE_TOKEN = 10n ** 18n

/** Balances of the three tokens, indexed by TokenId. */
export type Balances = readonly [bigint, bigint, bigint]

export function isTokenId(id: number): id is TokenId {
  return id === 0 || id === 1 || id === 2
}

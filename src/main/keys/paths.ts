import { KeysError } from './errors'

/** What a key is for. Each purpose has its own hardened branch, so one leaked key reveals no other. */
export type KeyPurpose = 'account' | 'consensus' | 'identity'

/** SLIP-0044 coin type used by the network. */
export const COIN_TYPE = 7337
/** Largest index a hardened level can hold. */
export const MAX_KEY_INDEX = 0x7fff_ffff

/** Third path level for each purpose: m/44'/7337'/<branch>'/0'/<index>'. */
export const PURPOSE_BRANCH: Readonly<Record<KeyPurpose, number>> = {
  account: 0,
  consensus: 1,
  identity: 2,
}

/** Hardened SLIP-0010 path of the key with that purpose and index. */
export function keyPath(purpose: KeyPurpose, index: number): string {
  if (!Object.hasOwn(PURPOSE_BRANCH, purpose)) {
    throw new KeysError('ERR_BAD_PATH', 'unknown key purpose')
  }
  if (!Number.isInteger(index) || index < 0 || index > MAX_KEY_INDEX) {
    throw new KeysError('ERR_BAD_PATH', `key index must be an integer from 0 to ${MAX_KEY_INDEX}`)
  }
  return `m/44'/${COIN_TYPE}'/${PURPOSE_BRANCH[purpose]}'/0'/${index}'`
}

/** The validator's block-signing key. */
export const CONSENSUS_KEY_PATH = keyPath('consensus', 0)
/** The node's transport identity key. */
export const IDENTITY_KEY_PATH = keyPath('identity', 0)

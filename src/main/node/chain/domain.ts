import { bytes, encode, str, struct } from '../../../shared/encoding'

/**
 * Domain tags: every signature covers `tag ‖ clusterId ‖ message`, so a signature made in one
 * role (a transaction, a vote, a proposal) or one cluster can never be replayed in another.
 */
export const SIGN_DOMAIN = {
  tx: 'coherence/tx/v1',
  vote: 'coherence/vote/v1',
  proposal: 'coherence/proposal/v1',
} as const

const SignBytesCodec = struct({ domain: str(64), clusterId: str(64), message: bytes(1 << 24) })

export function signBytes(domain: string, clusterId: string, message: Uint8Array): Uint8Array {
  return encode(SignBytesCodec, { domain, clusterId, message })
}

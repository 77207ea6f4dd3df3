import type { NoiseCipherName } from './aead'

/** The supported protocol names, each with its cipher; all are XX with X25519 and SHA-256. */
export const NOISE_PROTOCOLS = {
  Noise_XX_25519_AESGCM_SHA256: 'AESGCM',
  Noise_XX_25519_ChaChaPoly_SHA256: 'ChaChaPoly',
} as const satisfies Record<string, NoiseCipherName>

/** A protocol name this implementation can run. */
export type NoiseProtocolName = keyof typeof NOISE_PROTOCOLS

/** The protocol the node uses on the wire (DESIGN.md section 7). */
export const DEFAULT_NOISE_PROTOCOL: NoiseProtocolName = 'Noise_XX_25519_AESGCM_SHA256'

/** Whether `name` is a protocol name this implementation can run. */
export function isSupportedProtocol(name: string): name is NoiseProtocolName {
  return Object.hasOwn(NOISE_PROTOCOLS, name)
}

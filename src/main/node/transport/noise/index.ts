/** Public surface of the Noise transport: the XX handshake, identity binding and sessions. */
export type { DuplexChannel } from './channel'
export { CipherState } from './cipherState'
export { NOISE_MAX_MESSAGE_BYTES } from './constants'
export { NoiseError } from './errors'
export type { NoiseErrorCode } from './errors'
export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  acceptSecureSession,
  initiateSecureSession,
} from './handshake'
export type { SecureSessionOptions } from './handshake'
export { HandshakeState } from './handshakeState'
export type { HandshakeOptions, HandshakeResult } from './handshakeState'
export {
  IDENTITY_PAYLOAD_BYTES,
  NOISE_IDENTITY_DOMAIN,
  ed25519Identity,
  encodeIdentityPayload,
  verifyIdentityPayload,
} from './identity'
export type { NoiseIdentity } from './identity'
export { createMemoryChannelPair } from './memoryChannel'
export { DEFAULT_NOISE_PROTOCOL, NOISE_PROTOCOLS, isSupportedProtocol } from './protocol'
export type { NoiseProtocolName } from './protocol'
export type { SecureSession } from './secureSession'

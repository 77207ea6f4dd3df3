import { sign, verify } from 'node:crypto'
import { concatBytes, utf8 } from '../../../../shared/encoding'
import { NOISE_DH_BYTES } from './constants'
import { NoiseError } from './errors'
import { privateKeyFromRaw, publicKeyFromRaw, rawPublicKey } from './rawKeys'

/** Domain tag of the signature that binds an Ed25519 identity to a Noise static key. */
export const NOISE_IDENTITY_DOMAIN = 'coherence/noise-identity/v1'

/** Length of an Ed25519 public key and of a private seed in bytes. */
export const ED25519_KEY_BYTES = 32

/** Length of an Ed25519 signature in bytes. */
export const ED25519_SIGNATURE_BYTES = 64

/** Length of the identity payload: Ed25519 public key (32) ‖ signature (64), nothing else. */
export const IDENTITY_PAYLOAD_BYTES = ED25519_KEY_BYTES + ED25519_SIGNATURE_BYTES

const DOMAIN = utf8(NOISE_IDENTITY_DOMAIN)

/**
 * The node's Ed25519 identity as the handshake needs it: the public key and a way to sign. The
 * private key stays with whoever built the signer.
 */
export interface NoiseIdentity {
  publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
}

/** A NoiseIdentity from a 32-byte Ed25519 private seed (RFC 8032). */
export function ed25519Identity(seed: Uint8Array): NoiseIdentity {
  if (seed.length !== ED25519_KEY_BYTES) {
    throw new NoiseError('ERR_NOISE_BAD_KEY', `Ed25519 seed must be ${ED25519_KEY_BYTES} bytes`)
  }
  const privateKey = privateKeyFromRaw('Ed25519', seed)
  return {
    publicKey: rawPublicKey(privateKey),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  }
}

function checkStaticKey(noiseStaticPublicKey: Uint8Array): void {
  if (noiseStaticPublicKey.length !== NOISE_DH_BYTES) {
    throw new NoiseError('ERR_NOISE_BAD_KEY', `Noise static key must be ${NOISE_DH_BYTES} bytes`)
  }
}

/**
 * The handshake payload that proves `identity` owns the Noise static key `noiseStaticPublicKey`:
 * Ed25519 public key ‖ signature over (NOISE_IDENTITY_DOMAIN ‖ noiseStaticPublicKey).
 */
export function encodeIdentityPayload(
  identity: NoiseIdentity,
  noiseStaticPublicKey: Uint8Array,
): Uint8Array {
  checkStaticKey(noiseStaticPublicKey)
  if (identity.publicKey.length !== ED25519_KEY_BYTES) {
    throw new NoiseError(
      'ERR_NOISE_BAD_KEY',
      `Ed25519 public key must be ${ED25519_KEY_BYTES} bytes`,
    )
  }
  const signature = identity.sign(concatBytes(DOMAIN, noiseStaticPublicKey))
  if (signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new NoiseError('ERR_NOISE_BAD_KEY', 'identity signer returned a malformed signature')
  }
  return concatBytes(identity.publicKey, signature)
}

/**
 * Checks a peer's identity payload against the Noise static key the peer proved in the handshake
 * and returns its Ed25519 public key. Any malformed or wrongly signed payload is ERR_NOISE_IDENTITY.
 */
export function verifyIdentityPayload(
  payload: Uint8Array,
  remoteStaticPublicKey: Uint8Array,
): Uint8Array {
  checkStaticKey(remoteStaticPublicKey)
  if (payload.length !== IDENTITY_PAYLOAD_BYTES) {
    throw new NoiseError(
      'ERR_NOISE_IDENTITY',
      `identity payload must be ${IDENTITY_PAYLOAD_BYTES} bytes`,
    )
  }
  const publicKey = payload.slice(0, ED25519_KEY_BYTES)
  const signature = payload.subarray(ED25519_KEY_BYTES)
  let valid: boolean
  try {
    const key = publicKeyFromRaw('Ed25519', publicKey)
    valid = verify(null, concatBytes(DOMAIN, remoteStaticPublicKey), key, signature)
  } catch (err) {
    throw new NoiseError('ERR_NOISE_IDENTITY', 'malformed identity key', { cause: err })
  }
  if (!valid) throw new NoiseError('ERR_NOISE_IDENTITY', 'identity signature does not verify')
  return publicKey
}

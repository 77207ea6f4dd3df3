/** Largest Noise message, handshake or transport, in bytes (Noise specification section 3). */
export const NOISE_MAX_MESSAGE_BYTES = 65535

/** Length of an AEAD authentication tag in bytes. */
export const NOISE_TAG_BYTES = 16

/** Length of an X25519 public key, private key and shared secret in bytes (DHLEN). */
export const NOISE_DH_BYTES = 32

/** Length of a SHA-256 digest in bytes (HASHLEN). */
export const NOISE_HASH_BYTES = 32

/** Length of a cipher key in bytes. */
export const NOISE_KEY_BYTES = 32

import { createHash, createHmac } from 'node:crypto'

/** SHA-256 of the concatenation of `parts` (HASH). */
export function sha256(...parts: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

function hmacSha256(key: Uint8Array, ...parts: readonly Uint8Array[]): Buffer {
  const hmac = createHmac('sha256', key)
  for (const part of parts) hmac.update(part)
  return hmac.digest()
}

const ONE = Uint8Array.of(1)
const TWO = Uint8Array.of(2)

/**
 * HKDF(chaining_key, input_key_material, 2) of the Noise specification section 4.3: the two
 * 32-byte outputs. The temporary key is zeroed before returning.
 */
export function hkdf2(chainingKey: Uint8Array, inputKeyMaterial: Uint8Array): [Buffer, Buffer] {
  const tempKey = hmacSha256(chainingKey, inputKeyMaterial)
  const output1 = hmacSha256(tempKey, ONE)
  const output2 = hmacSha256(tempKey, output1, TWO)
  tempKey.fill(0)
  return [output1, output2]
}

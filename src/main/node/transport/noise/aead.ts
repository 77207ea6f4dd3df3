import { createCipheriv, createDecipheriv } from 'node:crypto'
import type {
  CipherChaCha20Poly1305,
  CipherGCM,
  DecipherChaCha20Poly1305,
  DecipherGCM,
} from 'node:crypto'
import { NOISE_TAG_BYTES } from './constants'
import { NoiseError } from './errors'

/** The cipher names of the Noise specification section 12 that this implementation supports. */
export type NoiseCipherName = 'AESGCM' | 'ChaChaPoly'

/** ENCRYPT and DECRYPT of one Noise cipher; the tag is appended to the ciphertext. */
export interface Aead {
  encrypt(key: Uint8Array, nonce: bigint, ad: Uint8Array, plaintext: Uint8Array): Uint8Array
  /** Fails with ERR_NOISE_DECRYPT when the ciphertext does not authenticate. */
  decrypt(key: Uint8Array, nonce: bigint, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array
}

// node:crypto types each algorithm's cipher separately, so each AEAD names its own constructors.
interface Primitives {
  cipher: (key: Uint8Array, iv: Buffer) => CipherGCM | CipherChaCha20Poly1305
  decipher: (key: Uint8Array, iv: Buffer) => DecipherGCM | DecipherChaCha20Poly1305
  nonceBytes: (n: bigint) => Buffer
}

function makeAead(primitives: Primitives): Aead {
  return {
    encrypt(key, nonce, ad, plaintext) {
      const cipher = primitives.cipher(key, primitives.nonceBytes(nonce))
      cipher.setAAD(ad, { plaintextLength: plaintext.length })
      const body = cipher.update(plaintext)
      const tail = cipher.final()
      const tag = cipher.getAuthTag()
      // Unpooled and every byte written below, so a plain view over it exposes nothing else.
      const out = Buffer.allocUnsafeSlow(body.length + tail.length + tag.length)
      body.copy(out)
      tail.copy(out, body.length)
      tag.copy(out, body.length + tail.length)
      return ownBytes(out)
    },
    decrypt(key, nonce, ad, ciphertext) {
      if (ciphertext.length < NOISE_TAG_BYTES) {
        throw new NoiseError('ERR_NOISE_DECRYPT', 'ciphertext shorter than its tag')
      }
      const bodyLength = ciphertext.length - NOISE_TAG_BYTES
      const decipher = primitives.decipher(key, primitives.nonceBytes(nonce))
      decipher.setAuthTag(ciphertext.subarray(bodyLength))
      decipher.setAAD(ad, { plaintextLength: bodyLength })
      const body = decipher.update(ciphertext.subarray(0, bodyLength))
      try {
        // Both AEADs are stream ciphers: final() only checks the tag and adds no bytes.
        decipher.final()
      } catch (err) {
        body.fill(0)
        throw new NoiseError('ERR_NOISE_DECRYPT', 'message failed authentication', { cause: err })
      }
      return ownBytes(body)
    },
  }
}

// A plain Uint8Array over the Buffer's memory when the Buffer owns all of it, else a copy: never
// a view into Node's shared Buffer pool, whose other bytes would show through `.buffer`.
function ownBytes(buf: Buffer): Uint8Array {
  return buf.byteOffset === 0 && buf.buffer.byteLength === buf.length
    ? new Uint8Array(buf.buffer, 0, buf.length)
    : new Uint8Array(buf)
}

// Section 12.3: 32 zero bits, then the 64-bit counter big-endian.
function aesGcmNonce(n: bigint): Buffer {
  const nonce = Buffer.alloc(12)
  nonce.writeBigUInt64BE(n, 4)
  return nonce
}

// Section 12.2: 32 zero bits, then the 64-bit counter little-endian.
function chaChaPolyNonce(n: bigint): Buffer {
  const nonce = Buffer.alloc(12)
  nonce.writeBigUInt64LE(n, 4)
  return nonce
}

const TAG = { authTagLength: NOISE_TAG_BYTES }

const AEADS: Record<NoiseCipherName, Aead> = {
  AESGCM: makeAead({
    cipher: (key, iv) => createCipheriv('aes-256-gcm', key, iv, TAG),
    decipher: (key, iv) => createDecipheriv('aes-256-gcm', key, iv, TAG),
    nonceBytes: aesGcmNonce,
  }),
  ChaChaPoly: makeAead({
    cipher: (key, iv) => createCipheriv('chacha20-poly1305', key, iv, TAG),
    decipher: (key, iv) => createDecipheriv('chacha20-poly1305', key, iv, TAG),
    nonceBytes: chaChaPolyNonce,
  }),
}

/** The AEAD functions of a Noise cipher name. */
export function aeadFor(cipher: NoiseCipherName): Aead {
  return AEADS[cipher]
}

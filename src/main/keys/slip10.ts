import { createHmac } from 'node:crypto'
import { assertBytes, takeBytes, wipe } from './bytes'
import { KeysError } from './errors'

/** Added to an index to make it hardened (i' = i + 2^31). */
export const HARDENED_OFFSET = 0x8000_0000
/** BIP32 serialises depth in one byte. */
export const MAX_PATH_DEPTH = 255

const ED25519_CURVE_KEY = Buffer.from('ed25519 seed', 'utf8')

/** A SLIP-0010 Ed25519 node: 32-byte private key and 32-byte chain code. */
export interface ExtendedKey {
  readonly privateKey: Uint8Array
  readonly chainCode: Uint8Array
}

/**
 * Parses "m/44'/7337'/0'" (or with "h"/"H" for the apostrophe) into indices with the hardened
 * offset added. Ed25519 has no public derivation, so every level must be hardened.
 */
export function parsePath(path: string): number[] {
  const [root, ...levels] = path.split('/')
  if (root !== 'm') throw new KeysError('ERR_BAD_PATH', 'derivation path must start with "m"')
  if (levels.length > MAX_PATH_DEPTH) {
    throw new KeysError('ERR_BAD_PATH', `derivation path is deeper than ${MAX_PATH_DEPTH} levels`)
  }
  return levels.map((level, position) => {
    const match = /^(0|[1-9][0-9]{0,9})(['hH]?)$/u.exec(level)
    if (!match?.[1]) {
      throw new KeysError('ERR_BAD_PATH', `derivation path level ${position + 1} is malformed`)
    }
    const index = Number(match[1])
    if (index >= HARDENED_OFFSET) {
      throw new KeysError('ERR_BAD_PATH', `derivation path level ${position + 1} is out of range`)
    }
    if (!match[2]) {
      throw new KeysError(
        'ERR_BAD_PATH',
        `derivation path level ${position + 1} is not hardened; Ed25519 supports hardened only`,
      )
    }
    return index + HARDENED_OFFSET
  })
}

/** Splits a 64-byte HMAC output into a node and zeros the output. */
function split(digest: Uint8Array): ExtendedKey {
  return { privateKey: takeBytes(digest, 0, 32), chainCode: takeBytes(digest, 32, 64) }
}

/** Master node of a 16 to 64-byte seed: HMAC-SHA512(key "ed25519 seed", seed). */
export function masterKey(seed: Uint8Array): ExtendedKey {
  assertBytes(seed, 'seed', { min: 16, max: 64 })
  return split(createHmac('sha512', ED25519_CURVE_KEY).update(seed).digest())
}

/** Hardened child: HMAC-SHA512(chain code, 0x00 ‖ private key ‖ ser32(index)). */
export function deriveChild(parent: ExtendedKey, index: number): ExtendedKey {
  assertBytes(parent.privateKey, 'privateKey', 32)
  assertBytes(parent.chainCode, 'chainCode', 32)
  if (!Number.isInteger(index) || index < HARDENED_OFFSET || index > 0xffff_ffff) {
    throw new KeysError('ERR_BAD_PATH', 'child index must be hardened (2^31 to 2^32-1)')
  }
  const data = new Uint8Array(37)
  data.set(parent.privateKey, 1)
  new DataView(data.buffer).setUint32(33, index)
  try {
    return split(createHmac('sha512', parent.chainCode).update(data).digest())
  } finally {
    wipe(data)
  }
}

/** Derives the node at `path` from a seed, zeroing every intermediate node. */
export function derivePath(seed: Uint8Array, path: string): ExtendedKey {
  const indices = parsePath(path)
  let node = masterKey(seed)
  for (const index of indices) {
    const child = deriveChild(node, index)
    wipeKey(node)
    node = child
  }
  return node
}

/** Zeros both halves of a node. */
export function wipeKey(key: ExtendedKey): void {
  wipe(key.privateKey, key.chainCode)
}

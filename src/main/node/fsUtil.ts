import { mkdir, open, rename, chmod } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Creates a private directory (0700), tightening its mode if it already exists. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 })
  await chmod(path, 0o700)
}

/**
 * Writes a file atomically with mode 0600: temp file, fsync, rename over the target, fsync the
 * directory. A crash leaves either the old file or the new one, never a torn one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  const file = await open(tmp, 'w', 0o600)
  try {
    await file.writeFile(data)
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(tmp, path)
  const dir = await open(dirname(path), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

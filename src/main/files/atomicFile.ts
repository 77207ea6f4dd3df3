import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Mode of every directory holding keys: owner only. */
export const PRIVATE_DIR_MODE = 0o700
/** Mode of every key file: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600
/** Matches the temporary files writeFileAtomic leaves behind if the process dies mid-write. */
export const TEMP_FILE_PATTERN = /^\..+\.[0-9a-f]{16}\.tmp$/u

/** True if the error is a missing file or directory. */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT'
}

/** Creates the directory (and parents) if needed and sets it to 0700 either way. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  // mkdir's mode is filtered by the umask and ignored for a directory that already exists.
  await chmod(dir, PRIVATE_DIR_MODE)
}

/** Makes a rename or unlink in the directory durable. */
export async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory as a file; NTFS journals the rename itself.
  if (process.platform === 'win32') return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Replaces `file` so that a crash at any moment leaves either the old or the new content, never a
 * mix: write a 0600 temp file beside it, fsync it, let `verify` read it back, rename it over the
 * target, fsync the directory. If `verify` throws, the target is untouched and the temp removed.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array,
  verify?: (tempFile: string) => Promise<void>,
): Promise<void> {
  const dir = dirname(file)
  await ensurePrivateDir(dir)
  const temp = join(dir, `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx', PRIVATE_FILE_MODE)
    try {
      await handle.chmod(PRIVATE_FILE_MODE)
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (verify) await verify(temp)
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  await syncDir(dir)
}

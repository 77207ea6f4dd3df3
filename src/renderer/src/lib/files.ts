import { MAX_RPC_MESSAGE_BYTES } from '../../../shared/ipc/wire'

/** The largest file of a kind the UI reads, so that a wrong pick is refused before it is read. */
export interface FileLimit {
  readonly bytes: number
  /** The limit in words ("64 KiB") and what such a file is, for the refusal. */
  readonly size: string
  readonly what: string
}

/** Keystores, transaction files and join requests are a few kilobytes. */
export const SMALL_FILE: FileLimit = {
  bytes: 64 * 1024,
  size: '64 KiB',
  what: 'a keystore, transaction or join request file',
}

/**
 * A network file's genesis lists every member and funded account, so it can be large; but its
 * text travels in one request, which escaping can double and a headless node takes only up to
 * MAX_RPC_MESSAGE_BYTES long. A quarter of that leaves room to spare.
 */
const NETWORK_FILE_BYTES = MAX_RPC_MESSAGE_BYTES / 4
export const NETWORK_FILE: FileLimit = {
  bytes: NETWORK_FILE_BYTES,
  size: `${NETWORK_FILE_BYTES / (1024 * 1024)} MiB`,
  what: 'a network file',
}

/** The text of a file the person picked, refusing anything too large to be what we expect. */
export async function readTextFile(file: File, limit: FileLimit = SMALL_FILE): Promise<string> {
  if (file.size > limit.bytes) {
    throw new Error(`${file.name} is larger than ${limit.size}, so it is not ${limit.what}`)
  }
  return file.text()
}

/** How long a download's object URL lives: the browser has started the download by then. */
const REVOKE_AFTER_MS = 1_000

/** Offers `text` as a file download named `fileName`. */
export function saveTextFile(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  try {
    link.click()
  } finally {
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS)
  }
}

/** The signed file's name: "transfer.json" or "transfer.unsigned.json" → "transfer.signed.json". */
export function signedFileName(unsignedName: string): string {
  const base = unsignedName.replace(/(\.unsigned)?\.json$/i, '') || 'transaction'
  return `${base}.signed.json`
}

/** A join request's file name from the member's name: "Ada L." → "join-request-ada-l.json". */
export function joinRequestFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug ? `join-request-${slug}.json` : 'join-request.json'
}

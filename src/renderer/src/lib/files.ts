/** Largest file the UI reads: keystores and transaction files are a few kilobytes. */
export const MAX_FILE_BYTES = 64 * 1024

/** The text of a file the person picked, refusing anything too large to be what we expect. */
export async function readTextFile(file: File): Promise<string> {
  if (file.size > MAX_FILE_BYTES) {
    throw new Error(
      `${file.name} is larger than 64 KiB, so it is not a keystore or transaction file`,
    )
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

/**
 * Calls `tick` every `ms` while the document is visible: a hidden window or tab asks the node
 * nothing, and catches up with one call when it shows again. The returned function stops it.
 */
export function everyWhileVisible(ms: number, tick: () => void): () => void {
  let timer: ReturnType<typeof setInterval> | null = null
  const pause = (): void => {
    if (timer !== null) clearInterval(timer)
    timer = null
  }
  const resume = (): void => {
    if (timer === null) timer = setInterval(tick, ms)
  }
  const onVisibility = (): void => {
    if (document.hidden) return pause()
    tick()
    resume()
  }
  document.addEventListener('visibilitychange', onVisibility)
  if (!document.hidden) resume()
  return () => {
    pause()
    document.removeEventListener('visibilitychange', onVisibility)
  }
}

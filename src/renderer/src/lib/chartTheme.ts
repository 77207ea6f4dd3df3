/** The app's colours a chart draws with; canvases cannot read CSS variables themselves. */
export interface ChartTheme {
  muted: string
  border: string
  accent: string
}

/** Reads the theme's colours as the page currently resolves them (light or dark). */
export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement)
  const read = (name: string): string => style.getPropertyValue(name).trim()
  return {
    muted: read('--muted'),
    border: read('--border'),
    accent: read('--accent'),
  }
}

/** Calls `changed` when the system switches between light and dark; returns the unsubscriber. */
export function onColorSchemeChange(changed: () => void): () => void {
  const query = matchMedia('(prefers-color-scheme: dark)')
  query.addEventListener('change', changed)
  return () => query.removeEventListener('change', changed)
}

import type { IncomingMessage } from 'node:http'

/** Headless servers listen on loopback only. */
export const LOOPBACK = '127.0.0.1'

/**
 * Whether a request names this server in its Host header: a page on another site that points a
 * name at 127.0.0.1 (DNS rebinding) sends its own name and is refused.
 */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host
  return host === `${LOOPBACK}:${port}` || host === `localhost:${port}`
}

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CoherenceNode } from '../node/node'
import { renderMetrics } from '../node/metrics/prometheus'
import { hostAllowed, LOOPBACK } from './loopback'

export interface MetricsServer {
  readonly url: string
  close(): Promise<void>
}

/**
 * Prometheus metrics at http://127.0.0.1:PORT/metrics, opt-in and on loopback only. Read-only:
 * figures about the node, nothing about keys or accounts. 503 until the node runs.
 */
export async function startMetricsServer(
  port: number,
  node: () => CoherenceNode | null,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const running = node()
    if (!hostAllowed(req, actualPort())) {
      res.writeHead(403).end('Forbidden Host\n')
    } else if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end('Not found: metrics are at /metrics\n')
    } else if (!running) {
      res.writeHead(503).end('The node is not running yet\n')
    } else {
      res
        .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(renderMetrics(running))
    }
  })
  const actualPort = (): number => (server.address() as AddressInfo).port
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, LOOPBACK, resolve)
  })
  return {
    url: `http://${LOOPBACK}:${actualPort()}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

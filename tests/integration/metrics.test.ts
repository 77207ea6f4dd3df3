import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCliNode, type CliNode } from '../helpers/cliNode'
import { waitFor } from '../helpers/tempDir'

/** A GET with an explicit Host header (fetch does not let a test choose it). */
function get(url: string, host?: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

/** The value of one sample line (`name value`) of a Prometheus text page. */
function sample(body: string, name: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

describe('Prometheus metrics (opt-in, loopback)', () => {
  let node: CliNode
  let url: string

  beforeAll(async () => {
    node = await startCliNode({ blockTimeMs: 200, extraArgs: ['--metrics-port', '0'] })
    url = /Prometheus metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(node.startOutput)![1]!
  }, 60_000)

  afterAll(async () => {
    await node.stop()
    await node.removeDataDir()
  })

  it('exports height, KPIs and counters with their units, and they move', async () => {
    const first = await get(url)
    expect(first.status).toBe(200)
    expect(first.type).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(first.body).toMatch(/# TYPE coherence_block_height gauge/)
    expect(first.body).toMatch(/# TYPE coherence_signatures_verified_total counter/)
    const height = sample(first.body, 'coherence_block_height')!
    await waitFor(
      async () => {
        const later = (await get(url)).body
        return (sample(later, 'coherence_block_height') ?? 0) >= height + 3 ? later : undefined
      },
      20_000,
      'the height to grow',
    ).then((later) => {
      expect(sample(later, 'coherence_coherence_score_ratio')).toBe(1)
      expect(sample(later, 'coherence_h_internal_ratio')).toBe(1)
      // Not enough history for CAF: left out, never reported as a number.
      expect(sample(later, 'coherence_caf_ratio')).toBeUndefined()
      expect(sample(later, 'coherence_signatures_verified_total')).toBeGreaterThan(0)
      expect(sample(later, 'coherence_peers')).toBe(0)
    })
  })

  it('answers only GET /metrics with its own Host', async () => {
    expect((await get(url.replace('/metrics', '/'))).status).toBe(404)
    expect((await get(url, 'evil.example:80')).status).toBe(403)
  })
})

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectToNode } from '../../src/main/cli/rpcClient'
import { PROJECT_ROOT, nodeStatus, runCli, startCliNode, type CliNode } from '../helpers/cliNode'
import { tempDir, waitFor } from '../helpers/tempDir'

beforeAll(() => {
  if (!existsSync(join(PROJECT_ROOT, 'out', 'main', 'cli.js'))) {
    throw new Error('the app is not built: run `npm run build` before the integration tests')
  }
})

/** Opens a raw WebSocket and reports how the server answered the upgrade. */
function tryConnect(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ opened: true; ws: WebSocket } | { opened: false; status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve({ opened: true, ws }))
    ws.once('unexpected-response', (_req, res) =>
      resolve({ opened: false, status: res.statusCode ?? 0 }),
    )
    ws.once('error', () => resolve({ opened: false, status: 0 }))
  })
}

/** The next message that is not a push event (an answer, or a message-level error). */
function nextReply(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (d: WebSocket.RawData): void => {
      const m = JSON.parse((d as Buffer).toString('utf8')) as { event?: string }
      if (m.event !== undefined) return
      ws.off('message', onMessage)
      resolve(m)
    }
    ws.on('message', onMessage)
  })
}

describe('coherence start / status as real processes', () => {
  it('keeps height and state across a restart, and refuses a second node on the same data dir', async () => {
    const dir = await tempDir()
    try {
      const first = await startCliNode({ dataDir: dir.path, blockTimeMs: 100 })
      await waitFor(
        async () => ((await nodeStatus(dir.path)).height >= 3 ? true : undefined),
        30_000,
        'height 3',
      )

      const second = await runCli(['start', '--data-dir', dir.path, '--rpc-port', '0'])
      expect(second.code).toBe(1)
      expect(second.stderr).toMatch(/in use by another node.*ERR_DATA_DIR_LOCKED/)
      expect(second.stderr).not.toMatch(/\n\s+at /) // no stack trace

      // What the node had committed just before it was stopped.
      const before = await nodeStatus(dir.path)
      const beforeBlock = await withClient(dir.path, (c) =>
        c.call('block.get', { height: before.height }),
      )
      expect(await first.stop()).toBe(0)
      const stopped = await runCli(['status', '--data-dir', dir.path, '--json'])
      expect(stopped.code).toBe(1)
      expect(stopped.stderr).toContain('ERR_NODE_NOT_RUNNING')

      const again = await startCliNode({ dataDir: dir.path, blockTimeMs: 100 })
      try {
        const after = await nodeStatus(dir.path)
        expect(after.clusterId).toBe(before.clusterId)
        expect(after.height).toBeGreaterThanOrEqual(before.height)
        await withClient(dir.path, async (client) => {
          const same = await client.call('block.get', { height: before.height })
          expect(same.hash).toBe(before.latestBlockHash)
          expect(same.stateHash).toBe(beforeBlock.stateHash)
          await waitFor(
            async () => ((await nodeStatus(dir.path)).height > after.height ? true : undefined),
            30_000,
            'a block after the restart',
          )
          const next = await client.call('block.get', { height: after.height + 1 })
          expect(next.height).toBe(after.height + 1)
        })
        expect((await nodeStatus(dir.path)).accountAddress).toBe(before.accountAddress)
      } finally {
        expect(await again.stop()).toBe(0)
      }
    } finally {
      await dir.remove()
    }
  })
})

describe('crash safety', () => {
  it('a node killed with SIGKILL at any moment restarts with its committed chain intact', async () => {
    const dir = await tempDir()
    try {
      let lastHeight = 0
      let lastHash = ''
      for (let i = 0; i < 4; i++) {
        const node = await startCliNode({ dataDir: dir.path, blockTimeMs: 50 })
        // Opening the store checked the state hash of the latest block against the loaded state.
        const status = await nodeStatus(dir.path)
        expect(status.height).toBeGreaterThanOrEqual(lastHeight)
        if (lastHeight > 0) {
          const kept = await withClient(dir.path, (c) =>
            c.call('block.get', { height: lastHeight }),
          )
          expect(kept.hash).toBe(lastHash)
        }
        await waitFor(
          async () => ((await nodeStatus(dir.path)).height > status.height + 2 ? true : undefined),
          30_000,
          'new blocks',
        )
        const seen = await nodeStatus(dir.path)
        lastHeight = seen.height
        lastHash = seen.latestBlockHash
        // Kill in the middle of whatever it is doing (writing a block, signing a vote).
        await new Promise((r) => setTimeout(r, 20 + 37 * i))
        node.process.kill('SIGKILL')
        await node.stop()
      }
    } finally {
      await dir.remove()
    }
  })
})

async function withClient<T>(
  dataDir: string,
  use: (client: Awaited<ReturnType<typeof connectToNode>>['client']) => Promise<T>,
): Promise<T> {
  const { client, close } = await connectToNode(dataDir)
  try {
    return await use(client)
  } finally {
    close()
  }
}

describe('the headless RPC', () => {
  let node: CliNode

  beforeAll(async () => {
    node = await startCliNode({ blockTimeMs: 200 })
  })
  afterAll(async () => {
    await node.stop()
    await node.removeDataDir()
  })

  const rpcUrl = (token?: string): string =>
    `ws://127.0.0.1:${node.port}/rpc${token === undefined ? '' : `?token=${token}`}`

  it('refuses a missing or wrong token', async () => {
    expect(await tryConnect(rpcUrl())).toEqual({ opened: false, status: 401 })
    expect(await tryConnect(rpcUrl('wrong'))).toEqual({ opened: false, status: 401 })
  })

  it('refuses a foreign Origin or Host even with the token', async () => {
    expect(await tryConnect(rpcUrl(node.token), { Origin: 'http://evil.example' })).toEqual({
      opened: false,
      status: 403,
    })
    expect(await tryConnect(rpcUrl(node.token), { Host: `evil.example:${node.port}` })).toEqual({
      opened: false,
      status: 403,
    })
    const own = await tryConnect(rpcUrl(node.token), { Origin: `http://127.0.0.1:${node.port}` })
    expect(own.opened).toBe(true)
    if (own.opened) own.ws.close()
  })

  it('answers calls, refuses malformed ones with stable codes, and keeps serving', async () => {
    const c = await tryConnect(rpcUrl(node.token))
    if (!c.opened) throw new Error('could not connect with the token')
    const ws = c.ws
    try {
      ws.send('not json')
      expect(await nextReply(ws)).toEqual({
        error: { code: 'ERR_MALFORMED_MESSAGE', message: expect.any(String) as string },
      })
      ws.send(JSON.stringify({ id: 1, channel: 'node.shutdown', payload: {} }))
      expect(await nextReply(ws)).toMatchObject({
        id: 1,
        result: { ok: false, error: { code: 'ERR_UNKNOWN_CHANNEL' } },
      })
      ws.send(JSON.stringify({ id: 2, channel: 'account.get', payload: { address: 'nope' } }))
      expect(await nextReply(ws)).toMatchObject({
        id: 2,
        result: { ok: false, error: { code: 'ERR_BAD_REQUEST' } },
      })
      ws.send(JSON.stringify({ id: 3, channel: 'tx.submit', payload: { tx: '00' } }))
      expect(await nextReply(ws)).toMatchObject({
        id: 3,
        result: { ok: false, error: { code: 'ERR_MALFORMED_TX' } },
      })
      ws.send(JSON.stringify({ id: 4, channel: 'node.status', payload: {} }))
      expect(await nextReply(ws)).toMatchObject({
        id: 4,
        result: { ok: true, data: { clusterId: expect.any(String) as string } },
      })
    } finally {
      ws.close()
    }
  })

  it('closes a connection that sends an oversized frame, and the node stays up', async () => {
    const c = await tryConnect(rpcUrl(node.token))
    if (!c.opened) throw new Error('could not connect with the token')
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)))
    c.ws.on('error', () => {})
    c.ws.send('x'.repeat(5 * 1024 * 1024))
    expect(await closed).toBe(1009)
    expect((await nodeStatus(node.dataDir)).clusterId).toMatch(/^devnet-/)
  })

  it('pushes a status event on every block', async () => {
    const c = await tryConnect(rpcUrl(node.token))
    if (!c.opened) throw new Error('could not connect with the token')
    const heights: number[] = []
    c.ws.on('message', (d) => {
      const m = JSON.parse((d as Buffer).toString('utf8')) as {
        event?: string
        payload?: { height: number }
      }
      if (m.event === 'NodeStatus' && m.payload) heights.push(m.payload.height)
    })
    await waitFor(() => (heights.length >= 3 ? true : undefined), 10_000, 'three status events')
    c.ws.close()
    expect(heights[1]).toBe(heights[0]! + 1)
    expect(heights[2]).toBe(heights[1]! + 1)
  })

  it('serves the UI with a strict content security policy and only on its own Host', async () => {
    const res = await fetch(`http://127.0.0.1:${node.port}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await res.text()).toContain('<div id="app">')
    expect((await fetch(`http://127.0.0.1:${node.port}/../../etc/passwd`)).status).not.toBe(200)
  })

  it('reports wrong arguments with a usage error and exit code 2', async () => {
    const r = await runCli(['start', '--block-time-ms', 'fast'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--block-time-ms must be a whole number')
    expect((await runCli(['frobnicate'])).code).toBe(2)
  })
})

// Offline signing end to end, as two machines would do it: data directory A runs a node whose
// devnet funds wallet account 0; data directory B (no node) holds the same mnemonic and signs.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/shared/address'
import { toHex } from '../../src/shared/encoding'
import { connectToNode } from '../../src/main/cli/rpcClient'
import { parseUnsignedTx } from '../../src/main/node/ledger/txFile'
import { PROJECT_ROOT, runCli, startCliNode, type CliNode } from '../helpers/cliNode'
import { tempDir, waitFor } from '../helpers/tempDir'

const MNEMONIC = `${'abandon '.repeat(23)}art`
const PASSWORD_A = 'password of the online machine'
const PASSWORD_B = 'password of the offline machine'

let root: Awaited<ReturnType<typeof tempDir>>
let node: CliNode | undefined

/** Writes a one-line secret file and returns its path. */
async function secretFile(name: string, text: string): Promise<string> {
  const file = join(root.path, name)
  await writeFile(file, `${text}\n`, { mode: 0o600 })
  return file
}

async function account(dataDir: string, address: string) {
  const { client, close } = await connectToNode(dataDir)
  try {
    return await client.call('account.get', { address })
  } finally {
    close()
  }
}

beforeAll(async () => {
  if (!existsSync(join(PROJECT_ROOT, 'out', 'main', 'cli.js'))) {
    throw new Error('the app is not built: run `npm run build` before the integration tests')
  }
  root = await tempDir('coherence-offline-')
})

afterAll(async () => {
  await node?.stop()
  await root.remove()
})

describe('offline signing', () => {
  it('builds a transfer online, signs it offline and broadcasts it; altered files are refused', async () => {
    const online = join(root.path, 'a')
    const offline = join(root.path, 'b')
    const mnemonic = await secretFile('mnemonic', MNEMONIC)
    const imports = await Promise.all(
      [
        [online, await secretFile('password-a', PASSWORD_A)],
        [offline, await secretFile('password-b', PASSWORD_B)],
      ].map(([dataDir = '', password = '']) =>
        runCli([
          'keys',
          'import-mnemonic',
          '--data-dir',
          dataDir,
          '--mnemonic-file',
          mnemonic,
          '--password-file',
          password,
        ]),
      ),
    )
    for (const r of imports) expect(r.code, r.stderr).toBe(0)
    node = await startCliNode({ dataDir: online, password: PASSWORD_A, blockTimeMs: 200 })

    // Changing or unlocking the wallet needs the node stopped; reading it does not.
    const locked = await runCli([
      'keys',
      'derive',
      '--path',
      "m/0'",
      '--data-dir',
      online,
      '--password-file',
      join(root.path, 'password-a'),
    ])
    expect(locked.code).toBe(1)
    expect(locked.stderr).toMatch(/stop the node first \(ERR_DATA_DIR_LOCKED\)\n$/)
    const list = await runCli(['keys', 'list', '--data-dir', online, '--json'])
    expect(list.code, list.stderr).toBe(0)
    const [sender] = (JSON.parse(list.stdout) as { accounts: { publicKey: string }[] }).accounts

    const to = encodeAddress(new Uint8Array(randomBytes(20)))
    const unsigned = join(root.path, 'u.json')
    const built = await runCli([
      'tx',
      'build-transfer',
      '--data-dir',
      online,
      '--account',
      '0',
      '--to',
      to,
      '--token',
      'FLX',
      '--amount',
      '1.5',
      '--out',
      unsigned,
    ])
    expect(built.code, built.stderr).toBe(0)
    const { clusterId, body } = parseUnsignedTx(await readFile(unsigned, 'utf8'))
    expect(toHex(body.sender)).toBe(sender?.publicKey)
    expect(body.fee).toBe(10n ** 15n)

    const signed = join(root.path, 's.json')
    const sign = (extra: string[]) =>
      runCli([
        'keys',
        'sign-tx',
        unsigned,
        '--out',
        signed,
        '--data-dir',
        offline,
        '--password-file',
        join(root.path, 'password-b'),
        ...extra,
      ])
    const unconfirmed = await sign([])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stderr).toMatch(/--yes to sign \(ERR_USAGE\)\n$/)
    const confirmed = await sign(['--yes'])
    expect(confirmed.code, confirmed.stderr).toBe(0)
    for (const shown of [clusterId, to, '1.5 FLX', '1500000000000000000', '0.001 FLX']) {
      expect(confirmed.stderr).toContain(shown)
    }

    // Raise the amount's last byte (the 16 bytes before the 64-byte signature).
    const file = JSON.parse(await readFile(signed, 'utf8')) as { tx: string }
    const at = file.tx.length - 2 * 64 - 2
    const flipped = (parseInt(file.tx.slice(at, at + 2), 16) ^ 0x01).toString(16).padStart(2, '0')
    const tampered = join(root.path, 'tampered.json')
    const tamperedTx = file.tx.slice(0, at) + flipped + file.tx.slice(at + 2)
    await writeFile(tampered, JSON.stringify({ ...file, tx: tamperedTx }))
    const refused = await runCli(['tx', 'broadcast', tampered, '--data-dir', online])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('(ERR_BAD_SIGNATURE)')
    const notSigned = await runCli(['tx', 'broadcast', unsigned, '--data-dir', online])
    expect(notSigned.code).toBe(1)
    expect(notSigned.stderr).toContain('(ERR_TX_FILE)')

    const sent = await runCli(['tx', 'broadcast', signed, '--data-dir', online])
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stdout.trim()).toMatch(/^[0-9a-f]{64}$/)
    const received = await waitFor(
      async () => {
        const balance = (await account(online, to)).balances.FLX
        return balance === '0' ? undefined : balance
      },
      20_000,
      'the transfer in a block',
    )
    expect(received).toBe('1500000000000000000')
  })
})

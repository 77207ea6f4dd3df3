// The desktop app itself (out/main/index.js under Electron). Electron's binary cannot be
// downloaded on the build machines (TOOLCHAIN.md), so without it this test is skipped and says so.
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { PROJECT_ROOT } from '../helpers/cliNode'
import { importTestMnemonic } from '../helpers/onboarding'

const MAIN = join(PROJECT_ROOT, 'out', 'main', 'index.js')

/**
 * Where Electron's binary is, or why it cannot be used. Mirrors what the electron package's
 * index.js does (path.txt names the binary under dist/) without its "failed to install" throw.
 */
function findElectron(): { path: string } | { missing: string } {
  const pkg = join(PROJECT_ROOT, 'node_modules', 'electron')
  const hint = 'run `node node_modules/electron/install.js` where its download host is reachable'
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) {
    return {
      missing: `Electron's binary is not installed (node_modules/electron/path.txt missing; ${hint})`,
    }
  }
  const relative = readFileSync(pathFile, 'utf8').trim()
  const binary = join(pkg, 'dist', relative)
  if (!relative || !existsSync(binary)) {
    return {
      missing: `Electron's binary is not installed (node_modules/electron/dist/${relative} missing; ${hint})`,
    }
  }
  if (!existsSync(MAIN)) {
    return { missing: 'the app is not built (out/main/index.js missing; run `npm run build`)' }
  }
  return { path: binary }
}

test('the desktop app onboards a wallet, starts its node and shows live status', async () => {
  const testInfo = test.info()
  const found = findElectron()
  if ('missing' in found) {
    console.log(`electron e2e skipped: ${found.missing}`)
    test.skip(true, found.missing)
    return
  }

  const userDataDir = await mkdtemp(join(tmpdir(), 'coherence-electron-e2e-'))
  const args = [MAIN, `--user-data-dir=${userDataDir}`]
  // Chromium refuses to run as root with its sandbox (as in containers).
  if (process.getuid?.() === 0) args.push('--no-sandbox')
  const app = await electron.launch({ executablePath: found.path, args, cwd: PROJECT_ROOT })
  try {
    const window = await app.firstWindow()
    // First start: restore a wallet from the standard BIP39 test phrase, then the node starts.
    await importTestMnemonic(window, 'electron e2e password')
    await expect(window.getByTestId('height')).toHaveText(/^\d+$/, { timeout: 30_000 })
    await expect(window.getByTestId('cluster-id')).toHaveText(/\S/)

    const shot = testInfo.outputPath('electron-ui.png')
    await window.screenshot({ path: shot })
    await testInfo.attach('electron-ui', { path: shot, contentType: 'image/png' })
  } finally {
    await app.close()
    await rm(userDataDir, { recursive: true, force: true })
  }
})

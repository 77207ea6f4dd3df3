// `npm start`: build, then open the desktop app; where Electron's binary cannot be had, say so in
// one line and run the same node headless instead, serving the UI on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = join(root, 'node_modules', 'electron')
const INSTALL_TIMEOUT_MS = 120_000

function run(command, args) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status ?? 1
}

/** Path of Electron's binary if it is installed, else null. */
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

/** Fetches Electron's binary (its install script was skipped at npm install); false on failure. */
function fetchElectron() {
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: 'pipe',
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
  })
  if (result.status === 0 && electronBinary()) return { ok: true }
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`
  const firstLine = output.split('\n').find((l) => l.trim().length > 0) ?? 'no output'
  return { ok: false, reason: result.error ? result.error.message : firstLine.trim() }
}

function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}

if (
  run(process.execPath, [
    join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build',
    '--logLevel',
    'warn',
  ]) !== 0
) {
  process.exit(1)
}

let binary = electronBinary()
let reason = ''
if (!binary) {
  const fetched = fetchElectron()
  binary = fetched.ok ? electronBinary() : null
  reason = fetched.reason ?? ''
}

if (binary) {
  forward(spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }))
} else {
  console.log(
    `Electron's binary is not available here (${reason}); starting headless mode instead.`,
  )
  forward(
    spawn(
      process.execPath,
      [join(root, 'bin', 'coherence.js'), 'start', ...process.argv.slice(2)],
      {
        cwd: root,
        stdio: 'inherit',
      },
    ),
  )
}

#!/usr/bin/env node
// The `coherence` command. It runs the built CLI, so that the same code runs here as in the app.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(built)) {
  console.error('coherence is not built yet: run `npm run build` in the project folder first')
  process.exit(1)
}
await import(pathToFileURL(built).href)

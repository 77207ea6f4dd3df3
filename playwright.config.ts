import { defineConfig } from '@playwright/test'

/** Electron specs launch the app themselves and must not get the browser project's fixtures. */
const ELECTRON_SPECS = '**/electron*.spec.ts'

/**
 * End-to-end tests. Browsers cannot be downloaded on the build machines, so the chromium project
 * drives Debian's Chromium (TOOLCHAIN.md, "Browser tests"); build first (`npm run build`).
 */
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  // The build machines are shared and often busy: give page updates more than the default 5 s.
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  reporter: 'list',
  projects: [
    {
      name: 'chromium',
      testIgnore: ELECTRON_SPECS,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
        trace: 'retain-on-failure',
        screenshot: 'only-on-failure',
      },
    },
    {
      name: 'electron',
      testMatch: ELECTRON_SPECS,
    },
  ],
})

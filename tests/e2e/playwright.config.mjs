// End-to-end tests of the served page in Debian's headless Chromium (Playwright downloads no
// browser here). The page is served by the same script `make demo` uses, on its own port.
import { defineConfig } from '@playwright/test';

const PORT = 8123; // a port of its own, so a running `make demo` on 8000 does not interfere

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.mjs',
  outputDir: '../../test-results/e2e',
  timeout: 60_000,
  workers: 1,
  retries: 0,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `python3 scripts/serve.py ${PORT} --quiet`,
    cwd: '../..',
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
  },
});

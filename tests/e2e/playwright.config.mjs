// End-to-end tests of the served page in Debian's headless Chromium (Playwright downloads no
// browser here). The page is served by the same script `make demo` uses, on its own port.
import { defineConfig } from '@playwright/test';

// Ports of their own, so a running `make demo` on 8000 does not interfere: the page, the same
// page under the strict CSP an embedding site may set, and the dist folder under a sub-path.
const PORT = Number(process.env.E2E_PORT ?? 8123);
export const CSP_PORT = PORT + 1;
export const DIST_PORT = PORT + 2;

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
  webServer: [
    { command: `python3 scripts/serve.py ${PORT} --quiet`, cwd: '../..', url: `http://127.0.0.1:${PORT}/`, reuseExistingServer: false },
    { command: `python3 scripts/serve.py ${CSP_PORT} --quiet --csp`, cwd: '../..', url: `http://127.0.0.1:${CSP_PORT}/`, reuseExistingServer: false },
    { command: `python3 scripts/serve.py ${DIST_PORT} --quiet --csp --dir dist --base /course/demo/`, cwd: '../..',
      url: `http://127.0.0.1:${DIST_PORT}/course/demo/`, reuseExistingServer: false },
  ],
});

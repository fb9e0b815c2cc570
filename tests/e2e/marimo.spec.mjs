// The package in marimo (from PyPI, installed with the wheel by scripts/notebook.sh): the docs'
// snippet, `mo.ui.anywidget(Demo(view="topk"))`, in an app served by `marimo run`, with a second
// cell that shows `widget.value["k"]`. The widget shows its bars with everything from the wheel (the
// browser resolves no host name and is refused every origin but marimo's; the server reaches
// nothing outside this machine), and a slider moved in the widget re-runs the cell in Python.
// Screenshot: test-results/screenshots/marimo-app.png.
import { test, expect } from '@playwright/test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeSnippet } from './readme-snippets.mjs';
import { OFFLINE_ARGS, SCREENSHOTS, VENV, answers, expectCut, killStrays, requireVenv, scratch, serverEnv, start, stop, watch }
  from './notebook-tools.mjs';

const PORT = Number(process.env.E2E_PORT ?? 8123);
const MARIMO_PORT = PORT + 6;
const MARIMO = `http://127.0.0.1:${MARIMO_PORT}`;
/** Cold start on 2 cores: marimo's server, its kernel running the cells, then the widget's wasm. */
const START = 120_000; // ms

let dir;
let marimo;

/** A marimo app (its file format) whose first cell is the snippet and whose second reads the value. */
function app(snippet) {
  const body = snippet.split('\n').map((line) => `    ${line}`).join('\n');
  return `import marimo

app = marimo.App()


@app.cell
def _():
${body}
    return mo, widget


@app.cell
def _(mo, widget):
    mo.md(f"k in Python: {widget.value['k']}")
    return


if __name__ == "__main__":
    app.run()
`;
}

test.use({ viewport: { width: 1280, height: 1000 }, launchOptions: { executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', ...OFFLINE_ARGS] } });

test.beforeAll(async () => {
  requireVenv();
  let folders;
  ({ dir, folders } = scratch('dropout-topk-marimo-', ['app', 'home', 'config', 'cache']));
  writeFileSync(join(folders.app, 'demo.py'), app(readmeSnippet('marimo')));
  const env = serverEnv(folders.home, { XDG_CONFIG_HOME: folders.config, XDG_CACHE_HOME: folders.cache });
  const started = Date.now();
  marimo = start(join(VENV, 'bin/marimo'), ['run', join(folders.app, 'demo.py'), '--headless', '--host', '127.0.0.1',
    '--port', String(MARIMO_PORT), '--no-token', '--no-sandbox', '--no-check'], { env, log: join(dir, 'marimo.log'), cwd: folders.app });
  await answers(marimo, `${MARIMO}/`, START);
  console.log(`marimo answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test.afterAll(async () => {
  await stop(marimo);
  if (!dir) return;
  killStrays(dir);
  rmSync(dir, { recursive: true, force: true });
});

test('the docs\' marimo snippet in `marimo run`, offline: the widget shows its bars, and the slider reaches widget.value in Python', async ({ page }) => {
  test.setTimeout(240_000);
  const { errors, refused } = await watch(page, MARIMO);
  await page.goto(`${MARIMO}/`);
  const widget = page.locator('dropout-topk');
  await expect(widget.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: START });
  await expect(widget.locator('#k')).toHaveValue('3');
  await expectCut(widget, 3, 30_000);
  await expect(page.getByText('k in Python: 3')).toBeVisible();

  // Widget -> Python: the slider moved with the keyboard re-runs the cell that reads the value.
  await widget.locator('#k').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(widget.locator('#k')).toHaveValue('5');
  await expect(page.getByText('k in Python: 5')).toBeVisible({ timeout: 30_000 });
  await expectCut(widget, 5, 30_000);
  await widget.locator('#sample').click();
  await expect(widget.locator('#bars li.sampled')).toHaveCount(1);
  mkdirSync(SCREENSHOTS, { recursive: true });
  // marimo scrolls inside its own container: a tall window shows the widget and the cell below it.
  await page.setViewportSize({ width: 1280, height: 1400 });
  await expect(page.getByText('k in Python: 5')).toBeInViewport();
  await page.screenshot({ path: join(SCREENSHOTS, 'marimo-app.png') });
  expect(errors).toEqual([]);
  expect(refused).toEqual([]);
});

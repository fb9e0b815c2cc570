// The served page: it loads the wasm package without console errors and its sliders act.
import { test, expect } from '@playwright/test';
import { DIST_PORT } from './playwright.config.mjs';

test('the page loads with no console error and the k slider changes the kept bars', async ({ page }) => {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto('/');
  await expect(page.locator('#status')).toHaveText('Ready.');
  await expect(page.locator('#bars li.kept')).toHaveCount(3);
  await page.locator('#k').fill('1');
  await expect(page.locator('#bars li.kept')).toHaveCount(1);
  await page.locator('#k').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#bars li.kept')).toHaveCount(3);
  expect(errors).toEqual([]);
});

// Start-up: the page and the embed name every module they load in a modulepreload link, so the
// browser fetches them all at once instead of one level of imports at a time, and every file
// they preload is one they use (a preloaded file nobody uses is a wasted download).
for (const path of ['/', '/embed.html?view=topk']) {
  test(`${path} preloads exactly the modules and files it loads`, async ({ page }) => {
    const loaded = new Set();
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.endsWith('/worker.js') && !url.pathname.endsWith('.svg')) loaded.add(url.pathname);
    });
    await page.goto(path);
    await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
    await page.waitForLoadState('networkidle'); // anything loaded just after start-up
    const preloaded = await page.evaluate(() => [...document.querySelectorAll('link[rel=modulepreload], link[rel=preload], script[src]')]
      .map((element) => new URL(element.href ?? element.src).pathname));
    const modules = [...loaded].filter((p) => p.endsWith('.js'));
    expect(modules.filter((p) => !preloaded.includes(p))).toEqual([]);
    expect(preloaded.filter((p) => !loaded.has(p))).toEqual([]);
  });
}

// Compression: the server sends gzip to a browser that asks, and `make dist` leaves a gzip and a
// brotli twin of every text, script, wasm and weights file for static hosts that send
// precompressed files; served from dist/, a browser that takes brotli gets the brotli twin.
test('the server sends gzip when asked, and the dist folder carries gzip and brotli twins of its files', async ({ page, request }) => {
  const { readFileSync, existsSync } = await import('node:fs');
  const { gunzipSync, brotliDecompressSync } = await import('node:zlib');
  const root = new URL('../../', import.meta.url);
  const responses = [];
  page.on('response', (response) => responses.push(response));
  await page.goto('/');
  await expect(page.locator('#status')).toHaveText('Ready.');
  const wasm = responses.find((r) => r.url().endsWith('/pkg/dropout_topk_bg.wasm'));
  expect((await wasm.allHeaders())['content-encoding']).toBe('gzip');
  // The page itself too, asked for as the folder's address.
  const document = responses.find((r) => new URL(r.url()).pathname === '/');
  expect((await document.allHeaders())['content-encoding']).toBe('gzip');
  // Unasked, the same file goes out as it is; asked, it decompresses to the same bytes.
  const plain = await request.get('/pkg/dropout_topk_bg.wasm', { headers: { 'accept-encoding': 'identity' } });
  expect(plain.headers()['content-encoding']).toBeUndefined();
  const raw = readFileSync(new URL('pkg/dropout_topk_bg.wasm', root));
  expect(Buffer.compare(await plain.body(), raw)).toBe(0);
  for (const file of ['index.html', 'app.js', 'style.css', 'model.q8', 'pkg/dropout_topk_bg.wasm', 'locales/ja.js']) {
    const twin = new URL(`dist/${file}.gz`, root);
    expect(existsSync(twin), file).toBe(true);
    expect(Buffer.compare(gunzipSync(readFileSync(twin)), readFileSync(new URL(`dist/${file}`, root))), file).toBe(0);
    const br = new URL(`dist/${file}.br`, root);
    expect(Buffer.compare(brotliDecompressSync(readFileSync(br)), readFileSync(new URL(`dist/${file}`, root))), file).toBe(0);
    // Brotli at its best is smaller than gzip at its best.
    expect(readFileSync(br).length, file).toBeLessThan(readFileSync(twin).length);
  }
  const fromDist = await request.get(`http://127.0.0.1:${DIST_PORT}/course/demo/pkg/dropout_topk_bg.wasm`,
    { headers: { 'accept-encoding': 'gzip, br' } });
  expect(fromDist.headers()['content-encoding']).toBe('br');
  expect(Buffer.compare(await fromDist.body(), readFileSync(new URL('dist/pkg/dropout_topk_bg.wasm', root)))).toBe(0);
});

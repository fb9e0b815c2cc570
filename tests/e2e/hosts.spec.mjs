// The README's embedding snippets where course authors paste them: a plain HTML page, a book built
// by mdBook and a deck made with reveal.js from npm, all built from dist/ by scripts/hosts.sh into
// target/hosts/ and served here on a port of their own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOSTS = `${ROOT}target/hosts`;
const SCREENSHOTS = `${ROOT}test-results/screenshots`;
const PORT = Number(process.env.E2E_PORT ?? 8123) + 6;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const CHAPTER = `${ORIGIN}/book/book/sampling/demo.html`;
const DECK = `${ORIGIN}/deck/index.html`;
const SITE = `${ORIGIN}/site/index.html`;

/** Console errors, uncaught exceptions and failed requests (named) of a page and its frames. */
function watch(page) {
  const errors = [];
  page.on('response', (response) => { if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`); });
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** Waits until the demo in `scope` (a frame or an element) says it is ready. */
async function ready(scope) {
  await expect(scope.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
}

/** The first file of dist/ whose copy at `copy` is missing or differs, or null when all match. */
function staleFile(copy, dir = '') {
  for (const entry of readdirSync(`${ROOT}dist/${dir}`, { withFileTypes: true })) {
    const name = `${dir}${entry.name}`;
    if (entry.isDirectory()) {
      const stale = staleFile(copy, `${name}/`);
      if (stale) return stale;
    } else if (!existsSync(`${copy}/${name}`) || !readFileSync(`${ROOT}dist/${name}`).equals(readFileSync(`${copy}/${name}`))) {
      return name;
    }
  }
  return null;
}

let server;

test.beforeAll(async () => {
  for (const page of ['deck/index.html', 'book/book/sampling/demo.html', 'site/index.html']) {
    if (!existsSync(`${HOSTS}/${page}`)) throw new Error(`target/hosts/${page} is missing: run scripts/hosts.sh (after scripts/dist.sh)`);
  }
  for (const copy of ['deck/dropout-topk', 'book/book/dropout-topk', 'site/dropout-topk']) {
    const stale = staleFile(`${HOSTS}/${copy}`);
    if (stale) throw new Error(`target/hosts/${copy}/${stale} is not dist/'s: run scripts/hosts.sh again`);
  }
  server = spawn('python3', ['scripts/serve.py', String(PORT), '--quiet', '--dir', 'target/hosts'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (data) => { stderr += data; });
  await expect.poll(async () => {
    if (server.exitCode !== null) throw new Error(`scripts/serve.py ${PORT} stopped: ${stderr}`);
    return fetch(`${ORIGIN}/deck/index.html`).then((r) => r.status, () => 0);
  }, { timeout: 10_000 }).toBe(200);
});

test.afterAll(async () => {
  if (server?.exitCode === null) {
    const exited = new Promise((done) => server.once('exit', done));
    server.kill();
    await exited;
  }
});

test('a plain HTML page: the iframe and resize.js, and two elements, as the README shows them', async ({ page }) => {
  const errors = watch(page);
  await page.goto(SITE);
  const iframe = page.locator('iframe');
  const frame = page.frameLocator('iframe');
  await ready(frame);
  await expect(frame.locator('#bars li.kept')).toHaveCount(1);
  await expect.poll(() => iframe.evaluate((el) => {
    const content = el.contentDocument.documentElement.getBoundingClientRect().height;
    return Math.abs(el.getBoundingClientRect().height - content) <= 2 && content > 150;
  })).toBe(true);
  const [topk, dropout] = [page.locator('dropout-topk[view="topk"]'), page.locator('dropout-topk[view="dropout"]')];
  await topk.scrollIntoViewIfNeeded();
  await ready(topk);
  await expect(topk.locator('#bars li.kept')).toHaveCount(5);
  await expect(topk.locator('#sample')).toHaveText('1 文字引く'); // lang="ja"
  await dropout.scrollIntoViewIfNeeded();
  await ready(dropout);
  await expect(dropout.locator('#dropout_p-value')).toHaveText('0.50');
  await dropout.locator('#dropout-step').click();
  await expect(dropout.locator('#dropout-steps')).toHaveText('Step 1');
  expect(errors).toEqual([]);
});

test('mdBook: the chapter one folder down fits the iframe, and the element takes a dropout step', async ({ page }) => {
  const errors = watch(page);
  await page.goto(CHAPTER);
  // The iframe: the top-k view of its link (k = 1, no explanation), fitted by resize.js.
  const iframe = page.locator('main iframe');
  const frame = page.frameLocator('main iframe');
  await ready(frame);
  await expect(frame.locator('#bars li.kept')).toHaveCount(1);
  await expect(frame.locator('#topk-view .explain')).toBeHidden();
  const fit = () => iframe.evaluate((el) => ({
    iframe: el.getBoundingClientRect().height,
    content: el.contentDocument.documentElement.getBoundingClientRect().height,
  }));
  await expect.poll(async () => {
    const { iframe: height, content } = await fit();
    return Math.abs(height - content) <= 2 && height > 150;
  }).toBe(true);
  // The element: the dropout view at p = 0.5; one step draws a mask at every site.
  const el = page.locator('dropout-topk[view="dropout"]');
  await el.scrollIntoViewIfNeeded();
  await ready(el);
  await expect(el.locator('#dropout_p-value')).toHaveText('0.50');
  await expect(el.locator('#dropout-view .explain')).toBeHidden();
  await el.locator('#dropout-step').click();
  await expect(el.locator('#dropout-steps')).toHaveText('Step 1');
  const sites = await el.locator('#sites article.site').evaluateAll((cards) => cards.map((c) => [Number(c.dataset.dropped), Number(c.dataset.units)]));
  expect(sites).toHaveLength(7);
  for (const [dropped, units] of sites) {
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(units);
  }
  await expect.poll(() => el.evaluate((host) => host.demo.timing.rendersPending())).toBe(0);
  // The chapter from its top: the fitted iframe, then the element and its first masks (a tall
  // window rather than a full-page capture, which misplaces mdBook's fixed sidebar).
  await page.setViewportSize({ width: 1280, height: 2400 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect.poll(() => el.evaluate((host) => host.demo.timing.rendersPending())).toBe(0);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/mdbook-chapter.png` });
  expect(errors).toEqual([]);
});

test('reveal.js: a slide left and shown again keeps the settings moved there', async ({ page }) => {
  const errors = watch(page);
  await page.goto(DECK);
  await expect.poll(() => page.evaluate(() => window.Reveal?.isReady() ?? false)).toBe(true);
  const slides = page.locator('.reveal .slides > section');
  const [topk, dropout] = [slides.nth(1).locator('iframe'), slides.nth(2).locator('iframe')];
  const [topkFrame, dropoutFrame] = [slides.nth(1).frameLocator('iframe'), slides.nth(2).frameLocator('iframe')];
  const go = (index) => page.evaluate((i) => window.Reveal.slide(i), index);
  // Nothing loads before its slide is shown.
  await expect(topk).not.toHaveAttribute('src');
  await expect(dropout).not.toHaveAttribute('src');

  await go(1);
  await expect(topk).toHaveAttribute('src', await topk.getAttribute('data-src'));
  await ready(topkFrame);
  await expect(topkFrame.locator('#k-value')).toHaveText('3');
  await topkFrame.locator('#k').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(topkFrame.locator('#k-value')).toHaveText('5');

  // The next slide: reveal.js unloads the first iframe and loads the second.
  await go(2);
  await expect(topk).not.toHaveAttribute('src');
  await ready(dropoutFrame);
  await expect(dropoutFrame.locator('#dropout_p-value')).toHaveText('0.10');
  await dropoutFrame.locator('#dropout_p').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(dropoutFrame.locator('#dropout_p-value')).toHaveText('0.12');

  // Back: a fresh load of the first embed, from the same link, finds k as it was left.
  await go(1);
  await expect(dropout).not.toHaveAttribute('src');
  await ready(topkFrame);
  await expect(topkFrame.locator('#k-value')).toHaveText('5');
  await expect(topkFrame.locator('#k')).toHaveValue('5');
  await expect.poll(() => page.evaluate(() => window.Reveal.getIndices().h)).toBe(1);
  await expect.poll(() => topk.evaluate((el) => el.contentWindow.dropoutTopK.rendersPending())).toBe(0);
  // The slide has come back in from the left once its iframe is back inside the page.
  await expect.poll(() => topk.evaluate((el) => el.getBoundingClientRect().left)).toBeGreaterThanOrEqual(0);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/reveal-deck.png` });

  // Forward again: the second finds its dropout p.
  await go(2);
  await expect(topk).not.toHaveAttribute('src');
  await ready(dropoutFrame);
  await expect(dropoutFrame.locator('#dropout_p-value')).toHaveText('0.12');
  await expect(dropoutFrame.locator('#k')).toHaveCount(0); // each embed keeps only its own view
  expect(errors).toEqual([]);
});

test('reveal.js: a kept value that is not clean is dropped, and without storage the embed still starts', async ({ page }) => {
  const errors = watch(page);
  await page.goto(DECK);
  await expect.poll(() => page.evaluate(() => window.Reveal?.isReady() ?? false)).toBe(true);
  const slide = page.locator('.reveal .slides > section').nth(1);
  const frame = slide.frameLocator('iframe');
  const go = (index) => page.evaluate((i) => window.Reveal.slide(i), index);
  await go(1);
  await ready(frame);
  // What the tab keeps is text any page of the origin can write: bad values are dropped, good
  // ones used.
  const kept = await page.evaluate(() => {
    const keys = Object.keys(sessionStorage);
    for (const key of keys) sessionStorage.setItem(key, 'k=abc&temperature=0.5&wat=1&hide=<b>x</b>');
    return keys.length;
  });
  expect(kept).toBe(1);
  await go(2);
  await expect(slide.locator('iframe')).not.toHaveAttribute('src');
  await go(1);
  await ready(frame);
  await expect(frame.locator('#k-value')).toHaveText('3');
  await expect(frame.locator('#temperature')).toHaveValue('0.5');
  await expect(frame.locator('#topk-view .explain')).toBeHidden(); // the link's hide=explain stays
  await expect(frame.locator('#message')).toBeHidden();

  // Storage that throws (a sandboxed iframe, storage turned off): the embed starts, keeps nothing.
  await page.addInitScript(() => {
    if (window !== window.top) Object.defineProperty(window, 'sessionStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });
  });
  await page.goto(DECK);
  await expect.poll(() => page.evaluate(() => window.Reveal?.isReady() ?? false)).toBe(true);
  await go(1);
  await ready(frame);
  await frame.locator('#k').focus();
  await page.keyboard.press('ArrowRight');
  await expect(frame.locator('#k-value')).toHaveText('4');
  await go(2);
  await expect(slide.locator('iframe')).not.toHaveAttribute('src');
  await go(1);
  await ready(frame);
  await expect(frame.locator('#k-value')).toHaveText('3');
  await expect(frame.locator('#message')).toBeHidden();
  expect(errors).toEqual([]);
});

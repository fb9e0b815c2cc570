// The <dropout-topk> element as a course author uses it: loaded from another origin (the npm
// package on a CDN), started only when it nears the viewport, driven through its properties and
// heard through its events; and the README's exercise, run as written.
import { test, expect } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { readmeSnippet } from './readme-snippets.mjs';

const PORT = Number(process.env.E2E_PORT ?? 8123);
/** The "CDN": the packed npm package, served with CORS on a port (an origin) of its own. */
const CDN_PORT = PORT + 3;
const CDN = `http://127.0.0.1:${CDN_PORT}/`;
/** Where the README's snippet says the package lives. */
const README_CDN = 'https://cdn.example.org/dropout-topk/';
/** The course site using it: real files on a server of its own origin (a page that Playwright
 * fulfils has no address, and Chromium then treats it as a public site asking for loopback). */
const SITE_PORT = PORT + 7;
const SITE = `http://127.0.0.1:${SITE_PORT}/`;
/** A host that shares its scripts but not its wasm (a CORS rule that misses a file type). */
const PARTIAL_PORT = PORT + 8;
const ROOT = new URL('../../', import.meta.url).pathname;

let packageDir;
const servers = [];

/** Serves `folder` on `port` with scripts/serve.py's `flags`; resolves once it answers. */
async function serve(folder, port, flags = []) {
  servers.push(spawn('python3', ['scripts/serve.py', String(port), '--quiet', ...flags, '--dir', folder], { cwd: ROOT, stdio: 'ignore' }));
  await expect.poll(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status, () => 0), { timeout: 10_000 }).not.toBe(0);
}

test.beforeAll(async () => {
  // The package exactly as `npm pack` makes it from dist/ (scripts/dist.sh writes its package.json).
  packageDir = mkdtempSync(join(tmpdir(), 'dropout-topk-package-'));
  execFileSync('npm', ['pack', join(ROOT, 'dist'), '--pack-destination', packageDir, '--silent'], { cwd: ROOT });
  const [tarball] = readdirSync(packageDir).filter((name) => name.endsWith('.tgz'));
  execFileSync('tar', ['-xzf', join(packageDir, tarball), '-C', packageDir]);
  await serve(join(packageDir, 'package'), CDN_PORT, ['--cors']);
  mkdirSync(join(packageDir, 'site'));
  await serve(join(packageDir, 'site'), SITE_PORT);
});

test.afterAll(() => {
  for (const server of servers) server.kill();
  if (packageDir) rmSync(packageDir, { recursive: true, force: true });
});

/** Console errors and uncaught exceptions of a page. */
function watch(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** Writes `body` as the course site's page `name` and opens it. */
async function sitePage(page, name, body) {
  writeFileSync(join(packageDir, 'site', name), `<!doctype html><html lang="en"><title>Course notes</title><link rel="icon" href="data:,">${body}</html>`);
  await page.goto(SITE + name);
}

/** Serves `body` as the page at `path` of the test server's origin. */
async function hostPage(page, path, body) {
  await page.route(`**${path}`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="en"><title>Course notes</title>${body}</html>` }));
  await page.goto(path);
}

const ready = (locator) => expect(locator.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });

/** Records the element events that reach the document (they must bubble and be composed). */
async function recordEvents(page) {
  await page.addInitScript(() => {
    window.heard = [];
    for (const type of ['sample', 'step', 'settingschange', 'ready']) {
      document.addEventListener(type, (event) => window.heard.push({ type, id: event.target.id, detail: event.detail }));
    }
  });
}
const heard = (page, type) => page.evaluate((t) => window.heard.filter((e) => e.type === t), type);

test('the packed npm package, served from another origin with CORS, runs the element and the iframe page', async ({ page }) => {
  const errors = watch(page);
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await recordEvents(page);
  // The README's one-line embed, pointed at this test's CDN, and a top-k element and an iframe beside it.
  const snippet = readmeSnippet('cdn').replaceAll(README_CDN, CDN);
  expect(snippet).toContain(`${CDN}component.js`);
  await sitePage(page, 'cdn.html', `${snippet.replace('<dropout-topk ', '<dropout-topk id="d" ')}
    <dropout-topk id="t" view="topk" k="4" lang="en"></dropout-topk>
    <iframe id="f" src="${CDN}embed.html?view=topk&k=2" title="Top-k demo" style="width: 100%; height: 600px; border: 0"></iframe>`);
  const dropout = page.locator('#d');
  const topk = page.locator('#t');
  await ready(dropout);
  await ready(topk);
  // The worker runs: a step reports and draws its masks.
  await dropout.locator('#dropout-step').click();
  await expect(dropout.locator('#dropout-steps')).toHaveText('Step 1');
  await expect.poll(() => heard(page, 'step')).toHaveLength(1);
  const [step] = await heard(page, 'step');
  expect(step.id).toBe('d');
  expect(step.detail.step).toBe(1);
  expect(step.detail.view).toBe('dropout');
  // A fresh model's first loss is near ln V (chance), never NaN.
  expect(step.detail.loss).toBeGreaterThan(1);
  expect(step.detail.loss).toBeLessThan(10);
  // The top-k element samples.
  await expect(topk.locator('#bars li.kept')).toHaveCount(4);
  await topk.locator('#sample').click();
  await expect(topk.locator('#bars li.sampled')).toHaveCount(1);
  await expect.poll(() => heard(page, 'sample')).toHaveLength(1);
  // The iframe page from the CDN origin (scrolled to: Chromium pauses frames of off-screen iframes).
  await page.locator('#f').scrollIntoViewIfNeeded();
  const frame = page.frameLocator('#f');
  await ready(frame);
  await expect(frame.locator('#bars li.kept')).toHaveCount(2);
  // Only the page came from the course site, and the worker's one-line bootstrap from a blob of
  // its origin; everything else from the CDN.
  const own = requests.filter((url) => !url.startsWith(CDN) && !url.startsWith('data:'));
  expect(own).toEqual([`${SITE}cdn.html`, expect.stringMatching(new RegExp(`^blob:${SITE}`))]);
  expect(requests.filter((url) => url.startsWith(CDN)).some((url) => url.endsWith('worker.js'))).toBe(true);
  expect(errors).toEqual([]);
});

test('a file the CDN will not share, or does not have, is named in the message with the cause', async ({ page, context }) => {
  // A host whose CORS rule covers its scripts but not its .wasm files.
  const partial = createServer((request, response) => {
    const path = join(packageDir, 'package', decodeURIComponent(new URL(request.url, CDN).pathname));
    if (!existsSync(path)) return response.writeHead(404).end();
    const type = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.css': 'text/css' }[extname(path)];
    response.writeHead(200, { 'content-type': type ?? 'application/octet-stream', ...(extname(path) === '.wasm' ? {} : { 'access-control-allow-origin': '*' }) });
    response.end(readFileSync(path));
  });
  await new Promise((resolve) => partial.listen(PARTIAL_PORT, '127.0.0.1', resolve));
  try {
    const host = `http://127.0.0.1:${PARTIAL_PORT}`;
    await sitePage(page, 'no-cors.html', `<script type="module" src="${host}/component.js"></script>
      <dropout-topk id="t" view="topk" lang="en"></dropout-topk>`);
    const t = page.locator('#t');
    await expect(t.locator('#status')).toHaveAttribute('data-i18n', 'app.cannotStart', { timeout: 30_000 });
    await expect(t.locator('#message-text')).toContainText(`${host} does not let pages of other sites use dropout_topk_bg.wasm`);
    await expect(t.locator('#message-text')).toContainText('Access-Control-Allow-Origin');
  } finally {
    partial.close();
  }

  // The worker's script missing from the CDN: the page starts, and a step says what is missing.
  const second = await context.newPage();
  await second.route(`${CDN}worker.js`, (route) => route.fulfill({ status: 404, body: 'not here', headers: { 'access-control-allow-origin': '*' } }));
  await sitePage(second, 'no-worker.html', `<script type="module" src="${CDN}component.js"></script>
    <dropout-topk id="d" view="dropout" lang="en" loading="eager"></dropout-topk>`);
  const d = second.locator('#d');
  await expect(d.locator('#message-text')).toContainText(`worker.js is not at ${CDN.slice(0, -1)} (HTTP 404)`, { timeout: 30_000 });
});

test('elements start their models only near the viewport; loading="eager" starts at once', async ({ page }) => {
  const errors = watch(page);
  await recordEvents(page);
  const spacer = '<div style="height: 1500px">Course text between the demos.</div>';
  const elements = Array.from({ length: 10 }, (_, i) => `<dropout-topk id="e${i}" view="topk" k="${i + 1}" lang="en"></dropout-topk>${spacer}`);
  await hostPage(page, '/course/chapter.html', `<script type="module" src="/component.js"></script>
    ${elements.join('\n')}<dropout-topk id="eager" view="topk" loading="eager" lang="en"></dropout-topk>`);
  await ready(page.locator('#e0'));
  await ready(page.locator('#eager'));
  // Far below the viewport: markup in place, waiting, its models not started.
  await expect(page.locator('#e5 #status')).toHaveAttribute('data-i18n', 'app.waiting');
  await expect(page.locator('#e5 #status')).toHaveText('Starts when scrolled into view.');
  const started = async () => (await heard(page, 'ready')).map((e) => e.id).sort();
  expect(await started()).toEqual(['e0', 'eager']);
  await page.locator('#e5').scrollIntoViewIfNeeded();
  await ready(page.locator('#e5'));
  await expect(page.locator('#e5 #bars li.kept')).toHaveCount(6);
  // The ones passed on the way start too (they came near); those further down still wait.
  expect(await started()).not.toContain('e8');
  await expect(page.locator('#e9 #status')).toHaveAttribute('data-i18n', 'app.waiting');
  expect(errors).toEqual([]);
});

test('settings are properties reflected to attributes, changes fire settingschange, bad values are named', async ({ page }) => {
  const errors = watch(page);
  await recordEvents(page);
  await hostPage(page, '/course/props.html', `<script type="module" src="/component.js"></script>
    <div id="host"></div>
    <script type="module">
      // Inside another element's shadow root, as a page builder or a notebook may put it.
      const shadow = document.getElementById('host').attachShadow({ mode: 'open' });
      shadow.innerHTML = '<dropout-topk id="c" view="topk" lang="en"></dropout-topk>';
    </script>`);
  const c = page.locator('#host #c');
  await ready(c);
  const prop = (name) => c.evaluate((el, n) => el[n], name);
  expect(await prop('k')).toBe(3); // the default
  expect(await prop('temperature')).toBe(1);
  expect(await prop('hide')).toEqual([]);
  // A property sets the setting, the attribute follows, and the view redraws.
  await c.evaluate((el) => { el.k = 7; });
  await expect(c).toHaveAttribute('k', '7');
  await expect(c.locator('#bars li.kept')).toHaveCount(7);
  await expect(c.locator('#k')).toHaveValue('7');
  // The reader's slider: the property and the attribute follow, and the page hears of it.
  await c.locator('#k').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(c).toHaveAttribute('k', '6');
  expect(await prop('k')).toBe(6);
  const changes = (await heard(page, 'settingschange')).filter((e) => e.detail.name === 'k').map((e) => e.detail.value);
  expect(changes).toEqual([7, 6]);
  const last = (await heard(page, 'settingschange')).at(-1);
  expect(last.id).toBe('host'); // retargeted: the event crossed the shadow root
  expect(last.detail.settings.k).toBe(6);
  // A temperature and a list.
  await c.evaluate((el) => { el.temperature = 0.5; el.hide = ['explain']; });
  await expect(c).toHaveAttribute('temperature', '0.5');
  await expect(c).toHaveAttribute('hide', 'explain');
  await expect(c.locator('#topk-view .explain')).toBeHidden();
  // A bad value: named in the message, the setting keeps a safe value, nothing is NaN.
  await c.evaluate((el) => { el.k = 'many'; });
  await expect(c.locator('#message-text')).toContainText('many');
  expect(await prop('k')).toBe(6);
  await expect(c).toHaveAttribute('k', '6');
  await c.evaluate((el) => { el.temperature = 99; });
  expect(await prop('temperature')).toBe(3); // clamped to its range, as a link's would be
  await expect(c.locator('#message-text')).toContainText('99');
  // Sample through the method; the event carries what the page shows.
  await c.evaluate((el) => el.sample());
  await expect.poll(() => heard(page, 'sample')).toHaveLength(1);
  const [{ detail }] = await heard(page, 'sample');
  expect(detail.settings.k).toBe(6);
  expect(detail.settings.temperature).toBe(3);
  expect(detail.probability).toBeGreaterThan(0);
  expect(detail.probability).toBeLessThanOrEqual(1);
  expect(detail.u).toBeGreaterThanOrEqual(0);
  expect(detail.u).toBeLessThan(1);
  await expect(c.locator('#bars li.sampled')).toHaveCount(1);
  await expect(c.locator('#bars li.sampled')).toHaveAttribute('data-index', String(detail.index));
  // The probability is the one the sampled bar shows (after the cut), to float32 precision.
  expect(Number(await c.locator('#bars li.sampled').getAttribute('data-prob'))).toBeCloseTo(detail.probability, 6);
  await expect(c.locator('#announce')).toContainText(`${(detail.probability * 100).toFixed(1)}%`);
  expect(errors.filter((e) => !e.includes('many'))).toEqual([]);
});

test('an element removed from the page frees its models in the worker; put back, it starts afresh', async ({ page }) => {
  const errors = watch(page);
  await hostPage(page, '/course/remove.html', `<script type="module" src="/component.js"></script>
    <dropout-topk id="d" view="dropout" dropout_p="0.3" lang="en"></dropout-topk>`);
  const d = page.locator('#d');
  await ready(d);
  await d.locator('#dropout-play').click();
  await expect.poll(async () => Number((await d.locator('#dropout-steps').textContent()).replace('Step ', ''))).toBeGreaterThan(2);
  // Removed while playing: its model leaves the worker (the page's handle on the worker is shared).
  const counts = await page.evaluate(async () => {
    const el = document.getElementById('d');
    window.removed = el;
    window.training = el.demo.training;
    const before = window.training.models.size;
    el.remove();
    await Promise.resolve();
    await Promise.resolve();
    return { before, after: window.training.models.size, demo: el.demo };
  });
  expect(counts.before).toBe(1);
  expect(counts.after).toBe(0);
  expect(counts.demo).toBeNull();
  // Put back: a fresh demo with the settings its attributes carry.
  await page.evaluate(() => document.body.append(window.removed));
  await ready(d);
  await expect(d.locator('#dropout_p-value')).toHaveText('0.30');
  await expect(d.locator('#dropout-steps')).toHaveText(/Step 0|no step/);
  await d.locator('#dropout-step').click();
  await expect(d.locator('#dropout-steps')).toHaveText('Step 1');
  expect(await page.evaluate(() => window.training.models.size)).toBe(1);
  // A move (removed and put back in one task) keeps the same demo and its model.
  const moved = await page.evaluate(async () => {
    const el = document.getElementById('d');
    const app = el.demo;
    document.body.prepend(el);
    await Promise.resolve();
    await Promise.resolve();
    return { same: el.demo === app, models: window.training.models.size };
  });
  expect(moved).toEqual({ same: true, models: 1 });
  expect(errors).toEqual([]);
});

test("the README's exercise runs as written: k = 1 draws one distinct character, k = 10 several", async ({ page }) => {
  const errors = watch(page);
  const logs = [];
  page.on('console', (msg) => { if (msg.type() === 'log') logs.push(msg.text()); });
  await hostPage(page, '/course/exercise.html', `<script type="module" src="/component.js"></script>
    <dropout-topk view="topk" lang="en" temperature="2"></dropout-topk>`);
  await ready(page.locator('dropout-topk'));
  await page.addScriptTag({ type: 'module', content: readmeSnippet('exercise') });
  await expect.poll(() => logs.find((line) => line.startsWith('k = 1:')), { timeout: 30_000 }).toBeTruthy();
  const [, one, ten] = logs.find((line) => line.startsWith('k = 1:')).match(/k = 1: (\d+) distinct; k = 10: (\d+) distinct/);
  expect(Number(one)).toBe(1); // k = 1 is greedy: the same character every time
  expect(Number(ten)).toBeGreaterThan(1);
  expect(Number(ten)).toBeLessThanOrEqual(10);
  expect(errors).toEqual([]);
});

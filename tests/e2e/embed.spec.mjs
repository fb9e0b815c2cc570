// Sharing and embedding: settings in the link, the iframe embed, the <dropout-topk> element, the
// dist folder under a sub-path, a strict CSP, and no request leaving the page's origin.
import { test, expect } from '@playwright/test';
import { CSP_PORT, DIST_PORT } from './playwright.config.mjs';
import { englishWords } from './languages.mjs';

/** Every setting, each away from its default, in the order the page writes them (state.js). */
const EVERY_SETTING = new URLSearchParams([
  ['view', 'dropout'], ['k', '7'], ['temperature', '0.75'], ['top_p', '0.8'], ['sampler', 'top_p'],
  ['dropout_p', '0.25'], ['overfit_p', '0.4'], ['seed', '7'], ['prompt', 'The sea is'], ['mode', 'eval'],
  ['mc_dropout', 'true'], ['backend', 'ndarray'], ['lang', 'en'], ['hide', 'seed,explain'],
]).toString();

/** Console errors, uncaught exceptions and CSP violations of a page. */
function watch(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

async function ready(page) {
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
}

test('a link with every setting opens with those settings, and loading it does not change it', async ({ page }) => {
  const errors = watch(page);
  await page.goto(`/?${EVERY_SETTING}`);
  await ready(page);
  expect(new URL(page.url()).search).toBe(`?${EVERY_SETTING}`);
  await expect(page.locator('#k')).toHaveValue('7');
  await expect(page.locator('#temperature')).toHaveValue('0.75');
  await expect(page.locator('#top_p')).toHaveValue('0.8');
  await expect(page.locator('input[name=sampler][value=top_p]')).toBeChecked();
  await expect(page.locator('#dropout_p')).toHaveValue('0.25');
  await expect(page.locator('#overfit_p')).toHaveValue('0.4');
  await expect(page.locator('#prompt')).toHaveValue('The sea is');
  await expect(page.locator('input[name=mode][value=eval]')).toBeChecked();
  await expect(page.locator('#mc_dropout')).toBeChecked();
  await expect(page.locator('#lang')).toHaveValue('en');
  await expect(page.locator('#seed')).toBeHidden();
  await expect(page.locator('#topk-view .explain')).toBeHidden();
  expect(await page.evaluate(() => window.dropoutTopK.state.backend)).toBe('ndarray');
  // The dropout view is where the link points.
  await expect.poll(() => page.locator('#dropout-view').evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(200);
  // A change is written back in place: no new history entry.
  const length = await page.evaluate(() => history.length);
  await page.locator('input[name=sampler][value=top_k]').check();
  await page.locator('#k').focus();
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => new URL(page.url()).searchParams.get('k')).toBe('6');
  // A setting the link named stays in it, even back at its default.
  expect(new URL(page.url()).searchParams.get('sampler')).toBe('top_k');
  expect(await page.evaluate(() => history.length)).toBe(length);
  expect(new URL(page.url()).searchParams.get('temperature')).toBe('0.75');
  expect(errors).toEqual([]);
});

test('bad values in a link are named in a message and replaced by safe values', async ({ page }) => {
  const errors = watch(page);
  await page.goto('/?k=abc&temperature=-4&dropout_p=NaN&seed=1e99&mode=<b>x</b>&wat=1&k=2');
  await ready(page);
  const message = page.locator('#message-text');
  await expect(message).toContainText('k = “abc” is not a number');
  await expect(message).toContainText('temperature = -4 is out of range');
  await expect(message).toContainText('unknown setting “wat”');
  await expect(message).toContainText('k is given 2 times');
  await expect(page.locator('#message b')).toHaveCount(0); // markup stays text
  await expect(page.locator('#k')).toHaveValue('3');
  await expect(page.locator('#temperature')).toHaveValue('0.1');
  await expect(page.locator('#dropout_p')).toHaveValue('0.1');
  await expect(page.locator('#bars li.kept').first()).toBeVisible();
  // The same problems, worded in the page's language.
  await page.goto('/?lang=ja&k=abc&temperature=-4');
  await ready(page);
  await expect(page.locator('#message-text')).toContainText('k = 「abc」は数ではありません。1 から 256 までの整数にしてください');
  await expect(page.locator('#message-text')).toContainText('temperature = -4 は範囲外です');
  expect(errors).toEqual([]);
});

/** What a reader sees after opening `url`: three samples and the masks of one training step. */
async function samplesAndMasks(page, url) {
  await page.goto(url);
  await ready(page);
  for (let i = 0; i < 3; i++) await page.locator('#sample').click();
  await expect(page.locator('#announce')).toContainText('draw number 2 ');
  const drawn = await page.locator('#bars li.sampled').getAttribute('data-index');
  await page.locator('#generate').click();
  await expect(page.locator('#generate')).toHaveAttribute('aria-pressed', 'false', { timeout: 30_000 });
  const generated = await page.locator('#generated').textContent();
  await page.locator('#dropout-step').click();
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1');
  const masks = await page.locator('#sites article.site').evaluateAll((cards) => cards.map((c) => c.dataset.dropped));
  return { drawn, generated, masks };
}

test('the same link twice gives the same samples and the same masks; the sampling seed changes only the draws', async ({ page }) => {
  const url = '/?seed=9&k=8&temperature=1.3&dropout_p=0.4';
  const first = await samplesAndMasks(page, url);
  const second = await samplesAndMasks(page, url);
  expect(first.masks).toHaveLength(7);
  expect(second).toEqual(first);
  // The sampling seed seeds the draws and nothing else: another one writes another text, and the
  // model's masks (from the fixed model seed) stay the same.
  const other = await samplesAndMasks(page, '/?seed=10&k=8&temperature=1.3&dropout_p=0.4');
  expect(other.generated).not.toEqual(first.generated);
  expect(other.masks).toEqual(first.masks);
});

test('the iframe embed shows one view, works inside a host page and reports its height', async ({ page }) => {
  const errors = watch(page);
  await page.route('**/host-iframe.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
    <p>Course notes before the demo.</p>
    <iframe id="demo" src="embed.html?view=topk&k=1&hide=explain,seed" title="Top-k demo" style="width: 100%; border: 0"></iframe>
    <p id="after">Course notes after the demo.</p>` }));
  // The host listens the way the README shows.
  await page.addInitScript(() => {
    window.heights = [];
    addEventListener('message', (event) => {
      if (event.data?.type !== 'dropout-topk:height') return;
      window.heights.push(event.data.height);
      for (const frame of document.querySelectorAll('iframe')) {
        if (frame.contentWindow === event.source) frame.style.height = `${event.data.height}px`;
      }
    });
  });
  await page.goto('/host-iframe.html');
  const frame = page.frameLocator('#demo');
  await expect(frame.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(frame.locator('#bars li.kept')).toHaveCount(1);
  await expect(frame.locator('#dropout-view')).toHaveCount(0);
  await expect(frame.locator('#topk-view .explain')).toBeHidden();
  await expect(frame.locator('#seed')).toBeHidden();
  await expect.poll(() => page.evaluate(() => window.heights.length)).toBeGreaterThan(0);
  const height = await page.evaluate(() => window.heights[window.heights.length - 1]);
  expect(height).toBeGreaterThan(300);
  // The iframe took that height, so the whole view shows without an inner scrollbar.
  expect(Math.round((await page.locator('#demo').boundingBox()).height)).toBe(height);
  await frame.locator('#sample').click();
  await expect(frame.locator('#bars li.sampled')).toHaveCount(1);
  expect(errors).toEqual([]);
});

// dist/resize.js, the two-line iframe embed: each iframe on the host page takes its own
// embed's height (matched by the window that sent it), whatever order the messages come in, and
// a message that is not a height changes nothing.
test('resize.js fits each of two iframes to its own content', async ({ page }) => {
  const errors = watch(page);
  await page.route('**/host-resize.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
    <iframe id="a" src="embed.html?view=topk&hide=explain" title="Top-k demo" style="width: 100%; border: 0"></iframe>
    <iframe id="b" src="embed.html?view=overfit" title="Overfitting demo" style="width: 100%; border: 0"></iframe>
    <script src="resize.js"></script>` }));
  await page.goto('/host-resize.html');
  for (const id of ['a', 'b']) {
    await expect(page.frameLocator(`#${id}`).locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  }
  // Each iframe's height is its own document's height (they differ), within a pixel of rounding.
  const fits = () => page.evaluate(() => ['a', 'b'].map((id) => {
    const frame = document.getElementById(id);
    const content = Math.ceil(frame.contentDocument.documentElement.getBoundingClientRect().height);
    return Math.abs(frame.getBoundingClientRect().height - content) <= 1 && content > 300;
  }));
  await expect.poll(fits).toEqual([true, true]);
  const heights = await page.evaluate(() => ['a', 'b'].map((id) => document.getElementById(id).getBoundingClientRect().height));
  expect(heights[0]).not.toBe(heights[1]);
  // A message from a demo's own window with the same type but no usable height (0) changes nothing.
  // A marker message sent after it is heard after it too (messages arrive in order): by then
  // resize.js has handled the bad one.
  await page.evaluate(() => {
    window.marker = new Promise((done) => addEventListener('message', (e) => { if (e.data === 'marker') done(); }));
  });
  await page.frame({ url: /view=topk/ }).evaluate(() => {
    window.parent.postMessage({ type: 'dropout-topk:height', height: 0 }, '*');
    window.parent.postMessage('marker', '*');
  });
  await page.evaluate(() => window.marker);
  expect(await page.evaluate(() => ['a', 'b'].map((id) => document.getElementById(id).getBoundingClientRect().height))).toEqual(heights);
  expect(errors).toEqual([]);
});

test('two <dropout-topk> elements on one page keep separate settings and share one wasm module', async ({ page }) => {
  const errors = watch(page);
  await page.route('**/host-component.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
    <script type="module" src="component.js"></script>
    <dropout-topk id="a" view="topk" k="1" lang="en"></dropout-topk>
    <dropout-topk id="b" view="topk" k="5" temperature="2" lang="ja" hide="explain"></dropout-topk>` }));
  await page.goto('/host-component.html');
  const a = page.locator('#a');
  const b = page.locator('#b');
  for (const el of [a, b]) await expect(el.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(a.locator('#k')).toHaveValue('1');
  await expect(b.locator('#k')).toHaveValue('5');
  await expect(a.locator('#bars li.kept')).toHaveCount(1);
  await expect(b.locator('#bars li.kept')).toHaveCount(5);
  await expect(b.locator('#temperature')).toHaveValue('2');
  await expect(a.locator('#topk-view .explain')).toBeVisible();
  await expect(b.locator('#topk-view .explain')).toBeHidden();
  // Moving one element's slider leaves the other alone.
  await a.locator('#k').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(a.locator('#bars li.kept')).toHaveCount(3);
  await expect(b.locator('#bars li.kept')).toHaveCount(5);
  await expect(b.locator('#k')).toHaveValue('5');
  // An attribute set later changes that element's setting.
  await page.evaluate(() => document.getElementById('b').setAttribute('k', '2'));
  await expect(b.locator('#bars li.kept')).toHaveCount(2);
  await expect(a.locator('#bars li.kept')).toHaveCount(3);
  const wasmFetches = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length);
  expect(wasmFetches).toBe(1);
  expect(errors).toEqual([]);
});

test('two elements keep their own errors: breaking one shows it there, and the other keeps working', async ({ page }) => {
  await page.route('**/host-two.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
    <script type="module" src="component.js"></script>
    <dropout-topk id="a" view="dropout" dropout_p="0.2" lang="en"></dropout-topk>
    <dropout-topk id="b" view="dropout" dropout_p="0.5" lang="en"></dropout-topk>` }));
  await page.goto('/host-two.html');
  const a = page.locator('#a');
  const b = page.locator('#b');
  for (const el of [a, b]) await expect(el.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  // Moving one element's slider moves only its own setting.
  await a.locator('#dropout_p').focus();
  await page.keyboard.press('ArrowRight');
  await expect(a.locator('#dropout_p-value')).toHaveText('0.21');
  await expect(b.locator('#dropout_p-value')).toHaveText('0.50');
  // Break a: one of its drawings throws, and its model disappears from the shared worker.
  await page.evaluate(() => {
    const { demo: app } = document.getElementById("a");
    app.requestRender('broken', () => { throw new Error('a drawing of element a failed'); });
  });
  await expect(a.locator('#message-text')).toContainText('a drawing of element a failed');
  await a.locator('#dismiss').click();
  await page.evaluate(() => {
    const { model } = document.getElementById('a').demo.views.dropout.run;
    model.training.send({ type: 'free', id: model.id });
  });
  await a.locator('#dropout-step').click();
  await expect(a.locator('#message-text')).toContainText('no model');
  // b shows no error, and its Step still trains at its own rate.
  await expect(b.locator('#message')).toBeHidden();
  await b.locator('#dropout-step').click();
  await expect(b.locator('#dropout-steps')).toHaveText('Step 1');
  await expect(b.locator('[data-testid="site-0"]')).toBeVisible();
  await expect(b.locator('.site-which').first()).toContainText('r = 0.50');
  await expect(b.locator('#message')).toBeHidden();
});

/** Loads `url`, records every request and every CSP violation, and uses all five views. */
async function useEverything(page, url) {
  const errors = watch(page);
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await ready(page);
  await page.locator('#sample').click();
  await expect(page.locator('#bars li.sampled')).toHaveCount(1);
  await page.locator('#dropout-step').click();
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1');
  await page.locator('#overfit-step').click();
  await expect(page.locator('#overfit-steps')).toHaveAttribute('data-steps', '2');
  await page.locator('#mc-details > summary').click();
  await page.locator('#mc_dropout').check();
  await page.locator('#contrast-draw').click();
  // Another language's dictionary and sample text are fetched when chosen.
  await page.locator('#lang').selectOption('ja');
  await page.locator('#own-sample-lang').click();
  await expect(page.locator('#own-text')).not.toHaveValue(''); // the sample is fetched
  await page.locator('#lang').selectOption('en');
  await page.locator('#own-create').click();
  await page.locator('#own-step').click();
  await expect(page.locator('#own-info')).toContainText('Step 1');
  expect(await page.evaluate(() => window.violations)).toEqual([]);
  expect(errors).toEqual([]);
  return requests;
}

test('under the strict CSP an embedding site may set, everything works with no violation', async ({ page }) => {
  const response = await page.request.get(`http://127.0.0.1:${CSP_PORT}/`);
  expect(response.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await useEverything(page, `http://127.0.0.1:${CSP_PORT}/`);
});

test('the dist folder works from a sub-path, with no request leaving the page\'s origin', async ({ page }) => {
  const origin = `http://127.0.0.1:${DIST_PORT}`;
  const requests = await useEverything(page, `${origin}/course/demo/index.html?k=4`);
  expect(requests.length).toBeGreaterThan(5);
  for (const url of requests) expect(url.startsWith(`${origin}/course/demo/`) || url.startsWith('data:')).toBe(true);
  expect(requests.some((url) => url.endsWith('/course/demo/pkg/dropout_topk_bg.wasm'))).toBe(true);
  await expect(page.locator('#k')).toHaveValue('4');
  // The embed page and the element work from the same folder.
  await page.goto(`${origin}/course/demo/embed.html?view=contrast`);
  await ready(page);
  await expect(page.locator('#thesis-grid .model-row[data-row=b] .strip .segment').first()).toBeVisible();
  await page.locator('#mc-details > summary').click();
  await expect(page.locator('#contrast-bars li').first()).toBeVisible();
  await page.route('**/course/notes.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
    <script type="module" src="demo/component.js"></script><dropout-topk view="dropout" dropout_p="0.5"></dropout-topk>` }));
  await page.goto(`${origin}/course/notes.html`);
  const el = page.locator('dropout-topk');
  await expect(el.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await el.locator('#dropout-step').click();
  await expect(el.locator('#dropout-steps')).toHaveText('Step 1');
});

test('the language switches without a reload, and every view redraws its texts in it', async ({ page }) => {
  const errors = watch(page);
  await page.goto('/?lang=ja');
  await ready(page);
  await page.locator('#sample').click();
  await page.locator('#dropout-step').click();
  await expect(page.locator('#sites article.site')).toHaveCount(7);
  await page.locator('#overfit-step').click();
  await page.locator('#mc-details > summary').click();
  await page.locator('#contrast-draw').click();
  await expect(page.locator('#overfit-steps')).toHaveAttribute('data-steps', '2');
  await expect(page.locator('#contrast-history li')).toHaveCount(1);
  // Switch to English in place: the same elements now read English.
  await page.evaluate(() => { window.sameDocument = true; });
  await page.locator('#lang').selectOption('en');
  await expect(page.locator('#topk-h')).toContainText('Drag k, then draw the next character');
  await expect(page.locator('#status')).toHaveText('Ready.');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
  expect(await page.evaluate(() => window.sameDocument)).toBe(true); // no reload
  await page.locator('#lang').selectOption('ja');
  // Every view has redrawn its texts in Japanese.
  await expect(page.locator('#dropout-steps')).toHaveText('ステップ 1');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect.poll(() => page.evaluate(() => window.dropoutTopK.rendersPending())).toBe(0);
  expect(await englishWords(page.locator('body'), 'ja')).toEqual([]);
  expect(errors).toEqual([]);
});

// The smoke tests every engine runs against the served page (scripts/serve.py, as `make demo`
// serves it): the first bars, the k and dropout sliders, Step's masks, Sample's announcement, no
// error logged, no press lost while the page loads, and the element loaded from another origin. Chromium runs the full Playwright suite
// (tests/e2e); these check that the page a learner opens in Firefox or Safari's engine works.
//
// Every wait is for a state of the page, with a generous upper bound, never for time to pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from './drivers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PORT = Number(process.env.ENGINE_PORT ?? 8131);
const BASE = `http://127.0.0.1:${PORT}/`;
/** The four presses that must never be lost while the page loads. */
const PRESSES = ['#dropout-step', '#dropout-play', '#sample', '#generate'];

/**
 * Starts the project's server on its own port, behind a small proxy that can hold back what the
 * training worker loads: while it is held, the page's views are wired but their models do not
 * exist yet, which is the window in which a press used to be lost. Holding it makes every run
 * land its presses in that window, whatever the engine's or the machine's speed.
 * @returns {Promise<{close: () => void, hold: () => () => void}>} `hold()` returns `release`
 */
async function serve() {
  const upstream = `http://127.0.0.1:${PORT + 1}`;
  const server = spawn('python3', ['scripts/serve.py', String(PORT + 1), '--quiet'], { cwd: ROOT, stdio: 'ignore' });
  // dist/ as a CDN serves the package: another origin, with CORS.
  const cdn = spawn('python3', ['scripts/serve.py', String(PORT + 2), '--quiet', '--cors', '--dir', 'dist'], { cwd: ROOT, stdio: 'ignore' });
  let held = null;
  const proxy = http.createServer(async (request, response) => {
    try {
      if (request.url === '/course-notes.html') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(COURSE_PAGE);
        return;
      }
      // What the worker fetches itself (the wasm binding it imports): holding the worker's own
      // script instead would also hold the page's load event in WebKit.
      if (held && (request.headers.referer ?? '').split('?')[0].endsWith('/worker.js')) await held;
      const answer = await fetch(`${upstream}${request.url}`, { headers: { 'cache-control': 'no-cache' } });
      const headers = Object.fromEntries([...answer.headers].filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)));
      response.writeHead(answer.status, headers);
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch (err) {
      response.writeHead(502);
      response.end(String(err));
    }
  });
  await new Promise((resolve) => proxy.listen(PORT, '127.0.0.1', resolve));
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(BASE)).ok) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null || tries > 200) throw new Error(`scripts/serve.py did not start on port ${PORT + 1}`);
    await sleep(50);
  }
  return {
    close: () => {
      proxy.close();
      server.kill();
      cdn.kill();
    },
    hold: () => {
      let release;
      held = new Promise((resolve) => { release = resolve; });
      return () => {
        held = null;
        release();
      };
    },
  };
}

/** A course page of this origin using the element from the "CDN" origin (README, "From another origin"). */
const CDN = `http://127.0.0.1:${PORT + 2}/`;
const COURSE_PAGE = `<!doctype html><html lang="en"><title>Course notes</title><link rel="icon" href="data:,">
<script type="module" src="${CDN}component.js"></script>
<dropout-topk id="d" view="dropout" lang="en"></dropout-topk>
<dropout-topk id="t" view="topk" lang="en"></dropout-topk></html>`;
/** An expression for the element `sel` inside the shadow root of the element `host`. */
const inside = (host, sel) => `document.querySelector(${JSON.stringify(host)})?.shadowRoot?.querySelector(${JSON.stringify(sel)})`;

const text = (selector) => `(document.querySelector(${JSON.stringify(selector)})?.textContent ?? '')`;
const count = (selector) => `document.querySelectorAll(${JSON.stringify(selector)}).length`;
const disabled = (selector) => `document.querySelector(${JSON.stringify(selector)})?.disabled`;
/** The steps the dropout view reports ("Step 12"), or -1 while it has none. */
const STEPS = `Number((${text('#dropout-steps')}).match(/^Step (\\d+)$/)?.[1] ?? -1)`;

/**
 * Registers the smoke tests for one engine.
 * @param {() => Promise<import('./drivers.mjs').Browser>} open starts the engine
 */
export function smokeTests(open) {
  let server;
  let browser;
  before(async () => {
    server = await serve();
    browser = await open();
    console.log(`engine: ${browser.name}`);
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  test('presses at the first moment the page shows are never lost: Step and Sample', async () => {
    const release = server.hold();
    try {
      await browser.goto(BASE);
      await firstMoment(['#dropout-step', '#sample']);
      // The step waits for the model, and says that it is loading.
      assert.equal(await browser.evaluate(text('#dropout-steps')), 'Loading the model…');
    } finally {
      release();
    }
    await until(browser, `${STEPS} >= 1 && ${count('#sites canvas.mask')} === 7`, 'the step pressed while loading, with its masks');
    await until(browser, `/^Drew “.+” \\(\\d+\\.\\d%\\), draw number 0 with seed 42\\.$/.test(${text('#announce')})`,
      'the sample pressed while loading');
    assert.deepEqual(await browser.errors(), []);
  });

  test('presses at the first moment the page shows are never lost: Play and Generate', async () => {
    const release = server.hold();
    try {
      await browser.goto(BASE);
      await firstMoment(['#dropout-play', '#generate']);
      assert.equal(await browser.evaluate(`document.querySelector('#dropout-play').getAttribute('aria-pressed')`), 'true');
    } finally {
      release();
    }
    await until(browser, `${STEPS} >= 3`, 'Play pressed while loading to train');
    await browser.click('#dropout-play');
    await until(browser, `document.querySelector('#dropout-play').getAttribute('aria-pressed') === 'false'`, 'Pause');
    await until(browser, `${count('#generated .gen')} === 80 && ${text('#announce')}.startsWith('Generated 80 characters')`,
      'Generate pressed while loading to write 80 characters');
    assert.deepEqual(await browser.errors(), []);
  });

  test('the first bars appear, and the k slider moves them', async () => {
    await browser.goto(BASE);
    await until(browser, `${text('#status')} === 'Ready.'`, 'the page to be ready');
    await until(browser, `${count('#bars li.kept')} === 3`, 'three kept bars at k = 3');
    // The kept bars and five cut ones below them, so the cut is in sight.
    assert.equal(await browser.evaluate(count('#bars li.cut')), 5);
    await browser.press('#k', 'ArrowRight');
    await until(browser, `${text('#k-value')} === '4' && ${count('#bars li.kept')} >= 4`, 'k = 4 to keep four bars');
    await browser.press('#k', 'ArrowLeft');
    await until(browser, `${text('#k-value')} === '3' && ${count('#bars li.kept')} === 3`, 'k = 3 again');
    assert.equal(await browser.evaluate(`document.body.textContent.includes('NaN')`), false);
    assert.deepEqual(await browser.errors(), []);
  });

  test('Step draws masks, the dropout slider re-reads them, Sample announces a character', async () => {
    await browser.goto(BASE);
    await until(browser, `${text('#status')} === 'Ready.'`, 'the page to be ready');
    await browser.click('#dropout-step');
    await until(browser, `${text('#dropout-steps')} === 'Step 1' && ${count('#sites article.site')} === 7`, 'step 1 with seven sites');
    const sites = () => browser.evaluate(`[...document.querySelectorAll('#sites article.site')].map((c) =>
      ({ dropped: Number(c.dataset.dropped), units: Number(c.dataset.units), which: c.querySelector('.site-which').textContent }))`);
    const atStep = await sites();
    for (const site of atStep) {
      assert.match(site.which, /The mask step 1 applied, at r = 0\.10/);
      // p = 0.1: within five binomial standard deviations of a tenth.
      assert.ok(Math.abs(site.dropped - 0.1 * site.units) <= 5 * Math.sqrt(site.units * 0.09), JSON.stringify(site));
    }
    for (let i = 0; i < 10; i++) await browser.press('#dropout_p', 'ArrowRight');
    await until(browser, `${text('#dropout_p-value')} === '0.20'`, 'the dropout slider at 0.20');
    await until(browser, `[...document.querySelectorAll('#sites .site-which')].every((p) => p.textContent.includes('at r = 0.20'))`,
      'the masks re-read at r = 0.20');
    const higher = await sites();
    // The same draws at a higher p: every site drops at least what it did, and more in all.
    higher.forEach((site, i) => assert.ok(site.dropped >= atStep[i].dropped, `site ${i}: ${site.dropped} < ${atStep[i].dropped}`));
    assert.ok(higher.reduce((s, x) => s + x.dropped, 0) > atStep.reduce((s, x) => s + x.dropped, 0));
    await browser.click('#sample');
    await until(browser, `/^Drew “.+” \\(\\d+\\.\\d%\\), draw number 0 with seed 42\\.$/.test(${text('#announce')})`, 'the announcement');
    assert.equal(await browser.evaluate(count('#bars li.sampled')), 1);
    assert.equal(await browser.evaluate(`document.getElementById('message').hidden`), true);
    assert.deepEqual(await browser.errors(), []);
  });

  test('the two-model picture: once in view the two copies train by themselves and part, with a dart per seed on each strip', async () => {
    await browser.goto(BASE);
    await until(browser, `${text('#status')} === 'Ready.'`, 'the page to be ready');
    await browser.evaluate(`(document.getElementById('thesis-grid').scrollIntoView(), true)`);
    await until(browser, `Number(document.getElementById('thesis-grid').dataset.apart) > 1e-4`, 'the two models to part');
    assert.equal(await browser.evaluate(count('#thesis-grid .model-row .dart')), 4);
    // One seed, one u: the same dart on both strips.
    const us = await browser.evaluate(`['a', 'b'].map((r) => [...document.querySelectorAll(\`.model-row[data-row=\${r}] .dart\`)].map((d) => d.dataset.u).join())`);
    assert.equal(us[0], us[1]);
    // Their losses are measured every 10 steps, by a second worker where the machine has a core for it.
    await until(browser, `window.dropoutTopK.demo.views.thesis.models.every((m) => m.run.history.valid.some(([step, loss]) => step >= 10 && loss > 0))`,
      'a measured validation loss of each model');
    assert.equal(await browser.evaluate(`(navigator.hardwareConcurrency > 1) === (window.dropoutTopK.demo.training.measurer !== null)`), true);
    assert.deepEqual(await browser.errors(), []);
  });

  test('the element loaded from another origin (a CDN with CORS) shows bars and takes a step in its worker', async () => {
    await browser.goto(`${BASE}course-notes.html`);
    for (const host of ['#d', '#t']) {
      await until(browser, `(${inside(host, '#status')}?.textContent ?? '') === 'Ready.'`, `${host} to be ready`);
    }
    await until(browser, `${inside('#t', '#bars')}?.querySelectorAll('li.kept').length === 3`, 'three kept bars');
    await browser.evaluate(`${inside('#d', '#dropout-step')}.click()`);
    await until(browser, `(${inside('#d', '#dropout-steps')}?.textContent ?? '') === 'Step 1'`, 'step 1, taken in the worker');
    assert.equal(await browser.evaluate(`${inside('#d', '#message')}.hidden`), true);
    assert.deepEqual(await browser.errors(), []);
  });

  /**
   * Presses each of `selectors` at the first moment it can be pressed. A control the page
   * cannot serve yet must be disabled and the page must say that it is loading; once enabled, a
   * press is taken at once (the model may still be loading in the worker) and must not be lost.
   */
  async function firstMoment(selectors) {
    await until(browser, PRESSES.map((s) => `document.querySelector('${s}') !== null`).join(' && '), 'the buttons');
    const state = await browser.evaluate(`({ disabled: ${JSON.stringify(selectors)}.map((s) => document.querySelector(s).disabled),
      status: ${text('#status')}, model: ${text('#topk-model')} })`);
    console.log(`${browser.name}, first moment: ${selectors.map((s, i) => `${s} ${state.disabled[i] ? 'disabled' : 'enabled'}`).join(', ')}; ` +
      `status “${state.status}”`);
    if (state.disabled.some(Boolean)) {
      assert.match(`${state.status} ${state.model}`, /Loading/, 'a disabled control comes with a loading state');
    }
    for (const selector of selectors) {
      await until(browser, `${disabled(selector)} === false`, `${selector} to be enabled`);
      await browser.click(selector);
    }
  }
}

// The README's Jupyter snippet in a real JupyterLab (from PyPI, installed by scripts/jupyter.sh
// into target/jupyter-venv): the anywidget front end dist/widget.js, loaded from dist/ served with
// CORS on an origin of its own, as a reader's notebook would load it. Python moves the cut, Sample
// in the widget reaches Python as `w.last_sample`, the slider reaches Python, and keys pressed in
// the widget stay there instead of running JupyterLab's notebook shortcuts.
// A screenshot of the notebook is saved as test-results/screenshots/jupyter-notebook.png.
import { test, expect } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeSnippet } from './readme-snippets.mjs';
import { SETTINGS } from '../../www/state.js';
import { CHECK_ITEMS } from '../../www/check-view.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VENV = join(ROOT, 'target/jupyter-venv');
const SCREENSHOTS = join(ROOT, 'test-results/screenshots');
const PORT = Number(process.env.E2E_PORT ?? 8123);
/** dist/ served with CORS: the widget's module comes from another origin than the notebook's. */
const WIDGET_PORT = PORT + 4;
const JUPYTER_PORT = PORT + 5;
const JUPYTER = `http://127.0.0.1:${JUPYTER_PORT}`;
/** Where the README's snippet says the folder is served. */
const README_ESM = 'http://127.0.0.1:8000/widget.js';

/** Cold start on 2 cores: JupyterLab's page, a kernel, then the widget's wasm and weights. */
const START = 120_000; // ms
/** A cell's run: a kernel round trip (the widget's first render also fetches its modules). */
const RUN = 30_000; // ms

let dir;
let widgetServer;
let jupyter;

/**
 * A widget class that declares a trait for every setting of state.js, under its name, with its
 * default (each setting's type as Python's traitlets spells it), and one such widget `w`.
 */
function everyTrait() {
  const python = (value) => (typeof value === 'boolean' ? (value ? 'True' : 'False') : JSON.stringify(value));
  const lines = Object.entries(SETTINGS).map(([name, spec]) => {
    let kind = 'Unicode';
    if (spec.list) kind = 'List';
    else if (typeof spec.default === 'boolean') kind = 'Bool';
    else if (typeof spec.default === 'number') kind = spec.step === 1 ? 'Int' : 'Float';
    return `    ${name} = traitlets.${kind}(${python(spec.default)}).tag(sync=True)`;
  });
  return `class Every(DropoutTopK):\n${lines.join('\n')}\n\nw = Every(lang='en')\nw`;
}

/** Every setting the top-k widget shows, set from Python at once, then the dropout view's. */
const TRAIT_VALUES = { k: 5, temperature: 0.7, sampler: 'top_p', top_p: 0.8, hide: ['explain'], dropout_p: 0.3, overfit_p: 0.5,
  mc_dropout: true, lang: 'ja' };
const TRAIT_CELL = Object.entries(TRAIT_VALUES).map(([name, value]) => `w.${name} = ${typeof value === 'boolean' ? 'True' : JSON.stringify(value)}`).join('\n');

/** The learning check as a widget whose `answers` Python reads (a read-only list). */
const CHECK_CLASS = `class Check(DropoutTopK):
    answers = traitlets.List(read_only=True).tag(sync=True)

c = Check(view='check', lang='en')
c`;

/** A notebook (nbformat 4) of code cells with these sources, never run. */
function notebook(cells) {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
      language_info: { name: 'python' },
    },
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  }, null, 1);
}

/** Starts `command` in a process group of its own, its output in `log` (shown if it stops). */
function start(command, args, { env = process.env, log }) {
  const out = openSync(log, 'w');
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.log = log;
  return child;
}

/** Waits until `url` answers 200, failing at once if `child` stops. */
async function answers(child, url, timeout) {
  await expect.poll(async () => {
    if (child.exitCode !== null) throw new Error(`${child.spawnargs.join(' ')} stopped:\n${readFileSync(child.log, 'utf8')}`);
    return fetch(url).then((r) => r.status, () => 0);
  }, { timeout, message: `${url} answers` }).toBe(200);
}

/** Ends `child`'s process group: SIGTERM first (Jupyter then shuts its kernels down), SIGKILL after 10 s. */
async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  const signal = (name) => { try { process.kill(-child.pid, name); } catch { /* the group is gone */ } };
  signal('SIGTERM');
  const killer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

/** Kernels still running from this run's runtime folder (the server was killed before it could stop them). */
function strayKernels(runtime) {
  const pids = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runtime)) pids.push(Number(pid));
    } catch { /* gone meanwhile */ }
  }
  return pids;
}

test.beforeAll(async () => {
  if (!existsSync(join(VENV, 'bin/jupyter'))) {
    throw new Error('target/jupyter-venv is missing: run scripts/jupyter.sh (JupyterLab and anywidget from PyPI)');
  }
  if (!existsSync(join(ROOT, 'dist/widget.js'))) throw new Error('dist/widget.js is missing: run scripts/dist.sh');
  const snippet = readmeSnippet('jupyter');
  if (!snippet.includes(README_ESM)) throw new Error(`the README's jupyter snippet no longer loads ${README_ESM}`);
  const widget = snippet.replace(README_ESM, `http://127.0.0.1:${WIDGET_PORT}/widget.js`);

  // Everything Jupyter and IPython write goes to a folder of this run, never the user's own.
  dir = mkdtempSync(join(tmpdir(), 'dropout-topk-jupyter-'));
  const folders = Object.fromEntries(['notebooks', 'config', 'data', 'runtime', 'ipython', 'home', 'settings', 'workspaces']
    .map((name) => [name, join(dir, name)]));
  for (const folder of Object.values(folders)) mkdirSync(folder);
  writeFileSync(join(folders.notebooks, 'widget.ipynb'), notebook([widget, 'w.k = 5', 'w.last_sample', 'w.k']));
  writeFileSync(join(folders.notebooks, 'keys.ipynb'), notebook([widget, 'w.k, w.prompt']));
  writeFileSync(join(folders.notebooks, 'check.ipynb'), notebook([`${widget}\n${CHECK_CLASS}`, 'c.answers']));
  writeFileSync(join(folders.notebooks, 'traits.ipynb'), notebook([`${widget}\n${everyTrait()}`,
    "w.prompt = 'Once upon a '\nw.seed = 7", TRAIT_CELL, "d = Every(view='dropout', lang='en')\nd", "d.mode = 'eval'"]));
  // User settings: no prompt about Jupyter news, every cell rendered (no windowing) so each is in the DOM.
  const settings = (plugin, values) => {
    mkdirSync(join(folders.settings, '@jupyterlab', plugin.split(':')[0]), { recursive: true });
    writeFileSync(join(folders.settings, '@jupyterlab', `${plugin.replace(':', '/')}.jupyterlab-settings`), JSON.stringify(values));
  };
  settings('apputils-extension:notification', { fetchNews: 'false', checkForUpdates: false });
  settings('notebook-extension:tracker', { windowingMode: 'none' });

  widgetServer = start('python3', ['scripts/serve.py', String(WIDGET_PORT), '--quiet', '--dir', 'dist', '--cors'],
    { log: join(dir, 'widget-server.log') });
  const env = {
    ...process.env,
    PATH: `${join(VENV, 'bin')}:${process.env.PATH}`,
    VIRTUAL_ENV: VENV,
    HOME: folders.home,
    JUPYTER_CONFIG_DIR: folders.config,
    JUPYTER_DATA_DIR: folders.data,
    JUPYTER_RUNTIME_DIR: folders.runtime,
    JUPYTER_PLATFORM_DIRS: '1',
    IPYTHONDIR: folders.ipython,
    PYTHONNOUSERSITE: '1',
  };
  const started = Date.now();
  jupyter = start(join(VENV, 'bin/jupyter'), [
    'lab', '--no-browser', '--ip=127.0.0.1', `--port=${JUPYTER_PORT}`, '--port-retries=0', '--allow-root',
    `--ServerApp.root_dir=${folders.notebooks}`,
    // Open to anyone on this machine for the run: no token, no password, no XSRF check.
    '--IdentityProvider.token=', '--ServerApp.disable_check_xsrf=True',
    // Nothing fetched from outside (this network refuses it) and nothing to ask the reader.
    '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    '--LabApp.extension_manager=readonly', '--ServerApp.terminals_enabled=False',
    `--LabApp.user_settings_dir=${folders.settings}`, `--LabApp.workspaces_dir=${folders.workspaces}`,
  ], { env, log: join(dir, 'jupyter.log') });
  await answers(widgetServer, `http://127.0.0.1:${WIDGET_PORT}/widget.js`, 10_000);
  await answers(jupyter, `${JUPYTER}/api/status`, START);
  console.log(`JupyterLab answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test.afterAll(async () => {
  await stop(jupyter);
  await stop(widgetServer);
  if (!dir) return;
  for (const pid of strayKernels(join(dir, 'runtime'))) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test.use({ viewport: { width: 1280, height: 1000 } });

/**
 * Opens `name` in JupyterLab and returns its cells and `run(i)`, which runs cell i with Ctrl+Enter
 * (in place: no cell is added) and waits for its execution count. Console errors, uncaught
 * exceptions and failed requests are collected in `errors`.
 */
async function openNotebook(page, name) {
  // JupyterLab 4.6 itself logs no error and has no failed request on this page, so none is filtered.
  const errors = [];
  page.on('response', (response) => { if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`); });
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  // `reset`: a fresh layout, without the notebooks an earlier test left open.
  await page.goto(`${JUPYTER}/lab/tree/${name}?reset`);
  const panel = page.locator('.jp-NotebookPanel').filter({ visible: true });
  const cells = panel.locator('.jp-Notebook .jp-Cell');
  // The notebook's kernel is up and idle: a cell run now is not lost to a page still starting.
  await expect(panel.locator('[data-jp-item-name="kernelName"]')).toHaveText('Python 3 (ipykernel)', { timeout: START });
  await expect(panel.locator('.jp-Notebook-ExecutionIndicator')).toHaveAttribute('data-status', 'idle', { timeout: START });
  let count = 0;
  async function run(i) {
    const cell = cells.nth(i);
    const prompt = cell.locator('.jp-InputPrompt');
    const before = await prompt.textContent();
    // A press taken shows at once as "[*]:" (queued or running) or as the new count.
    await expect(async () => {
      await cell.locator('.cm-content').click();
      await page.keyboard.press('ControlOrMeta+Enter');
      await expect(prompt).not.toHaveText(before, { timeout: 2_000 });
    }).toPass({ timeout: RUN });
    count += 1;
    await expect(prompt).toHaveText(`[${count}]:`, { timeout: RUN });
    return cell.locator('.jp-OutputArea-output');
  }
  return { errors, cells, run };
}

/** Waits until the widget in `cell`'s output has started, and returns it. */
async function widgetIn(cell) {
  const widget = cell.locator('dropout-topk');
  await expect(widget.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: START });
  return widget;
}

/** The probabilities before the cut of the kept bars and of the first cut bar, from most likely. */
function cutOf(widget) {
  return widget.locator('#bars li:not(.cutline)').evaluateAll((lis) => ({
    kept: lis.filter((li) => li.classList.contains('kept')).map((li) => Number(li.dataset.original)),
    firstCut: lis.filter((li) => li.classList.contains('cut')).map((li) => Number(li.dataset.original))[0],
  }));
}

/** A Python literal (a cell's text/plain output) as JSON, read by Python itself. */
function pythonValue(text) {
  const json = execFileSync(join(VENV, 'bin/python'), ['-c', 'import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.read())))'],
    { input: text, encoding: 'utf8' });
  return JSON.parse(json);
}

/** How the bars write a character (format.js tokenLabel). */
const label = (ch) => ({ ' ': '␣', '\n': '↵' })[ch] ?? ch;

test('the README widget in JupyterLab: Python moves the cut, Sample reaches w.last_sample, the slider reaches w.k', async ({ page }) => {
  test.setTimeout(240_000);
  const { errors, cells, run } = await openNotebook(page, 'widget.ipynb');
  await run(0);
  const widget = await widgetIn(cells.nth(0));
  await expect(widget.locator('#k')).toHaveValue('3');

  // Python -> page: `w.k = 5` moves the slider and the cut (five bars, more only if tied with the fifth).
  await run(1);
  await expect(widget.locator('#k')).toHaveValue('5');
  await expect.poll(async () => (await cutOf(widget)).kept.length, { timeout: RUN }).toBeGreaterThanOrEqual(5);
  const { kept, firstCut } = await cutOf(widget);
  for (const p of kept.slice(5)) expect(p).toBe(kept[4]);
  expect(firstCut).toBeLessThan(kept[4]);

  // Page -> Python: Sample draws a character, and `w.last_sample` is that draw.
  await widget.locator('#sample').click();
  const sampled = widget.locator('#bars li.sampled');
  await expect(sampled).toHaveCount(1);
  const shown = { index: Number(await sampled.getAttribute('data-index')), tok: await sampled.locator('.tok').textContent(),
    probability: Number(await sampled.getAttribute('data-prob')) };
  await expect(widget.locator('#announce')).toContainText(`Drew “${shown.tok}”`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await widget.locator('#bars').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'jupyter-notebook.png') });

  const output = await run(2);
  const last = pythonValue(await output.first().textContent());
  expect(label(last.char)).toBe(shown.tok);
  expect(last.index).toBe(shown.index);
  expect(last.probability).toBeGreaterThan(0);
  expect(last.probability).toBeLessThanOrEqual(1);
  expect(last.probability).toBeCloseTo(shown.probability, 6);
  expect(last.u).toBeGreaterThanOrEqual(0);
  expect(last.u).toBeLessThan(1);
  expect(last.settings.k).toBe(5);
  expect(last.settings.seed).toBe(42);

  // Page -> Python: the slider moved with the keyboard is the new `w.k`.
  await widget.locator('#k').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(widget.locator('#k')).toHaveValue('4');
  await expect(await run(3)).toHaveText('4');
  expect(errors).toEqual([]);
});

test('keys pressed in the widget stay in it: JupyterLab\'s notebook shortcuts do not fire', async ({ page }) => {
  test.setTimeout(240_000);
  const { errors, cells, run } = await openNotebook(page, 'keys.ipynb');
  await run(0);
  const widget = await widgetIn(cells.nth(0));
  await expect(cells).toHaveCount(2);
  const slider = widget.locator('#k');
  await slider.focus();
  // In command mode these move between cells (arrows) or collapse headings (left, right).
  for (const [key, value] of [['ArrowRight', '4'], ['ArrowUp', '5'], ['ArrowLeft', '4'], ['ArrowDown', '3']]) {
    await page.keyboard.press(key);
    await expect(slider, `${key} on the k slider`).toHaveValue(value);
  }
  await expect(slider).toBeFocused();
  // A, B insert cells, M makes this cell Markdown, X cuts it: none may happen while the widget has focus.
  await widget.locator('#sample').focus();
  for (const key of ['a', 'b', 'm', 'x']) await page.keyboard.press(key);
  await page.keyboard.press('Enter');
  await expect(widget.locator('#bars li.sampled')).toHaveCount(1);
  // Typed into the prompt, letters are text (C copies the cell, A inserts one, M makes it Markdown).
  // JupyterLab's own guard for text fields misses one reached from another control of the widget.
  const prompt = widget.locator('#prompt');
  await prompt.focus();
  await page.keyboard.press('End');
  await page.keyboard.type('boats');
  await expect(prompt).toHaveValue('Mara walks to the boats');
  await expect(cells).toHaveCount(2);
  await expect(cells.nth(0)).toHaveClass(/jp-CodeCell/);
  const output = await run(1);
  expect(pythonValue(await output.first().textContent())).toEqual([3, 'Mara walks to the boats']);
  expect(errors).toEqual([]);
});

test('settings set as traits do what their controls do: the prompt and seed boxes, the draws forgotten, eval pauses', async ({ page }) => {
  test.setTimeout(300_000);
  const { errors, cells, run } = await openNotebook(page, 'traits.ipynb');
  await run(0);
  const w = await widgetIn(cells.nth(0));
  // A generation and a draw, which a new prompt and a new seed must undo.
  await w.locator('#generate').click();
  await expect(w.locator('#generated .gen')).toHaveCount(80, { timeout: RUN });
  await w.locator('#sample').click();
  await expect(w.locator('#bars li.sampled')).toHaveCount(1);
  await run(1);
  await expect(w.locator('#prompt')).toHaveValue('Once upon a ');
  await expect(w.locator('#seed')).toHaveValue('7');
  await expect(w.locator('#generated .gen')).toHaveCount(0);
  await expect(w.locator('#topk-context')).toContainText('Once upon a');
  await expect(w.locator('#bars li.sampled')).toHaveCount(0);
  await expect(w.locator('#strip-text')).toHaveText('Press Sample: a seeded number u from 0 to 1 lands in one stretch.');
  // Every other setting the widget shows, from Python: the element and its controls follow.
  await run(2);
  for (const [name, value] of Object.entries(TRAIT_VALUES)) {
    await expect.poll(() => w.evaluate((el, n) => el[n], name), { timeout: RUN, message: name }).toEqual(value);
  }
  await expect(w.locator('#k')).toHaveValue('5');
  await expect(w.locator('#temperature')).toHaveValue('0.7');
  await expect(w.locator('#top_p')).toHaveValue('0.8');
  await expect(w.locator('input[name="sampler"][value="top_p"]')).toBeChecked();
  await expect(w.locator('#topk-view .explain')).toBeHidden();
  await expect(w.locator('#generate')).toHaveText('生成'); // in Japanese now
  // The dropout view: Play, then `d.mode = 'eval'` from Python stops the training.
  await run(3);
  const d = await widgetIn(cells.nth(3));
  await d.locator('#dropout-play').click();
  await expect.poll(() => d.evaluate((el) => el.demo.views.dropout.run.steps), { timeout: RUN }).toBeGreaterThan(2);
  await run(4);
  await expect(d.locator('input[name="mode"][value="eval"]')).toBeChecked();
  await expect(d.locator('#dropout-play')).toHaveAttribute('aria-pressed', 'false');
  const stopped = await d.evaluate(async (el) => {
    const { demo: app } = el;
    const steps = () => app.views.dropout.run.steps;
    // Round trips to the worker: every step it took before the pause has been reported.
    await app.training.memory();
    const first = steps();
    await app.training.memory();
    await app.training.memory();
    return { playing: app.views.dropout.run.playing, first, later: steps() };
  });
  expect(stopped.playing).toBe(false);
  expect(stopped.later).toBe(stopped.first);
  expect(errors).toEqual([]);
});

test('the learning check in a notebook: each answer reaches Python as w.answers', async ({ page }) => {
  test.setTimeout(240_000);
  const { errors, cells, run } = await openNotebook(page, 'check.ipynb');
  await run(0);
  const c = await widgetIn(cells.nth(0));
  const [first, second] = CHECK_ITEMS;
  await c.locator(`.check-item[data-item="${first.id}"] input[value="${first.answer}"]`).check();
  const wrong = ['a', 'b', 'c', 'd'].find((key) => key !== second.answer);
  await c.locator(`.check-item[data-item="${second.id}"] input[value="${wrong}"]`).check();
  await expect(c.locator('.check-item .answer')).toHaveCount(2);
  const answers = pythonValue(await (await run(1)).first().textContent());
  expect(answers.map(({ item, phase, choice, correct }) => ({ item, phase, choice, correct }))).toEqual([
    { item: first.id, phase: 'before', choice: first.answer, correct: true },
    { item: second.id, phase: 'before', choice: wrong, correct: false },
  ]);
  for (const answer of answers) expect(answer.ms).toBeGreaterThanOrEqual(0);
  expect(errors).toEqual([]);
});

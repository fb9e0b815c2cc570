// The package in a real JupyterLab: scripts/notebook.sh installs the wheel `make dist` wrote into a
// fresh venv (target/notebook-venv) with JupyterLab and anywidget from PyPI, and the notebooks run
// the README's three lines. The widget's module, wasm, weights and worker all come from the wheel:
// the browser resolves no host name and is refused every origin but the notebook server's, and the
// server and kernels reach nothing outside this machine. Python moves the cut, Sample in the widget
// and `w.sample()` reach Python as `w.last_sample`, `w.step()` takes a step whose masks show,
// the slider reaches Python, and keys pressed in the widget stay there.
// Screenshots: test-results/screenshots/jupyter-notebook.png and jupyter-dropout.png.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeSnippet } from './readme-snippets.mjs';
import { SETTINGS } from '../../www/state.js';
import { CHECK_ITEMS } from '../../www/check-view.js';
import { OFFLINE_ARGS, SCREENSHOTS, VENV, answers, expectCut, killStrays, pythonValue, requireVenv, scratch, serverEnv, start, stop,
  watch } from './notebook-tools.mjs';

const PORT = Number(process.env.E2E_PORT ?? 8123);
const JUPYTER_PORT = PORT + 5;
const JUPYTER = `http://127.0.0.1:${JUPYTER_PORT}`;

/** Cold start on 2 cores: JupyterLab's page, a kernel, then the widget's wasm and weights. */
const START = 120_000; // ms
/** A cell's run: a kernel round trip. */
const RUN = 30_000; // ms

let dir;
let jupyter;

/** Every setting the top-k widget shows, set from Python at once. */
const TRAIT_VALUES = { k: 5, temperature: 0.7, sampler: 'top_p', top_p: 0.8, hide: ['explain'], dropout_p: 0.3, overfit_p: 0.5,
  mc_dropout: true, lang: 'ja' };
const TRAIT_CELL = Object.entries(TRAIT_VALUES).map(([name, value]) => `w.${name} = ${typeof value === 'boolean' ? 'True' : JSON.stringify(value)}`).join('\n');

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

test.use({ viewport: { width: 1280, height: 1000 }, launchOptions: { executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', ...OFFLINE_ARGS] } });

test.beforeAll(async () => {
  requireVenv();
  const snippet = readmeSnippet('jupyter');
  // Everything Jupyter and IPython write goes to a folder of this run, never the user's own.
  let folders;
  ({ dir, folders } = scratch('dropout-topk-jupyter-', ['notebooks', 'config', 'data', 'runtime', 'ipython', 'home', 'settings', 'workspaces']));
  writeFileSync(join(folders.notebooks, 'widget.ipynb'), notebook([snippet, 'w.k = 3', 'w.last_sample', 'w.k']));
  writeFileSync(join(folders.notebooks, 'keys.ipynb'), notebook(['from dropout_topk import Demo\nw = Demo()\nw', 'w.k, w.prompt']));
  writeFileSync(join(folders.notebooks, 'check.ipynb'), notebook(["from dropout_topk import Demo\nc = Demo(view='check', lang='en')\nc", 'c.answers']));
  writeFileSync(join(folders.notebooks, 'traits.ipynb'), notebook(["from dropout_topk import Demo\nw = Demo(lang='en')\nw",
    "w.prompt = 'Once upon a '\nw.seed = 7", TRAIT_CELL, "d = Demo(view='dropout', lang='en')\nd", "d.mode = 'eval'"]));
  writeFileSync(join(folders.notebooks, 'methods.ipynb'), notebook([snippet, 'w.sample()', 'w.last_sample',
    "w.view = 'dropout'\nw.step()"]));
  // User settings: no prompt about Jupyter news, every cell rendered (no windowing) so each is in the DOM.
  const settings = (plugin, values) => {
    mkdirSync(join(folders.settings, '@jupyterlab', plugin.split(':')[0]), { recursive: true });
    writeFileSync(join(folders.settings, '@jupyterlab', `${plugin.replace(':', '/')}.jupyterlab-settings`), JSON.stringify(values));
  };
  settings('apputils-extension:notification', { fetchNews: 'false', checkForUpdates: false });
  settings('notebook-extension:tracker', { windowingMode: 'none' });

  const env = serverEnv(folders.home, {
    JUPYTER_CONFIG_DIR: folders.config,
    JUPYTER_DATA_DIR: folders.data,
    JUPYTER_RUNTIME_DIR: folders.runtime,
    JUPYTER_PLATFORM_DIRS: '1',
    IPYTHONDIR: folders.ipython,
  });
  const started = Date.now();
  jupyter = start(join(VENV, 'bin/jupyter'), [
    'lab', '--no-browser', '--ip=127.0.0.1', `--port=${JUPYTER_PORT}`, '--port-retries=0', '--allow-root',
    `--ServerApp.root_dir=${folders.notebooks}`,
    // Open to anyone on this machine for the run: no token, no password, no XSRF check.
    '--IdentityProvider.token=', '--ServerApp.disable_check_xsrf=True',
    // Nothing fetched from outside and nothing to ask the reader.
    '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    '--LabApp.extension_manager=readonly', '--ServerApp.terminals_enabled=False',
    `--LabApp.user_settings_dir=${folders.settings}`, `--LabApp.workspaces_dir=${folders.workspaces}`,
  ], { env, log: join(dir, 'jupyter.log') });
  await answers(jupyter, `${JUPYTER}/api/status`, START);
  console.log(`JupyterLab answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test.afterAll(async () => {
  await stop(jupyter);
  if (!dir) return;
  killStrays(join(dir, 'runtime'));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Opens `name` in JupyterLab and returns its cells and `run(i)`, which runs cell i with Ctrl+Enter
 * (in place: no cell is added) and waits for its execution count. Console errors, uncaught
 * exceptions and failed requests are collected in `errors`; requests to other hosts in `refused`.
 */
async function openNotebook(page, name) {
  // JupyterLab 4.6 itself logs no error and has no failed request on this page, so none is filtered.
  const { errors, refused } = await watch(page, JUPYTER);
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
  return { errors, refused, cells, run };
}

/** Waits until the widget in `cell`'s output has started, and returns it. */
async function widgetIn(cell) {
  const widget = cell.locator('dropout-topk');
  await expect(widget.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: START });
  return widget;
}

/** How the bars write a character (format.js tokenLabel). */
const label = (ch) => ({ ' ': '␣', '\n': '↵' })[ch] ?? ch;

test('the package declares every setting of state.js as a trait, with its default, and refuses a value out of range or too long', () => {
  const script = `
import json, traitlets
from dropout_topk import Demo
w = Demo()
out = {name: getattr(w, name) for name in Demo.class_own_traits(sync=lambda v: v)}
try:
    w.k = 0
    out['refused'] = None
except traitlets.TraitError as err:
    out['refused'] = str(err)
try:
    w.prompt = 'x' * 501
    out['long'] = None
except traitlets.TraitError as err:
    out['long'] = str(err)
print(json.dumps(out))`;
  const traits = JSON.parse(execFileSync(join(VENV, 'bin/python'), ['-c', script], { encoding: 'utf8' }));
  expect(Object.keys(traits).sort()).toEqual([...Object.keys(SETTINGS), 'last_sample', 'answers', 'refused', 'long'].sort());
  for (const [name, spec] of Object.entries(SETTINGS)) {
    // lang is None until set: the widget then speaks the reader's browser language.
    expect(traits[name], name).toEqual(name === 'lang' ? null : spec.default);
  }
  expect(traits.last_sample).toBeNull();
  expect(traits.answers).toEqual([]);
  expect(traits.refused).toMatch(/'k' trait .* should not be less than 1/);
  expect(traits.long).toBe(`The 'prompt' trait takes at most ${SETTINGS.prompt.maxLength} characters, not 501.`);
});

test('the README\'s three lines in JupyterLab, offline: five kept bars, Python moves the cut, Sample reaches w.last_sample, the slider reaches w.k', async ({ page }) => {
  test.setTimeout(240_000);
  const { errors, refused, cells, run } = await openNotebook(page, 'widget.ipynb');
  await run(0);
  const widget = await widgetIn(cells.nth(0));
  // `Demo(view="topk", k=5)`: five bars kept (more only if tied with the fifth).
  await expect(widget.locator('#k')).toHaveValue('5');
  await expectCut(widget, 5, RUN);

  // Python -> page: `w.k = 3` moves the slider and the cut.
  await run(1);
  await expect(widget.locator('#k')).toHaveValue('3');
  await expectCut(widget, 3, RUN);

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
  expect(last.settings.k).toBe(3);
  expect(last.settings.seed).toBe(42);

  // Page -> Python: the slider moved with the keyboard is the new `w.k`.
  await widget.locator('#k').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(widget.locator('#k')).toHaveValue('2');
  await expect(await run(3)).toHaveText('2');
  expect(errors).toEqual([]);
  expect(refused).toEqual([]);
});

test('w.sample() draws as Sample does, and w.view = "dropout" then w.step() shows the masks of one step', async ({ page }) => {
  test.setTimeout(240_000);
  const { errors, refused, cells, run } = await openNotebook(page, 'methods.ipynb');
  await run(0);
  const widget = await widgetIn(cells.nth(0));
  await run(1);
  const sampled = widget.locator('#bars li.sampled');
  await expect(sampled).toHaveCount(1, { timeout: RUN });
  const index = Number(await sampled.getAttribute('data-index'));
  const last = pythonValue(await (await run(2)).first().textContent());
  expect(last.index).toBe(index);
  expect(last.settings.k).toBe(5);

  // A new view rebuilds the widget in place; the step waits for it to be ready.
  await run(3);
  await expect(widget.locator('#dropout-view')).toBeVisible({ timeout: START });
  await expect(widget.locator('#topk-view')).toHaveCount(0);
  await expect(widget.locator('#dropout-steps')).toHaveText('Step 1', { timeout: RUN });
  // Every dropout site shows the mask that step applied, at the default rate: some units dropped.
  const sites = widget.locator('#sites article.site');
  await expect(sites).toHaveCount(7);
  await expect(sites.locator('.site-which')).toContainText(Array(7).fill('The mask step 1 applied, at r = 0.10'));
  const dropped = await sites.evaluateAll((cards) => cards.map((c) => Number(c.dataset.dropped)));
  expect(dropped.reduce((a, b) => a + b)).toBeGreaterThan(0);
  await sites.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'jupyter-dropout.png') });
  expect(errors).toEqual([]);
  expect(refused).toEqual([]);
});

test('keys pressed in the widget stay in it: JupyterLab\'s notebook shortcuts do not fire', async ({ page }) => {
  test.setTimeout(240_000);
  const { errors, refused, cells, run } = await openNotebook(page, 'keys.ipynb');
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
  expect(refused).toEqual([]);
});

test('settings set as traits do what their controls do: the prompt and seed boxes, the draws forgotten, eval pauses', async ({ page }) => {
  test.setTimeout(300_000);
  const { errors, refused, cells, run } = await openNotebook(page, 'traits.ipynb');
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
  // Two widgets of the page share one training worker: the second reused the first one's files.
  expect(await page.evaluate(() => {
    const [first, second] = document.querySelectorAll('dropout-topk');
    return Boolean(first.demo.training) && first.demo.training === second.demo.training;
  })).toBe(true);
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
  expect(refused).toEqual([]);
});

test('the learning check in a notebook: each answer reaches Python as w.answers', async ({ page }) => {
  test.setTimeout(240_000);
  const { errors, refused, cells, run } = await openNotebook(page, 'check.ipynb');
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
  expect(refused).toEqual([]);
});

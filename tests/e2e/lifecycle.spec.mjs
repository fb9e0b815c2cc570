// The element keeps its word. A setting has the same effect however it is set (its control, a
// link, an attribute, a property); an element that is removed lets go of everything it made;
// Reset builds the demo afresh in place; a burst of slider events queues at most one refresh per
// view in the worker; Play pressed while a model loads trains at the rate shown.
import { test, expect } from '@playwright/test';
import { SETTINGS } from '../../www/state.js';
import { openHost } from './cycles.mjs';

/**
 * Every setting of state.js, a value other than its default, the view that shows it, how its
 * control sets it (none: the setting has no control), and what is done before it is set, so
 * that the setting must undo it (a generation, a draw, a model that plays).
 */
const TABLE = {
  view: { value: 'dropout', view: 'topk', control: null },
  k: { value: 5, view: 'topk', control: { slider: 'k' } },
  temperature: { value: 0.7, view: 'topk', control: { slider: 'temperature' } },
  sampler: { value: 'top_p', view: 'topk', control: { radio: 'sampler' } },
  top_p: { value: 0.8, view: 'topk', control: { slider: 'top_p' } },
  prompt: { value: 'Once upon a ', view: 'topk', control: { text: 'prompt', event: 'input' }, before: 'generate' },
  seed: { value: 7, view: 'topk', control: { text: 'seed', event: 'change' }, before: 'sample' },
  hide: { value: ['seed', 'explain'], view: 'topk', control: null },
  dropout_p: { value: 0.3, view: 'dropout', control: { slider: 'dropout_p' } },
  mode: { value: 'eval', view: 'dropout', control: { radio: 'mode' }, before: 'play' },
  overfit_p: { value: 0.5, view: 'overfit', control: { slider: 'overfit_p' } },
  mc_dropout: { value: true, view: 'contrast', control: { check: 'mc_dropout' } },
  backend: { value: 'ndarray', view: 'topk', control: null },
  lang: { value: 'ja', view: 'topk', control: { select: 'lang' } },
  phase: { value: 'after', view: 'check', control: { radio: 'phase' } },
};

const text = (value) => (Array.isArray(value) ? value.join(',') : String(value));

/** The document's demo or the element's, in the page. */
const DEMO = `(root) => (root.host ? root.host.demo : window.dropoutTopK?.demo)`;

/** The root (document, or the element's shadow root) as a handle. */
async function rootHandle(page, where) {
  return page.evaluateHandle((w) => (w === 'element' ? document.querySelector('dropout-topk').shadowRoot : document), where);
}

/** Waits until the demo in `where` runs, its texts are written and no render is pending. */
async function settle(page, where) {
  await page.waitForFunction((w) => {
    const r = w === 'element' ? document.querySelector('dropout-topk')?.shadowRoot : document;
    return r?.getElementById('status')?.dataset.i18n === 'app.ready';
  }, where, { timeout: 60_000 });
  const root = await rootHandle(page, where);
  await root.evaluate(async (r, demoSource) => {
    const demo = eval(demoSource)(r); // eslint-disable-line no-eval
    await demo.translated;
    while (demo.timing.rendersPending()) await new Promise(requestAnimationFrame);
    await new Promise(requestAnimationFrame);
  }, DEMO);
}

/**
 * What the reader sees of `view`: every control's value, state and spoken value, which controls
 * are hidden, which disclosures are open, the bars, the draw strip's text, the quoted context and
 * the generated text, and the settings. Left out: what changes with time (training progress, the
 * two-model picture, which trains by itself).
 */
function snapshot(page, where, view) {
  return rootHandle(page, where).then((root) => root.evaluate((r, { view, demoSource }) => {
    const demo = eval(demoSource)(r); // eslint-disable-line no-eval
    const section = r.getElementById(`${view}-view`);
    const visible = (el) => !el.closest('#thesis-view');
    const out = { settings: JSON.parse(JSON.stringify(demo.state)) };
    for (const el of section.querySelectorAll('input, select, textarea, output')) {
      if (!visible(el)) continue;
      const key = el.id || `${el.name}=${el.value}`;
      out[key] = el.type === 'radio' || el.type === 'checkbox'
        ? { checked: el.checked, disabled: el.disabled }
        : { value: el.value, spoken: el.getAttribute('aria-valuetext'), disabled: el.disabled, max: el.max ?? null };
    }
    for (const el of section.querySelectorAll('button[id]')) {
      if (visible(el)) out[el.id] = { disabled: el.disabled, pressed: el.getAttribute('aria-pressed'), hidden: el.hidden };
    }
    out.hidden = [...section.querySelectorAll('[data-control]')].filter(visible).map((el) => `${el.dataset.control}:${el.hidden}`);
    out.open = [...section.querySelectorAll('details')].filter(visible).map((d) => d.open);
    for (const id of ['bars', 'strip-text', 'topk-context', 'generated', 'contrast-bars']) {
      const el = r.getElementById(id);
      if (el && section.contains(el)) out[id] = el.textContent.replace(/\s+/g, ' ').trim();
    }
    return out;
  }, { view, demoSource: DEMO }));
}

/** The action a setting must undo, done as a reader would. */
async function before(page, where, action) {
  const root = await rootHandle(page, where);
  const $ = (id) => page.locator(where === 'element' ? `dropout-topk #${id}` : `#${id}`);
  if (action === 'generate') {
    await $('generate').click();
    await expect.poll(() => root.evaluate((r) => r.getElementById('generated').querySelectorAll('.gen').length)).toBe(80);
  } else if (action === 'sample') {
    await $('sample').click();
    await expect($('strip-text')).not.toHaveText('');
    await expect.poll(() => root.evaluate((r) => r.querySelectorAll('#bars li.sampled').length)).toBe(1);
  } else if (action === 'play') {
    await $('dropout-play').click();
    await expect.poll(() => root.evaluate((r) => (r.host ? r.host.demo : window.dropoutTopK.demo).views.dropout.run.steps)).toBeGreaterThan(2);
  }
}

/**
 * Opens the disclosure that holds the setting's control, as a reader who wants to see it does
 * (done on every path alike, so only the setting differs).
 */
async function openDisclosure(page, where, name) {
  const { control } = TABLE[name];
  if (!control) return;
  const id = control.slider ?? control.check ?? control.select ?? control.text;
  const root = await rootHandle(page, where);
  await root.evaluate((r, selector) => {
    const details = r.querySelector(selector)?.closest('details');
    if (details) details.open = true;
  }, control.radio ? `input[name="${control.radio}"]` : `#${id}`);
}

/** Sets `name` by its control, as a reader does. */
async function byControl(page, name, value) {
  const { control } = TABLE[name];
  if (control.slider) {
    await page.evaluate(({ id, v }) => {
      const input = document.getElementById(id);
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, { id: control.slider, v: value });
  } else if (control.radio) {
    await page.locator(`input[name="${control.radio}"][value="${value}"]`).check();
  } else if (control.check) {
    await page.locator(`#${control.check}`).setChecked(Boolean(value));
  } else if (control.select) {
    await page.locator(`#${control.select}`).selectOption(text(value));
  } else {
    await page.locator(`#${control.text}`).fill(text(value));
    await page.locator(`#${control.text}`).dispatchEvent(control.event);
  }
}

/** The settings of one view's group, in the table's order. */
const groups = {};
for (const [name, row] of Object.entries(TABLE)) (groups[row.view] ??= []).push(name);

test('the table covers every setting of state.js', () => {
  expect(Object.keys(TABLE).sort()).toEqual(Object.keys(SETTINGS).sort());
  for (const [name, row] of Object.entries(TABLE)) expect(row.value, name).not.toEqual(SETTINGS[name].default);
});

for (const [name, row] of Object.entries(TABLE)) {
  test(`${name}: a link, an attribute and a property give the page its control gives`, async ({ page }) => {
    test.setTimeout(120_000);
    const errors = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    const sectionOf = name === 'view' ? row.value : row.view;
    // Lang's control is the full page's language menu; every other control is in its view.
    const pageUrl = (settings = {}) => {
      const query = new URLSearchParams({ ...(name === 'lang' ? {} : { view: row.view }), lang: 'en', ...settings });
      return `${name === 'lang' ? '/' : '/embed.html'}?${query}`;
    };
    const results = {};

    // By link.
    await page.goto(pageUrl({ [name]: text(row.value) }));
    await settle(page, 'document');
    await openDisclosure(page, 'document', name);
    results.link = await snapshot(page, 'document', sectionOf);

    // By its control, after the action it must undo.
    if (row.control) {
      await page.goto(pageUrl());
      await settle(page, 'document');
      if (row.before) await before(page, 'document', row.before);
      await openDisclosure(page, 'document', name);
      await byControl(page, name, row.value);
      await settle(page, 'document');
      results.control = await snapshot(page, 'document', sectionOf);
    }

    // On an element: by attribute, then by property, each after the same action.
    for (const how of ['attribute', 'property']) {
      await openHost(page, `/lifecycle-${how}-${name}.html`);
      await page.evaluate((view) => {
        const el = document.createElement('dropout-topk');
        for (const [n, v] of Object.entries({ view, lang: 'en', loading: 'eager' })) el.setAttribute(n, v);
        document.getElementById('stage').append(el);
      }, row.view);
      await page.evaluate(() => document.querySelector('dropout-topk').ready);
      await settle(page, 'element');
      if (row.before) await before(page, 'element', row.before);
      await openDisclosure(page, 'element', name);
      await page.evaluate(({ n, v, how }) => {
        const el = document.querySelector('dropout-topk');
        if (how === 'attribute') el.setAttribute(n, Array.isArray(v) ? v.join(',') : String(v));
        else el[n] = v;
      }, { n: name, v: row.value, how });
      // A setting that chooses what is built (view, backend) builds the element afresh.
      if (SETTINGS[name].atStart) await page.evaluate(() => document.querySelector('dropout-topk').ready);
      await settle(page, 'element');
      results[how] = await snapshot(page, 'element', sectionOf);
    }

    const reference = results.control ?? results.link;
    expect(reference.settings[name], 'the setting took its value').toEqual(row.value);
    for (const [how, result] of Object.entries(results)) expect(result, `${name} set by ${how}`).toEqual(reference);
    expect(errors).toEqual([]);
  });
}

test('Reset builds the demo afresh in place: the host page and its window stay', async ({ page }) => {
  // The full page.
  await page.goto('/?lang=en&k=4');
  await settle(page, 'document');
  await page.evaluate(() => {
    window.stayed = true;
    window.dropoutTopK.demo.showError(new Error('a test error'));
  });
  const oldDemo = await page.evaluateHandle(() => window.dropoutTopK.demo);
  await page.locator('#reset').click();
  await page.waitForFunction((old) => window.dropoutTopK.demo !== old && window.dropoutTopK.demo.views.topk, oldDemo);
  await settle(page, 'document');
  expect(await page.evaluate(() => window.stayed)).toBe(true);
  expect(await oldDemo.evaluate((d) => d.closed)).toBe(true);
  await expect(page.locator('#message')).toBeHidden();
  await expect(page.locator('#bars li.kept')).toHaveCount(4); // the settings as they were
  // An element on a host page: the host is untouched, the element starts again.
  await openHost(page, '/lifecycle-reset.html');
  await page.evaluate(() => {
    window.stayed = true;
    const el = document.createElement('dropout-topk');
    for (const [n, v] of Object.entries({ view: 'topk', lang: 'en', loading: 'eager', k: '6' })) el.setAttribute(n, v);
    document.getElementById('stage').append(el);
    return el.ready;
  });
  const first = await page.evaluateHandle(() => document.querySelector('dropout-topk').demo);
  await page.evaluate(() => document.querySelector('dropout-topk').demo.showError(new Error('a test error')));
  await page.locator('dropout-topk #reset').click();
  await page.waitForFunction((old) => {
    const el = document.querySelector('dropout-topk');
    return el.demo && el.demo !== old && el.demo.views?.topk;
  }, first);
  expect(await page.evaluate(() => window.stayed)).toBe(true);
  expect(await first.evaluate((d) => d.closed)).toBe(true);
  await expect(page.locator('dropout-topk #bars li.kept')).toHaveCount(6);
});

test('a one-second drag of k leaves at most one refresh pending per view, in the page and in the worker', async ({ page }) => {
  await page.goto('/?lang=en#contrast-view');
  await settle(page, 'document');
  // The two-model picture runs (it starts when it comes into view).
  await page.waitForFunction(() => window.dropoutTopK.demo.views.thesis.models.every((m) => m.logits));
  const result = await page.evaluate(async () => {
    const { demo: app } = window.dropoutTopK;
    const { training } = app;
    const input = document.getElementById('k');
    const sent = { logits: 0, generate: 0 };
    const request = training.request.bind(training);
    // Counts the forward passes in flight in the worker, as they are sent and answered.
    let inFlight = 0;
    let most = 0;
    training.request = (msg, transfer) => {
      const counted = msg.type === 'logits' || msg.type === 'generate';
      if (counted) {
        sent[msg.type] += 1;
        inFlight += 1;
        most = Math.max(most, inFlight);
      }
      return request(msg, transfer).finally(() => { if (counted) inFlight -= 1; });
    };
    const start = performance.now();
    let events = 0;
    let mostPending = 0;
    while (performance.now() - start < 1000) {
      input.value = String(1 + (events % 20));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      events += 1;
      for (const slot of Object.values(app.work)) mostPending = Math.max(mostPending, slot.again ? 1 : 0);
      await new Promise((resolve) => setTimeout(resolve, 8));
    }
    await Promise.all(Object.values(app.work).map((slot) => slot.running));
    training.request = request;
    const { columnSeeds } = await import('/thesis-view.js');
    // A refresh asks each model for its logits and one continuation per seed column.
    const perRefresh = app.views.thesis.models.length * (1 + columnSeeds(0).length);
    return { events, most, mostPending, perRefresh, thesis: { ...app.work.thesis, running: null }, sent };
  });
  expect(result.events).toBeGreaterThan(10); // a busy machine sends fewer in the second
  // At most one refresh at work and one waiting: never a queue of stale ones.
  expect(result.mostPending).toBeLessThanOrEqual(1);
  expect(result.thesis.mostPending).toBeLessThanOrEqual(1);
  // In the worker: the forward passes of at most one refresh are ever in flight at once.
  expect(result.most).toBeLessThanOrEqual(result.perRefresh);
  expect(result.thesis.runs).toBeLessThan(result.events / 2);
});

test('Play pressed while the model loads, the rate then moved: the steps train at the rate shown', async ({ page }) => {
  await openHost(page, '/lifecycle-rate.html');
  await page.evaluate(() => {
    const el = document.createElement('dropout-topk');
    for (const [n, v] of Object.entries({ view: 'dropout', lang: 'en', loading: 'eager' })) el.setAttribute(n, v);
    document.getElementById('stage').append(el);
    window.steps = [];
    el.addEventListener('step', (event) => window.steps.push(event.detail));
    return el.ready;
  });
  await page.evaluate(() => {
    const el = document.querySelector('dropout-topk');
    const $ = (id) => el.shadowRoot.getElementById(id);
    $('dropout-restart').click(); // a new model: it loads in the worker
    $('dropout-play').click(); // pressed while it loads
    el.dropout_p = 0.6; // then the rate moves
  });
  await expect.poll(() => page.evaluate(() => window.steps.length)).toBeGreaterThan(2);
  const rates = await page.evaluate(() => window.steps.map((s) => s.rate));
  for (const rate of rates) expect(rate).toBeCloseTo(0.6, 6);
});

// One demo: its settings, its models and the views found under a root (the page, an embed, or the
// shadow root of a <dropout-topk> element). Every demo on a page shares one runtime per backend:
// one fetched and compiled wasm module and one training worker; all share the English text and the
// shipped weights.
import { createState, settingsFromQuery, queryFromState } from './state.js';
import { requestDraw, setErrorHandler, stepTiming, drawTiming, onFrame, drawsPending } from './loop.js';
import { startTrainer } from './trainer.js';
import { errorMessage } from './format.js';
import { translator, applyTranslations, browserLanguage } from './i18n.js';
import { createTopKView } from './topk-view.js';
import { createDropoutView } from './dropout-view.js';
import { createOverfitView } from './overfit-view.js';
import { createContrastView } from './contrast-view.js';
import { createOwnTextView } from './owntext-view.js';

/** Files, relative to this module, so the demo works from any folder of any static host. */
const url = (path) => new URL(path, import.meta.url).href;

/** Marks the start-up timeline for the benchmark (Performance panel: "dropout-topk:…"). */
const mark = (name) => performance.mark(`dropout-topk:${name}`);

/** The prompt a model falls back to when it knows none of the prompt's characters. */
const ENGLISH_SAMPLE = 'The harbour is';

/** Logit vectors kept per model (cleared when the model trains or changes). */
const CACHE_LIMIT = 256;

async function fetchOk(path) {
  const response = await fetch(url(path));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${response.statusText}`.trim());
  return response;
}

/** Each backend's wasm module is its own package (built by scripts/build-pkg.sh). */
const PACKAGES = { flex: 'pkg/', ndarray: 'pkg/ndarray/' };

const runtimes = new Map();

/**
 * The shared runtime of one backend, loaded once per page. A failure of the wasm rejects; a
 * missing weights file is recorded in `problems` (each demo shows it) and an untrained model is used.
 * @param {string} backend a key of PACKAGES ("flex" unless a link asks otherwise)
 * @returns {Promise<{wasm: any, trainer: import('./trainer.js').Trainer, englishText: string,
 *   weights: Uint8Array|null, problems: Array<{key: string, message: string}>}>}
 */
export function loadRuntime(backend = 'flex') {
  const dir = PACKAGES[backend] ?? PACKAGES.flex;
  if (!runtimes.has(dir)) runtimes.set(dir, startRuntime(dir));
  return runtimes.get(dir);
}

async function startRuntime(dir) {
  const glue = url(`${dir}dropout_topk.js`);
  const wasm = await import(glue);
  // Compiled here once, while it downloads; the training worker instantiates the same module.
  // A host that serves .wasm with another type gets the slow path.
  const response = await fetchOk(`${dir}dropout_topk_bg.wasm`);
  const module = await WebAssembly.compileStreaming(response.clone())
    .catch(async () => WebAssembly.compile(await response.arrayBuffer()));
  mark('wasm-compiled');
  const { memory } = await wasm.default({ module_or_path: module });
  mark('wasm-ready');
  // Not awaited: the worker starts while the weights load, and queues commands.
  const trainer = startTrainer(module, glue);
  const { weights, problems } = await shippedWeights;
  mark('data-loaded');
  // The English text is built into the module.
  return { wasm, memory, trainer, englishText: wasm.englishText(), weights, problems };
}

/** The shipped weights, fetched once for every backend, from the start (alongside the wasm). */
const shippedWeights = fetchOk('model.bpk')
  .then(async (r) => ({ weights: new Uint8Array(await r.arrayBuffer()), problems: [] }))
  .catch((err) => ({ weights: null, problems: [{ key: 'app.weightsFailed', message: errorMessage(err) }] }));

/**
 * Starts a demo on the views under `root`.
 * @param {Document|ShadowRoot} root holds the markup of index.html's sections (all or some)
 * @param {{initial?: Record<string, unknown>, problems?: Array<{key: string, params: object}>, onChange?: (state: object, name: string) => void}} [options]
 *   initial settings (already checked), problems met reading them, and a listener for changes
 * @returns {Promise<object>} the demo (`app`)
 */
export async function mountDemo(root, { initial = {}, problems = [], onChange = () => {} } = {}) {
  const $ = (id) => root.getElementById(id);
  const views = {};
  const { state, set } = createState(initial, (name) => {
    if (name === 'lang') translate();
    if (name === 'hide') applyHidden();
    // The contrast view draws with the top-k view's cut, temperature and prompt.
    if (['k', 'temperature', 'top_p', 'sampler', 'prompt', 'seed'].includes(name)) views.contrast?.redraw();
    onChange(state, name);
  });
  const app = {
    root,
    $,
    state,
    set,
    t: translator(state.lang),
    id: `demo${Math.random().toString(36).slice(2, 8)}`,
    /** Asks for `draw` in the next animation frame (keys are this demo's own). */
    requestDraw(key, draw) {
      requestDraw(`${app.id}:${key}`, draw);
    },
    /** Formats a number for the demo's language. */
    number(x, digits) {
      return Number.isFinite(x)
        ? x.toLocaleString(state.lang, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })
        : '–';
    },
    showMessage(text, { reset = true } = {}) {
      const box = $('message');
      if (!box) return;
      $('message-text').textContent = text;
      $('reset').hidden = !reset;
      box.hidden = false;
    },
    showError(err) {
      app.showMessage(app.t('app.error', { message: errorMessage(err) }));
    },
  };

  function setStatus(key) {
    const status = $('status');
    if (status) {
      status.dataset.i18n = key;
      status.textContent = app.t(key);
    }
  }

  function translate() {
    app.t = translator(state.lang);
    if (root.documentElement) root.documentElement.lang = state.lang;
    applyTranslations(root, app.t);
    const select = $('lang');
    if (select) select.value = state.lang;
    redrawAll();
  }

  function applyHidden() {
    // The explanatory text is one of the things a link can hide (classroom mode).
    for (const explain of root.querySelectorAll('.explain')) explain.dataset.control = 'explain';
    for (const element of root.querySelectorAll('[data-control]')) {
      element.hidden = state.hide.includes(element.dataset.control);
    }
  }

  const redrawAll = () => Object.values(views).forEach((view) => view.redraw());

  $('reset')?.addEventListener('click', () => location.reload());
  $('dismiss')?.addEventListener('click', () => { $('message').hidden = true; });
  $('lang')?.addEventListener('change', (event) => set('lang', event.target.value));
  applyHidden();
  translate();
  setStatus('app.loadingWasm');

  let rt;
  try {
    rt = await loadRuntime(state.backend);
  } catch (err) {
    setStatus('app.cannotStart');
    app.showMessage(app.t('app.wasmFailed', { message: errorMessage(err) }));
    return app;
  }
  setErrorHandler((err) => app.showError(err));
  rt.trainer.onError = (err) => app.showError(err);
  const messages = rt.problems.map(({ key, message }) => app.t(key, { message }));
  if (problems.length) {
    // Each problem is a key and parameters; a range inside it is one too.
    const words = problems.map(({ key, params }) => app.t(key, { ...params, range: params.range ? app.t(params.range.key, params.range.params) : '' }));
    messages.push(app.t('app.linkProblems', { problems: words.join(app.t('link.separator')) }));
  }
  if (messages.length) app.showMessage(messages.join(' '));

  try {
    let shippedDemo;
    let label = 'model.shipped';
    try {
      if (!rt.weights) throw new Error('no weights');
      shippedDemo = rt.wasm.Demo.withWeights(rt.weights, state.backend, state.seed);
    } catch (err) {
      if (rt.weights) app.showMessage(app.t('app.weightsFailed', { message: errorMessage(err) }));
      shippedDemo = rt.wasm.Demo.fromText(rt.englishText, state.backend, state.seed);
      label = 'model.untrained';
    }
    mark('model-ready');
    const shipped = { demo: shippedDemo, vocab: shippedDemo.vocab(), label: () => app.t(label), version: 0, sampleText: ENGLISH_SAMPLE };
    Object.assign(app, {
      wasm: rt.wasm,
      trainer: rt.trainer,
      englishText: rt.englishText,
      weights: rt.weights,
      shipped,
      active: shipped,
      /** Makes `model` the one the top-k and contrast views use. */
      setActive(model) {
        app.active = model;
        views.topk?.modelChanged();
        views.contrast?.modelChanged();
        views.owntext?.redraw();
      },
      /** A model took a training step: views using it must not reuse its cached logits. */
      modelTrained(model) {
        if (model === app.active) {
          views.topk?.redraw();
          views.contrast?.redraw();
        }
      },
      /** The dropout rate changed: the contrast view's Monte Carlo dropout uses it. */
      dropoutChanged() {
        views.contrast?.redraw();
        views.owntext?.dropoutChanged();
      },
    });

    // Next-character logits per prompt, from a cache while the active model is unchanged: moving k
    // or the temperature never re-runs the model.
    const cache = new Map();
    let cacheOwner = null;
    let cacheVersion = -1;
    app.logitsFor = (text) => {
      const model = app.active;
      if (cacheOwner !== model || cacheVersion !== model.version) {
        cache.clear();
        cacheOwner = model;
        cacheVersion = model.version;
      }
      let logits = cache.get(text);
      if (!logits) {
        logits = model.demo.logits(text);
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(text, logits);
      }
      return logits;
    };

    if ($('topk-view')) views.topk = createTopKView(app);
    if ($('contrast-view')) views.contrast = createContrastView(app);
    if ($('dropout-view')) views.dropout = createDropoutView(app);
    if ($('overfit-view')) views.overfit = createOverfitView(app);
    if ($('owntext-view')) views.owntext = createOwnTextView(app);
    app.views = views;
    // The markup starts every control disabled until a view listens to it (index.html,
    // data-loading), so nothing pressed while the page loads is silently lost. Each view sets its
    // own disabled states in its first draw; a press before its model exists in the worker waits.
    for (const control of root.querySelectorAll('[data-loading]')) {
      control.removeAttribute('data-loading');
      control.disabled = false;
    }
    redrawAll();
    await Promise.all([views.dropout?.start(), views.overfit?.start()]);

    // Canvases follow the demo's width: redraw when it changes (once per frame at most).
    const host = root.host ?? root.documentElement;
    let width = host.clientWidth;
    new ResizeObserver(() => {
      const now = host.clientWidth;
      if (now !== width) {
        width = now;
        app.requestDraw('all', redrawAll);
      }
    }).observe(host);
  } catch (err) {
    setStatus('app.cannotStart');
    app.showError(err);
    return app;
  }

  app.timing = { stepTiming, drawTiming, onFrame, drawsPending };
  /** Bytes of this page's wasm memory (the training worker has its own: trainer.memory()). */
  app.memoryBytes = () => rt.memory.buffer.byteLength;
  setStatus('app.ready');
  return app;
}

/**
 * The settings of this page's link (the language defaults to the browser's).
 * @returns {{values: Record<string, unknown>, problems: Array<{key: string, params: object}>, present: Set<string>}}
 */
export function linkSettings() {
  const settings = settingsFromQuery(location.search);
  if (!settings.present.has('lang')) settings.values.lang = browserLanguage();
  return settings;
}

/**
 * Starts the demo of a whole document (the page or the iframe embed) from its link: every change
 * is written back into the link without adding history entries, and any later error, in Rust (a
 * panic surfaces as an exception) or in the page, is shown with Reset.
 * @param {ReturnType<typeof linkSettings>} settings
 * @returns {Promise<object>} the demo
 */
export async function mountPage({ values, problems, present }) {
  const app = await mountDemo(document, {
    initial: values,
    problems,
    onChange(state) {
      const query = queryFromState(state, present);
      if (query !== location.search) history.replaceState(history.state, '', `${location.pathname}${query}${location.hash}`);
    },
  });
  window.addEventListener('error', (event) => app.showError(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => app.showError(event.reason));
  // For tests and for measuring: this page's demo, its settings and timings.
  window.dropoutTopK = { app, state: app.state, setSetting: app.set, ...app.timing };
  return app;
}

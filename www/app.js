// One demo: its settings, its models and the views found under a root (the page, an embed, or the
// shadow root of a <dropout-topk> element). Every demo on a page shares one runtime per backend:
// one fetched and compiled wasm module and one training worker; all share the English text and the
// shipped weights. Everything else (settings, errors, step times, the active model) is the demo's.
import { createState, settingsFromQuery, queryFromState, MODEL_SEED, SETTINGS, LANGUAGES } from './state.js';
import { requestRender, forgetRenders, addAnimation, removeAnimation, renderTiming, onFrame, rendersPending } from './loop.js';
import { forgetCanvases } from './charts.js';
import { startTrainingWorker } from './training-worker.js';
import { errorText, numberFormat, percentFormat } from './format.js';
import { fetchFile, fileUrl as url, importModule } from './load.js';
import { translator, applyTranslations, browserLanguage, factParams, loadLanguage, textDirection } from './i18n.js';
import { emptyTiming, writeLossLegends } from './training-run.js';
import { createTopKView } from './topk-view.js';
import { createDropoutView } from './dropout-view.js';
import { createOverfitView } from './overfit-view.js';
import { createMcDropoutView } from './mc-dropout-view.js';
import { createOwnTextView } from './owntext-view.js';
import { createThesisView } from './thesis-view.js';
import { createCheckView } from './check-view.js';
import { createResultsView } from './results-view.js';

/** Marks the start-up timeline for the benchmark (Performance panel: "dropout-topk:…"). */
const mark = (name) => performance.mark(`dropout-topk:${name}`);
/** Whether the page's first forward pass has been marked (later ones are not). */
let firstForwardMarked = false;

/** The prompt a model falls back to when it knows none of the prompt's characters. */
const ENGLISH_SAMPLE = 'The harbour is';

/** Logit vectors kept per model (cleared when the model trains or changes). */
const CACHE_LIMIT = 256;

/**
 * How each part of the page is made, by the id of the element it fills (`<name>-view`): the views
 * of state.js VIEWS, plus the two-model picture inside the contrast section (`thesis-view`), whose
 * Monte Carlo switch is mc-dropout-view.js. In this order they start their models in the worker,
 * so the models a first press needs come first and the two-model picture last.
 */
const VIEW_MAKERS = [
  ['topk', createTopKView], ['contrast', createMcDropoutView], ['dropout', createDropoutView],
  ['overfit', createOverfitView], ['owntext', createOwnTextView], ['thesis', createThesisView], ['check', createCheckView],
  ['results', createResultsView],
];

/** Each backend's wasm module is its own package (built by scripts/build-pkg.sh). */
const PACKAGES = { flex: 'pkg/', ndarray: 'pkg/ndarray/' };

const runtimes = new Map();

/**
 * The shared runtime of one backend, loaded once per page. A failure of the wasm rejects; a
 * missing weights file is recorded in `problems` (each demo shows it) and an untrained model is used.
 * @param {string} backend a key of PACKAGES ("flex" unless a link asks otherwise)
 */
export function loadRuntime(backend = 'flex') {
  const dir = PACKAGES[backend] ?? PACKAGES.flex;
  if (!runtimes.has(dir)) {
    // A failure is not kept: Reset (or the next element) tries again.
    runtimes.set(dir, startRuntime(dir).catch((err) => {
      runtimes.delete(dir);
      throw err;
    }));
  }
  return runtimes.get(dir);
}

async function startRuntime(dir) {
  const glue = url(`${dir}dropout_topk.js`);
  const wasm = await importModule(glue);
  // Compiled here once, while it downloads; the training worker instantiates the same module.
  // A host that serves .wasm with another type gets the slow path.
  const response = await fetchFile(url(`${dir}dropout_topk_bg.wasm`));
  const module = await WebAssembly.compileStreaming(response.clone())
    .catch(async () => WebAssembly.compile(await response.arrayBuffer()));
  mark('wasm-compiled');
  const { memory } = await wasm.default({ module_or_path: module });
  mark('wasm-ready');
  // Not awaited: the worker starts while the weights load, and queues commands.
  const training = startTrainingWorker(module, glue);
  // The English text is built into the module.
  return { wasm, memory, training, facts: wasm.facts(), englishText: wasm.englishText() };
}

let weightsFetch = null;

/**
 * The shipped weights, fetched once for every backend when the first demo starts (alongside its
 * wasm). A failure is not kept: a Reset, or the next element, tries again. Without them the demo
 * runs an untrained model and says why.
 * @returns {Promise<{weights: Uint8Array|null, problems: Array<{key: string, error: unknown}>}>}
 */
function shippedWeights() {
  weightsFetch ??= Promise.resolve('model.q8').then((path) => fetchFile(url(path))).then(async (r) => new Uint8Array(await r.arrayBuffer()));
  return weightsFetch.then((weights) => ({ weights, problems: [] }), (error) => {
    weightsFetch = null;
    return { weights: null, problems: [{ key: 'app.weightsFailed', error }] };
  });
}

/**
 * A demo's own objects: settings, texts, messages, rendering, events and everything it must let
 * go of when it closes. Views get this and nothing global. The fields set once the runtime has
 * loaded (startDemo) are declared here, null until then; the methods come in four groups below.
 * @param {Document|ShadowRoot} root
 * @param {Record<string, unknown>} initial
 * @param {(demo: object) => void} restart builds the demo afresh in place (Reset)
 */
function createDemo(root, initial, restart) {
  const { state, set, subscribe } = createState(initial);
  const id = `demo${Math.random().toString(36).slice(2, 8)}:`;
  const demo = {
    root, state, set, subscribe,
    $: (elementId) => root.getElementById(elementId),
    /** The core's sizes and counts, the wasm module, the training worker, the English text and the
     * shipped weights (startDemo). */
    facts: null, wasm: null, training: null, englishText: '', weights: null,
    /** The model the top-k and contrast views sample from, and the shipped one (createActiveModel,
     * which adds setActive, modelTrained and logitsFor). */
    active: null, shipped: null,
    t: translator(state.lang),
    number: numberFormat(state.lang),
    percent: percentFormat(state.lang),
    stepTiming: emptyTiming(),
    /** The views by name (VIEW_MAKERS), each with redraw() and perhaps start(). */
    views: {},
    /** The models this demo trains in the worker, freed when it closes. */
    models: [],
    /** Whether the demo has closed (its element removed, or Reset): late answers are dropped. */
    closed: false,
    /** Reset: the demo closes and starts afresh in the same place, with its settings as they are. */
    reset: () => restart(demo),
    /** Where the learning check's answers go, if anywhere (state.js LAUNCH_PARAMETERS, as given). */
    launch: {},
  };
  return Object.assign(demo, demoEvents(), demoScheduling(demo, id), demoLifecycle(demo), demoWords(demo));
}

/** Events of a demo ('active': the top-k model changed; 'trained': it took a step; 'sample', 'step'). */
function demoEvents() {
  const listeners = new Map();
  return {
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
    },
    emit(event, ...args) {
      for (const listener of listeners.get(event) ?? []) listener(...args);
    },
    /** Forgets every listener (the demo closes). */
    offAll: () => listeners.clear(),
  };
}

/** When a demo's work runs: renders in the page's frame loop, animations, refreshes in the worker. */
function demoScheduling(demo, id) {
  const animations = new Set();
  return {
    /** Asks for `render` in the next animation frame (keys are this demo's own, errors shown here). */
    requestRender(key, render) {
      if (!demo.closed) requestRender(id + key, render, demo.showError);
    },
    /** Runs `tick` every frame until it returns false; an error stops it and is shown here. */
    addAnimation(tick) {
      animations.add(tick);
      addAnimation(tick, demo.showError);
    },
    removeAnimation(tick) {
      animations.delete(tick);
      removeAnimation(tick);
    },
    /** Stops every animation and forgets every render asked for (the demo closes). */
    stopScheduled() {
      for (const tick of animations) removeAnimation(tick);
      animations.clear();
      forgetRenders(id);
    },
    /**
     * Runs the async `task` for `key` now, or, if one for that key is still running, once more
     * after it (with the values current then). However many ask meanwhile, a key has at most one
     * run in flight and one pending: a burst of slider events never queues work in the worker.
     * `work` records, per key, the requests, the runs and the most runs ever pending at once.
     * @param {string} key
     * @param {() => Promise<void>} task
     * @returns {Promise<void>} settles when the key has no run left
     */
    refresh(key, task) {
      const slot = (demo.work[key] ??= { running: null, again: false, asked: 0, runs: 0, mostPending: 0 });
      slot.asked += 1;
      if (slot.running) {
        slot.again = true;
        slot.mostPending = 1;
        return slot.running;
      }
      slot.running = (async () => {
        try {
          do {
            slot.again = false;
            slot.runs += 1;
            await task();
          } while (slot.again && !demo.closed);
        } finally {
          slot.running = null;
        }
      })();
      return slot.running;
    },
    work: {},
  };
}

/** What a demo makes that outlives its markup, and how it lets go of it all when it closes. */
function demoLifecycle(demo) {
  const disposers = [];
  return {
    /**
     * Keeps `dispose` to run when the demo closes: an unsubscribe, an observer's disconnect, a
     * wasm object's free. Whatever a view makes that outlives its DOM is handed over here.
     * @param {() => void} dispose
     */
    own(dispose) {
      disposers.push(dispose);
    },
    /** An observer (Intersection or Resize) of `target`, disconnected when the demo closes. */
    observe(observer, target) {
      observer.observe(target);
      demo.own(() => observer.disconnect());
      return observer;
    },
    /** A new model of this demo in the training worker. */
    model() {
      const model = demo.training.model();
      demo.models.push(model);
      return model;
    },
    /** Lets go of everything the demo made: its models here and in the worker, its renders,
     * animations, observers and listeners. */
    close() {
      if (demo.closed) return;
      demo.closed = true;
      for (const model of demo.models.splice(0)) model.free();
      demo.stopScheduled();
      for (const dispose of disposers.splice(0).reverse()) dispose();
      forgetCanvases(demo.root);
      demo.offAll();
    },
  };
}

/** A demo's words: messages, its status line, and every text in its language. */
function demoWords(demo) {
  const { root, state } = demo;
  return {
    showMessage(text, { reset = true } = {}) {
      const box = demo.$('message');
      // A closed demo's late errors (a request to a model it freed) are no one's concern: on the
      // page, the document holds a new demo by then.
      if (!box || demo.closed) return;
      demo.$('message-text').textContent = text;
      demo.$('reset').hidden = !reset;
      box.hidden = false;
    },
    showError: (err) => demo.showMessage(demo.t('app.error', { message: errorText(err, demo) })),
    setStatus(key) {
      const status = demo.$('status');
      if (status && !demo.closed) {
        status.dataset.i18n = key;
        status.textContent = demo.t(key);
      }
    },
    /** Writes every text in the demo's language (the core's facts filled in) and redraws. */
    async translate() {
      await loadLanguage(state.lang); // the language may have changed meanwhile: the latest wins below
      if (demo.closed) return;
      const facts = factParams(demo.facts, state.lang);
      demo.t = translator(state.lang, facts);
      demo.number = numberFormat(state.lang);
      demo.percent = percentFormat(state.lang);
      // The page's <html>, or the outermost element of a shadow root (the element, the widget).
      const top = root.documentElement ?? root.firstElementChild;
      if (top) Object.assign(top, { lang: state.lang, dir: textDirection(state.lang) });
      applyTranslations(root, demo.t);
      const select = demo.$('lang');
      if (select) select.value = state.lang;
      for (const view of Object.values(demo.views)) view.redraw();
    },
  };
}

/**
 * Predictions: the reader commits to Yes or No before the answer shows, then sees it marked right
 * or not (the verdict is a text key, so a change of language rewrites it).
 * @param {object} demo
 */
function wirePredictions(demo) {
  for (const box of demo.root.querySelectorAll('.predict[data-answer]')) {
    const buttons = [...box.querySelectorAll('[data-choice]')];
    const verdict = box.querySelector('.verdict');
    for (const button of buttons) {
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => {
        for (const other of buttons) other.setAttribute('aria-pressed', String(other === button));
        const right = button.dataset.choice === box.dataset.answer;
        box.classList.toggle('right', right);
        verdict.dataset.i18n = right ? 'predict.right' : 'predict.wrong';
        verdict.textContent = demo.t(verdict.dataset.i18n);
        box.dataset.chosen = button.dataset.choice;
        box.querySelector('.answer').hidden = false;
      });
    }
  }
}

/** The controls around the views: message box, language, hiding (classroom mode). */
function wireChrome(demo) {
  const { root, state, $ } = demo;
  const applyHidden = () => {
    // The explanatory text is one of the things a link can hide (classroom mode).
    for (const explain of root.querySelectorAll('.explain')) explain.dataset.control = 'explain';
    for (const element of root.querySelectorAll('[data-control]')) element.hidden = state.hide.includes(element.dataset.control);
  };
  $('reset')?.addEventListener('click', () => demo.reset());
  $('dismiss')?.addEventListener('click', () => { $('message').hidden = true; });
  const select = $('lang');
  if (select) {
    // The menu lists each language under its own name (state.js LANGUAGES).
    select.replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => {
      const option = new Option(name, code, false, code === state.lang);
      option.lang = code;
      return option;
    }));
    select.addEventListener('change', () => demo.set('lang', select.value));
  }
  demo.subscribe(['lang'], () => { demo.translated = demo.translate().catch(demo.showError); });
  demo.subscribe(['hide'], applyHidden);
  applyHidden();
  wirePredictions(demo);
  writeLossLegends(root, demo.t);
  // Kept, so messages written before the views start are in the demo's language (and renewed by
  // every change of language: it settles once the texts are written).
  demo.translated = demo.translate().catch(demo.showError);
}

/**
 * The models the top-k and contrast views sample from: the shipped one, or the reader's own, with
 * a cache of next-character logits per prompt, so moving k or the temperature never re-runs it.
 * @param {object} demo
 * @param {object} shipped
 */
function createActiveModel(demo, shipped) {
  const cache = new Map();
  let owner = null;
  let version = -1;
  Object.assign(demo, {
    shipped,
    active: shipped,
    /** Makes `model` the one the top-k and contrast views use. */
    setActive(model) {
      demo.active = model;
      demo.emit('active', model);
    },
    /** A model's weights changed: views using it must not reuse its cached logits. */
    modelTrained(model) {
      if (model === demo.active) demo.emit('trained', model);
    },
    /** @returns {{logits: Float32Array, unknown: string}} for `text` under the active model */
    logitsFor(text) {
      const model = demo.active;
      if (owner !== model || version !== model.version) {
        cache.clear();
        [owner, version] = [model, model.version];
      }
      let entry = cache.get(text);
      if (!entry) {
        entry = { logits: model.handle.logits(text), unknown: model.handle.unknownCharacters(text) };
        if (!firstForwardMarked) mark('first-forward'); // make bench: the start-up's phases
        firstForwardMarked = true;
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(text, entry);
      }
      return entry;
    },
  });
}

/** The shipped English model on this thread (an untrained one if the weights cannot be used). */
function shippedModel(demo, rt) {
  const { state } = demo;
  let model;
  let label = 'model.shipped';
  try {
    if (!demo.weights) throw new Error('no weights');
    model = rt.wasm.Demo.withWeights(demo.weights, state.backend, MODEL_SEED);
  } catch (err) {
    if (demo.weights) demo.showMessage(demo.t('app.weightsFailed', { message: errorText(err, demo) }));
    model = rt.wasm.Demo.fromText(rt.englishText, state.backend, MODEL_SEED);
    label = 'model.untrained';
  }
  mark('model-ready');
  return { handle: model, vocab: model.vocab(), label: () => demo.t(label), version: 0, sampleText: ENGLISH_SAMPLE };
}

/**
 * A problem met reading a setting (state.js parseSetting), in the demo's language; its range is
 * itself a key and parameters.
 * @param {object} demo
 * @param {{key: string, params: object}} problem
 * @returns {string}
 */
export function problemText(demo, { key, params }) {
  return demo.t(key, { ...params, range: params.range ? demo.t(params.range.key, params.range.params) : '' });
}

/** Problems met before the views start: the weights' and the link's, in one message. */
function showStartProblems(demo, loading, problems) {
  const messages = loading.map(({ key, error }) => demo.t(key, { message: errorText(error, demo) }));
  if (problems.length) {
    const words = problems.map((problem) => problemText(demo, problem));
    messages.push(demo.t('app.linkProblems', { problems: words.join(demo.t('link.separator')) }));
  }
  if (messages.length) demo.showMessage(messages.join(' '));
}

/** Canvases follow the demo's width: redraw when it changes (once per frame at most). */
function redrawOnResize(demo) {
  const host = demo.root.host ?? demo.root.documentElement;
  let width = host.clientWidth;
  demo.observe(new ResizeObserver(() => {
    const now = host.clientWidth;
    if (now !== width) {
      width = now;
      demo.requestRender('all', () => Object.values(demo.views).forEach((view) => view.redraw()));
    }
  }), host);
}

/**
 * Starts a demo on the views under `root`.
 * @param {Document|ShadowRoot} root holds the markup of index.html's sections (all or some)
 * @param {{initial?: Record<string, unknown>, problems?: Array<{key: string, params: object}>,
 *   onChange?: (state: object, name: string) => void, restart: (demo: object) => void}} options
 *   initial settings (already checked), problems met reading them, a listener for changes, and
 *   how the demo is built afresh in place (Reset, or a setting that chooses what is built)
 * @returns {Promise<object>} the demo
 */
export async function mountDemo(root, { problems = [], ...options }) {
  return startDemo(prepareDemo(root, options), problems);
}

/**
 * The first half of mountDemo: a demo with its settings and texts, whose views do not run yet
 * (a <dropout-topk> element waits until it nears the viewport).
 * @param {Document|ShadowRoot} root
 * @param {{initial?: Record<string, unknown>, onChange?: (state: object, name: string) => void,
 *   restart: (demo: object) => void}} options as mountDemo's
 * @returns {object} the demo
 */
export function prepareDemo(root, { initial = {}, onChange = () => {}, restart, launch = {} }) {
  const demo = createDemo(root, initial, restart);
  demo.launch = launch;
  demo.subscribe('*', (name) => onChange(demo.state, name));
  // A setting that chooses what is built (which view, which backend) builds the demo afresh.
  const atStart = Object.keys(SETTINGS).filter((name) => SETTINGS[name].atStart);
  demo.subscribe(atStart, () => demo.reset());
  wireChrome(demo);
  return demo;
}

/**
 * The second half: loads the runtime and starts the views of a prepared demo.
 * @param {object} demo from prepareDemo
 * @param {Array<{key: string, params: object}>} [problems] met reading its settings
 * @returns {Promise<object>} the demo
 */
export async function startDemo(demo, problems = []) {
  const { root } = demo;
  demo.setStatus('app.loadingWasm');
  let rt;
  let loaded;
  try {
    [rt, loaded] = await Promise.all([loadRuntime(demo.state.backend), shippedWeights()]);
    mark('data-loaded');
    await demo.translated;
    if (demo.closed) return demo; // removed while it loaded
  } catch (err) {
    await demo.translated;
    demo.setStatus('app.cannotStart');
    demo.showMessage(demo.t('app.wasmFailed', { message: errorText(err, demo) }));
    return demo;
  }
  Object.assign(demo, { wasm: rt.wasm, training: rt.training, facts: rt.facts, englishText: rt.englishText, weights: loaded.weights });
  demo.timing = { stepTiming: demo.stepTiming, renderTiming, onFrame, rendersPending };
  /** Bytes of this page's wasm memory (the training worker has its own: training.memory()). */
  demo.memoryBytes = () => rt.memory.buffer.byteLength;
  demo.own(rt.training.onError((err) => demo.showError(err)));
  showStartProblems(demo, loaded.problems, problems);
  try {
    const shipped = shippedModel(demo, rt);
    demo.own(() => shipped.handle.free());
    createActiveModel(demo, shipped);
    for (const [name, create] of VIEW_MAKERS) if (demo.$(`${name}-view`)) demo.views[name] = create(demo);
    // The markup starts every control disabled until a view listens to it (index.html,
    // data-loading), so nothing pressed while the page loads is silently lost. Each view sets its
    // own disabled states in its first draw; a press before its model exists in the worker waits.
    for (const control of root.querySelectorAll('[data-loading]')) {
      control.removeAttribute('data-loading');
      control.disabled = false;
    }
    await demo.translate(); // the texts with the core's facts, and every view's first draw
    await Promise.all(Object.values(demo.views).map((view) => view.start?.()));
    redrawOnResize(demo);
  } catch (err) {
    demo.setStatus('app.cannotStart');
    demo.showError(err);
    return demo;
  }
  demo.setStatus('app.ready');
  return demo;
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
 * panic surfaces as an exception) or in the page, is shown with Reset. Reset builds the demo
 * afresh from the document's markup as it was before the demo started, with the settings as they
 * are; the page itself is not reloaded.
 * @param {ReturnType<typeof linkSettings>} settings
 * @param {{onStart?: (demo: object) => void}} [options] called with each demo that starts
 * @returns {Promise<object>} the demo
 */
export async function mountPage({ values, problems, present, launch = {} }, { onStart = () => {} } = {}) {
  const pristine = document.body.cloneNode(true);
  let current = null;
  const mount = (initial, startProblems) => mountDemo(document, {
    initial,
    problems: startProblems,
    launch,
    onChange(state) {
      // The settings as they are, and the launch parameters as they came (a reload keeps both).
      const params = new URLSearchParams(queryFromState(state, present));
      for (const [name, value] of Object.entries(launch)) params.set(name, value);
      const text = params.toString();
      const query = text ? `?${text}` : '';
      if (query !== location.search) history.replaceState(history.state, '', `${location.pathname}${query}${location.hash}`);
    },
    restart(old) {
      const settings = structuredClone(old.state);
      old.close();
      document.body.replaceWith(pristine.cloneNode(true));
      mount(settings, []);
    },
  }).then((demo) => {
    current = demo;
    // For tests and for measuring: this page's demo, its settings and timings.
    window.dropoutTopK = { demo, state: demo.state, setSetting: demo.set, ...demo.timing };
    onStart(demo);
    return demo;
  });
  window.addEventListener('error', (event) => current?.showError(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => current?.showError(event.reason));
  return mount(values, problems);
}

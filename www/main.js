// The page's wiring: loads the wasm package (compiled once, shared with the training worker), the
// English text and the shipped weights, creates the five views, and reports every error in a
// visible message area.
import { state, setSetting } from './state.js';
import { requestDraw, setErrorHandler, stepTiming, drawTiming } from './loop.js';
import { startTrainer } from './trainer.js';
import { errorMessage } from './format.js';
import { createTopKView } from './topk-view.js';
import { createDropoutView } from './dropout-view.js';
import { createOverfitView } from './overfit-view.js';
import { createContrastView } from './contrast-view.js';
import { createOwnTextView } from './owntext-view.js';

/**
 * The Burn backend the models run on: burn-flex, Burn 0.22's pure-Rust CPU backend (the
 * deprecated burn-ndarray gives the same losses; "ndarray" selects it).
 */
const BACKEND = 'flex';

/** Used when corpus/en.txt cannot be fetched: a short paragraph, repeated to a trainable length. */
const FALLBACK_TEXT = ('The town sits at the edge of the sea. The harbour is at the bottom of the hill, ' +
  'and small boats rest there when the sea is rough. When the sea is calm, the boats go out early. ').repeat(12);

const $ = (id) => document.getElementById(id);

function setStatus(text) {
  $('status').textContent = text;
}

/**
 * Shows a message in the page's message area (never as HTML).
 * @param {string} text
 * @param {{reset?: boolean}} [options] offer the Reset button (reloads the page)
 */
function showMessage(text, { reset = true } = {}) {
  $('message-text').textContent = text;
  $('reset').hidden = !reset;
  $('message').hidden = false;
}

/** @param {unknown} err */
function showError(err) {
  showMessage(`Something went wrong: ${errorMessage(err)}`);
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  return response;
}

async function loadEnglish() {
  try {
    return await (await fetchOk('corpus/en.txt')).text();
  } catch (err) {
    showMessage(`The English text (corpus/en.txt) could not be loaded (${errorMessage(err)}); ` +
      'the views that train use a short built-in paragraph instead.');
    return FALLBACK_TEXT;
  }
}

async function main() {
  $('reset').addEventListener('click', () => location.reload());
  $('dismiss').addEventListener('click', () => { $('message').hidden = true; });
  setErrorHandler(showError);
  window.addEventListener('error', (event) => showError(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => showError(event.reason));

  setStatus('Loading the WebAssembly module…');
  let wasm;
  let trainer;
  try {
    wasm = await import('./pkg/dropout_topk.js');
    // Compiled here once; the training worker instantiates the same module.
    const module = await WebAssembly.compile(await (await fetchOk('pkg/dropout_topk_bg.wasm')).arrayBuffer());
    await wasm.default({ module_or_path: module });
    trainer = await startTrainer(module, BACKEND);
    trainer.onError = showError;
  } catch (err) {
    setStatus('Could not start.');
    showMessage(`The WebAssembly package (pkg/dropout_topk.js) could not be loaded: ${errorMessage(err)}. ` +
      'Build it with “make pkg”, then press Reset.');
    return;
  }

  setStatus('Loading the English text and the shipped weights…');
  const englishText = await loadEnglish();
  let weights = null;
  let shippedDemo;
  let label = 'The shipped English model';
  try {
    weights = new Uint8Array(await (await fetchOk('model.bpk')).arrayBuffer());
    shippedDemo = wasm.Demo.withWeights(weights, BACKEND, state.seed);
  } catch (err) {
    weights = null;
    showMessage(`The shipped weights (model.bpk) could not be loaded: ${errorMessage(err)}. ` +
      'The top-k view uses an untrained model instead; the other views work. Reset tries again.');
    shippedDemo = wasm.Demo.fromText(englishText, BACKEND, state.seed);
    label = 'An untrained model (the shipped weights could not be loaded)';
  }

  const views = {};
  const shipped = { demo: shippedDemo, vocab: shippedDemo.vocab(), label, version: 0, sampleText: 'The harbour is' };
  const app = {
    wasm,
    trainer,
    backend: BACKEND,
    englishText,
    weights,
    shipped,
    active: shipped,
    showError,
    /** Makes `model` the one the top-k and contrast views use. */
    setActive(model) {
      app.active = model;
      views.topk.modelChanged();
      views.contrast.modelChanged();
      views.owntext.redraw();
    },
    /** A model took a training step: views using it must not reuse its cached logits. */
    modelTrained(model) {
      if (model === app.active) {
        views.topk.redraw();
        views.contrast.redraw();
      }
    },
    /** The dropout rate changed: the contrast view's Monte Carlo dropout uses it. */
    dropoutChanged() {
      views.contrast.redraw();
      views.owntext.dropoutChanged();
    },
  };

  views.topk = createTopKView(app);
  views.contrast = createContrastView(app, views.topk);
  views.dropout = createDropoutView(app);
  views.overfit = createOverfitView(app);
  views.owntext = createOwnTextView(app);
  const redrawAll = () => Object.values(views).forEach((view) => view.redraw());
  redrawAll();
  await Promise.all([views.dropout.start(), views.overfit.start()]);

  // Canvases follow the page's width: redraw when it changes (once per frame at most).
  let width = document.documentElement.clientWidth;
  new ResizeObserver(() => {
    const now = document.documentElement.clientWidth;
    if (now !== width) {
      width = now;
      requestDraw('all', redrawAll);
    }
  }).observe(document.documentElement);

  // For tests and for measuring: the step timings of this page.
  window.dropoutTopK = { state, setSetting, stepTiming, drawTiming, app };
  setStatus('Ready.');
}

main().catch((err) => {
  setStatus('Could not start.');
  showError(err);
});

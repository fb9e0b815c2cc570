// The top-k view: the active model's next-character distribution, the cut at k (or p), and
// seeded draws (Sample) and continuations (Generate).
import { renderBars } from './charts.js';
import { addAnimation, removeAnimation } from './loop.js';
import { tokenLabel, percent, errorMessage, setLiveText } from './format.js';

/** Bars always shown (more when more are kept, so the cut stays visible). */
const MIN_BARS = 20;
/** Characters one press of Generate appends. */
const GENERATE_LENGTH = 80;

/**
 * Sets the active model's sampling settings from the state (cheap setters in Rust).
 * @param {{state: object}} app
 * @param {any} demo a Demo
 */
export function applySampling({ state }, demo) {
  demo.setTemperature(state.temperature);
  if (state.sampler === 'top_p') demo.setTopP(state.top_p);
  else demo.setTopK(state.k);
  demo.setSeed(state.seed);
}

/**
 * The text of the current cut, for the cut line and for announcements.
 * @param {{state: object, t: Function, number: Function}} app
 * @param {number} kept how many characters survived
 * @param {number} keptMass their probability before the cut
 * @returns {string}
 */
export function cutDescription(app, kept, keptMass) {
  const { state } = app;
  if (state.sampler === 'top_p') {
    return app.t('topk.cutTopP', { p: app.number(state.top_p, 2), kept, mass: percent(keptMass, app) });
  }
  const ties = kept > state.k ? app.t('topk.ties') : '';
  return app.t('topk.cutTopK', { k: state.k, kept, ties });
}

/**
 * Rows for a bar list: tokens sorted by logit (most likely first), with their probability
 * before the cut (softmax of logits / T over the whole vocabulary) and after it.
 * @param {object} app the page's shared objects (wasm functions, active model)
 * @param {Float32Array} logits
 * @param {number} minRows
 * @param {number|null} sampledIndex
 * @param {Int32Array|null} order a fixed order to show (default: by these logits)
 * @returns {{rows: import('./charts.js').BarRow[], kept: number, keptMass: number, dist: Float32Array}}
 */
export function barRows(app, logits, minRows, sampledIndex, order = null) {
  const { state } = app;
  const { demo, vocab } = app.active;
  applySampling(app, demo);
  const dist = demo.distribution(logits);
  const original = app.wasm.topKDistribution(logits, vocab.length, state.temperature);
  const sorted = order ?? Int32Array.from(vocab.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  let kept = 0;
  let keptMass = 0;
  for (let i = 0; i < dist.length; i++) {
    if (dist[i] > 0) {
      kept += 1;
      keptMass += original[i];
    }
  }
  const count = Math.min(vocab.length, Math.max(minRows, kept + 3));
  const rows = [];
  for (const index of sorted.slice(0, count)) {
    const label = tokenLabel(vocab[index]);
    const isKept = dist[index] > 0;
    const description = isKept
      ? app.t('topk.barKept', { label, p: percent(dist[index], app), before: percent(original[index], app) })
      : app.t('topk.barCut', { label, before: percent(original[index], app) });
    rows.push({ index, label, original: original[index], shown: dist[index], kept: isKept,
      sampled: index === sampledIndex,
      description: index === sampledIndex ? app.t('topk.barDrawn', { description }) : description });
  }
  return { rows, kept, keptMass, dist };
}

/**
 * Wires the top-k view.
 * @param {object} app the page's shared objects
 * @returns {{redraw: () => void, modelChanged: () => void}}
 */
export function createTopKView(app) {
  const { $, state } = app;
  const els = {
    prompt: $('prompt'), k: $('k'), temperature: $('temperature'), top_p: $('top_p'), seed: $('seed'),
    kValue: $('k-value'), temperatureValue: $('temperature-value'), topPValue: $('top_p-value'),
    bars: $('bars'), context: $('topk-context'), unknown: $('topk-unknown'), error: $('topk-error'),
    sample: $('sample'), generate: $('generate'), clear: $('clear-generated'), generated: $('generated'),
    announce: $('announce'), model: $('topk-model'), vocabSize: $('topk-vocab-size'),
  };
  const samplerRadios = [...app.root.querySelectorAll('input[name="sampler"]')];
  // Texts this view writes from now on (in draw, so a change of language rewrites them).
  for (const el of [els.model, els.context, els.generate]) el?.removeAttribute('data-i18n');

  let sampleCount = 0; // draw number of the next Sample press
  let lastDraw = null; // { index, context, settings } of the last drawn character
  let generated = ''; // characters appended by Generate
  let generating = false;
  let firstBarsMarked = false;
  let announcement = () => ''; // the latest announcement, written in the current language

  const settingsKey = () => `${state.sampler}|${state.k}|${state.top_p}|${state.temperature}|${state.seed}`;
  const context = () => state.prompt + generated;

  const logitsFor = (text) => app.logitsFor(text);

  /** The Generate button says what a press does now: Generate, or Stop while generating. */
  function syncGenerate() {
    els.generate.textContent = app.t(generating ? 'topk.stop' : 'topk.generate');
    els.generate.setAttribute('aria-pressed', String(generating));
  }

  function syncControls() {
    const vocabSize = app.active.vocab.length;
    els.k.max = String(vocabSize);
    if (state.k > vocabSize) app.set('k', vocabSize);
    els.k.value = String(state.k);
    els.kValue.value = String(state.k);
    els.k.setAttribute('aria-valuetext', `k = ${state.k}`);
    els.temperature.value = String(state.temperature);
    els.temperatureValue.value = app.number(state.temperature, 2);
    els.temperature.setAttribute('aria-valuetext', `T = ${app.number(state.temperature, 2)}`);
    els.top_p.value = String(state.top_p);
    els.topPValue.value = app.number(state.top_p, 2);
    els.top_p.setAttribute('aria-valuetext', `p = ${app.number(state.top_p, 2)}`);
    els.k.disabled = state.sampler !== 'top_k';
    els.top_p.disabled = state.sampler !== 'top_p';
    for (const radio of samplerRadios) radio.checked = radio.value === state.sampler;
    els.vocabSize.textContent = String(vocabSize);
    els.model.textContent = app.active.label();
    syncGenerate();
    const announce = announcement();
    setLiveText(els.announce, announce);
  }

  function draw() {
    els.bars.removeAttribute('data-pending'); // the room kept for the first bars (style.css)
    syncControls();
    // While generating, the bars show the distribution the latest character was drawn from.
    const text = generating && lastDraw ? lastDraw.context : context();
    const shown = text.length > 40 ? `…${text.slice(-40)}` : text;
    els.context.textContent = app.t('topk.context', { text: shown });
    const unknown = app.active.demo.unknownCharacters(state.prompt);
    els.unknown.textContent = unknown
      ? app.t('topk.unknown', { characters: [...unknown].map(tokenLabel).join(' ') })
      : '';
    let logits;
    try {
      logits = logitsFor(text);
    } catch (err) {
      els.error.textContent = errorMessage(err);
      els.error.hidden = false;
      els.bars.replaceChildren();
      els.sample.disabled = true;
      return;
    }
    els.error.hidden = true;
    els.sample.disabled = false;
    const sampled = lastDraw && lastDraw.context === text && lastDraw.settings === settingsKey() ? lastDraw.index : null;
    const { rows, kept, keptMass } = barRows(app, logits, MIN_BARS, sampled);
    renderBars(els.bars, rows, cutDescription(app, kept, keptMass), (p) => percent(p, app));
    if (!firstBarsMarked) {
      firstBarsMarked = true;
      // Start-up timeline (make bench reads it in every engine).
      performance.mark('dropout-topk:first-bars');
    }
  }

  const redraw = () => app.requestDraw('topk', draw);

  function renderGenerated() {
    const promptSpan = document.createElement('span');
    promptSpan.className = 'prompt-text';
    promptSpan.textContent = state.prompt;
    els.generated.replaceChildren(promptSpan);
  }

  function appendGenerated(ch, last) {
    els.generated.querySelector('.latest')?.classList.remove('latest');
    const span = document.createElement('span');
    span.className = last ? 'gen latest' : 'gen';
    span.textContent = ch;
    els.generated.append(span);
  }

  function drawOne(number) {
    const text = context();
    const logits = logitsFor(text);
    applySampling(app, app.active.demo);
    const index = app.active.demo.sample(logits, number);
    lastDraw = { index, context: text, settings: settingsKey() };
    return { index, ch: app.active.vocab[index], prob: app.active.demo.distribution(logits)[index] };
  }

  /** @param {(() => string)|undefined} message the announcement, as a function of the language */
  function stopGenerating(message) {
    if (!generating) return;
    generating = false;
    removeAnimation(tick);
    if (message) announcement = message;
    syncGenerate();
    redraw();
  }

  function tick() {
    if (!generating) return false;
    try {
      const { ch } = drawOne(generated.length);
      generated += ch;
      appendGenerated(ch, true);
      redraw();
    } catch (err) {
      stopGenerating();
      app.showError(err);
      return false;
    }
    if (generated.length >= GENERATE_LENGTH) {
      const text = generated;
      stopGenerating(() => app.t('topk.generated', { n: text.length, text }));
      redraw();
      return false;
    }
    return true;
  }

  function resetDraws() {
    sampleCount = 0;
    lastDraw = null;
  }

  // Input handlers only change state and ask for one redraw in the next frame.
  els.prompt.addEventListener('input', () => {
    stopGenerating();
    app.set('prompt', els.prompt.value);
    generated = '';
    resetDraws();
    renderGenerated();
    redraw();
  });
  for (const name of ['k', 'temperature', 'top_p']) {
    els[name].addEventListener('input', () => {
      app.set(name, Number(els[name].value));
      redraw();
    });
  }
  for (const radio of samplerRadios) {
    radio.addEventListener('change', () => {
      if (radio.checked) app.set('sampler', radio.value);
      redraw();
    });
  }
  els.seed.addEventListener('change', () => {
    els.seed.value = String(app.set('seed', els.seed.value));
    resetDraws();
    redraw();
  });
  els.sample.addEventListener('click', () => {
    try {
      const number = sampleCount++;
      const { ch, prob } = drawOne(number);
      const seed = state.seed;
      announcement = () => app.t('topk.drew', { label: tokenLabel(ch), p: percent(prob, app), number, seed });
      redraw();
    } catch (err) {
      app.showError(err);
    }
  });
  els.generate.addEventListener('click', () => {
    if (generating) {
      const n = generated.length;
      stopGenerating(() => app.t('topk.stopped', { n }));
      redraw();
      return;
    }
    generated = '';
    renderGenerated();
    generating = true;
    announcement = () => app.t('topk.generating');
    syncGenerate();
    redraw();
    addAnimation(tick);
  });
  els.clear.addEventListener('click', () => {
    stopGenerating();
    generated = '';
    resetDraws();
    renderGenerated();
    announcement = () => app.t('topk.cleared');
    redraw();
  });

  els.prompt.value = state.prompt;
  els.seed.value = String(state.seed);
  renderGenerated();

  return {
    redraw,
    modelChanged() {
      stopGenerating();
      generated = '';
      resetDraws();
      renderGenerated();
      // A model that knows none of the prompt's characters cannot continue it: start from its text.
      const unknown = [...app.active.demo.unknownCharacters(state.prompt)].length;
      if (unknown === new Set(state.prompt).size && app.active.sampleText) {
        app.set('prompt', app.active.sampleText);
        els.prompt.value = state.prompt;
        renderGenerated();
      }
      redraw();
    },
  };
}

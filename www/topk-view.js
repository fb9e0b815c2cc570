// The top-k view: the active model's next-character distribution, the cut at k (or p), and
// seeded draws (Sample) and continuations (Generate).
//
// topKViewModel turns the state and the core's answer into plain data, renderTopK writes it into
// the page, and createTopKView wires the controls.
import { renderBars, renderStrip } from './charts.js';
import { tokenLabel, percent, errorText, setLiveText, showPressed, visibleEnd } from './format.js';
import { bindSlider } from './slider.js';
import { barRows, cutDescription, samplingSettings, keptSegments, SAMPLING_SETTINGS } from './next-token.js';
import { writtenByView } from './i18n.js';

/** Bars always shown: enough for a small k and a few cut ones below it (barRows adds more). */
const MIN_BARS = 8;
/** Places in the training text shown for a drawn character. */
const SOURCES_SHOWN = 3;
/** Characters one press of Generate appends. */
const GENERATE_LENGTH = 80;
/** The longest end of the context the view quotes. */
const CONTEXT_SHOWN = 40;

/** The settings this view reads. */
export const TOPK_SETTINGS = [...SAMPLING_SETTINGS, 'prompt'];

/**
 * What the top-k view shows.
 * @param {object} input
 * @param {object} input.state the demo's settings
 * @param {{vocab: string[], label: string}} input.model the active model
 * @param {string} input.text the context the bars continue
 * @param {string} input.unknown characters of the prompt the model lacks
 * @param {object|null} input.answer the core's nextToken answer (null when there is none)
 * @param {unknown} [input.error] why there is no answer
 * @param {number|null} input.sampled the index of the character drawn from this distribution
 * @param {{number: number, seed: number}|null} [input.draw] the last draw, when `answer` carries
 *   its u (the same seed and draw number under the current settings)
 * @param {boolean} input.generating
 * @param {string} input.announcement
 * @param {{t: Function, number: Function}} fmt
 */
export function topKViewModel(input, fmt) {
  const { state, model, text, answer } = input;
  const shown = visibleEnd(text, CONTEXT_SHOWN);
  return {
    vocabSize: model.vocab.length,
    modelLabel: model.label,
    sampler: state.sampler,
    kDisabled: state.sampler !== 'top_k',
    topPDisabled: state.sampler !== 'top_p',
    context: fmt.t('topk.context', { text: shown }),
    unknown: input.unknown ? fmt.t('topk.unknown', { characters: [...input.unknown].map(tokenLabel).join(' ') }) : '',
    error: answer ? null : errorText(input.error, fmt),
    rows: answer ? barRows(answer, model.vocab, { minRows: MIN_BARS, sampled: input.sampled }, fmt) : [],
    cut: answer ? cutDescription(state, answer, fmt) : '',
    strip: answer ? drawStrip(answer, model.vocab, input.draw ?? null, input.sampled, fmt) : null,
    sources: input.sources ? sourcesText(input.sources, fmt) : null,
    generateLabel: fmt.t(input.generating ? 'topk.stop' : 'topk.generate'),
    generating: input.generating,
    announcement: input.announcement,
  };
}

/**
 * Where a drawn character comes from: the longest end of the context that the training text
 * also has before that character, how often, and up to three places (the core's `sources`).
 * @param {{context: string, drawn: string, found: {suffix: string, contextCount: number, followedCount: number,
 *   examples: Array<{before: string, match: string, after: string}>}}} sources
 * @param {{t: Function, number: Function}} fmt
 */
export function sourcesText({ context: full, drawn, found }, fmt) {
  const label = tokenLabel(drawn);
  const context = [...found.suffix].map(tokenLabel).join('');
  let text;
  if (found.followedCount === 0) text = fmt.t('topk.sourcesAbsent', { drawn: label, last: tokenLabel([...full].at(-1) ?? '') });
  else text = fmt.t('topk.sources', { context, drawn: label, followed: found.followedCount,
    total: found.contextCount, share: percent(found.followedCount / found.contextCount, fmt) });
  return { text, examples: found.examples, label: fmt.t('topk.sourcesLabel', { drawn: label }) };
}

/** Writes the places a drawn character comes from, the match marked. */
function renderSources(element, sources) {
  if (!sources) {
    element.replaceChildren();
    return;
  }
  const lead = document.createElement('p');
  lead.className = 'note';
  lead.textContent = sources.text;
  const list = document.createElement('ol');
  list.setAttribute('aria-label', sources.label);
  list.append(...sources.examples.map(({ before, match, after }) => {
    const li = document.createElement('li');
    const mark = document.createElement('mark');
    mark.textContent = match;
    li.append(`…${before}`, mark, `${after}…`);
    return li;
  }));
  element.replaceChildren(lead, ...(sources.examples.length ? [list] : []));
}

/**
 * The stacked bar of the kept probabilities, most likely first, as the draw lays them out, and
 * where the draw's u falls on it.
 * @param {{probs: Float32Array, order: Uint32Array, u: number|null, index: number|null}} answer
 * @param {string[]} vocab
 * @param {{number: number, seed: number}|null} draw
 * @param {number|null} sampled the drawn index, when the settings are those of the draw
 * @param {{t: Function, number: Function}} fmt
 */
export function drawStrip(answer, vocab, draw, sampled, fmt) {
  const segments = keptSegments(answer, vocab);
  if (!draw || answer.u === null) return { segments, u: null, landed: null, text: fmt.t('topk.stripEmpty') };
  const label = tokenLabel(vocab[answer.index]);
  const u = fmt.number(answer.u, 2);
  return {
    segments, u: answer.u, landed: answer.index,
    text: sampled === answer.index ? fmt.t('topk.stripDrawn', { u, label })
      : fmt.t(draw.trained ? 'topk.stripTrained' : 'topk.stripMoved', { u, label, seed: draw.seed, number: draw.number }),
  };
}

/** Writes the stacked bar and the dart. */
function renderDrawStrip(els, strip) {
  renderStrip(els.strip, strip?.segments ?? [], strip && strip.u !== null ? [{ u: strip.u, index: strip.landed }] : []);
  setLiveText(els.stripText, strip?.text ?? '');
}

/**
 * Writes the view model into the view's elements.
 * @param {object} els
 * @param {ReturnType<typeof topKViewModel>} vm
 * @param {{t: Function, number: Function}} fmt
 */
export function renderTopK(els, vm, fmt) {
  els.bars.removeAttribute('data-pending'); // the room kept for the first bars (style.css)
  for (const radio of els.samplerRadios) radio.checked = radio.value === vm.sampler;
  // A switch to top-p (by a link, a property or the radio) opens its controls, once.
  if (vm.sampler !== els.shownSampler && vm.sampler === 'top_p' && els.cutChoice) els.cutChoice.open = true;
  els.shownSampler = vm.sampler;
  els.vocabSize.textContent = String(vm.vocabSize);
  els.model.textContent = vm.modelLabel;
  showPressed(els.generate, vm.generating, vm.generateLabel);
  setLiveText(els.announce, vm.announcement);
  els.context.textContent = vm.context;
  els.unknown.textContent = vm.unknown;
  els.error.textContent = vm.error ?? '';
  els.error.hidden = vm.error === null;
  els.sample.disabled = vm.error !== null;
  renderBars(els.bars, vm.rows, vm.cut, (p) => percent(p, fmt));
  renderDrawStrip(els, vm.strip);
  renderSources(els.sources, vm.sources);
}

function findElements(demo) {
  const { $ } = demo;
  return {
    prompt: $('prompt'), seed: $('seed'), bars: $('bars'), context: $('topk-context'), unknown: $('topk-unknown'),
    error: $('topk-error'), sample: $('sample'), generate: $('generate'), clear: $('clear-generated'),
    generated: $('generated'), announce: $('announce'), model: $('topk-model'), vocabSize: $('topk-vocab-size'),
    samplerRadios: [...demo.root.querySelectorAll('input[name="sampler"]')],
    strip: $('strip'), stripText: $('strip-text'), sources: $('sources'),
    cutChoice: demo.root.querySelector('#topk-view .cut-choice'),
    presets: [...demo.root.querySelectorAll('#topk-view [data-prompt]')],
    sliders: {
      k: bindSlider(demo, 'k', { symbol: 'k', digits: 0 }),
      temperature: bindSlider(demo, 'temperature', { symbol: 'T' }),
      top_p: bindSlider(demo, 'top_p', { symbol: 'p' }),
    },
  };
}

/** The prompt, then the generated characters, each its own span (the latest marked). */
function renderGenerated(els, prompt, generated) {
  const promptSpan = document.createElement('span');
  promptSpan.className = 'prompt-text';
  promptSpan.textContent = prompt;
  const spans = [...generated].map((ch, i) => {
    const span = document.createElement('span');
    span.className = i === generated.length - 1 ? 'gen latest' : 'gen';
    span.textContent = ch;
    return span;
  });
  els.generated.replaceChildren(promptSpan, ...spans);
}

/**
 * Wires the top-k view.
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void}}
 */
export function createTopKView(demo) {
  const { state } = demo;
  const els = findElements(demo);
  writtenByView([els.model, els.context, els.generate, els.stripText]);
  const sampling = { sampleCount: 0, lastDraw: null, sources: null, generated: '', generating: false, announcement: () => '' };
  let firstBarsMarked = false;
  const context = () => state.prompt + sampling.generated;
  const settingsKey = () => TOPK_SETTINGS.filter((n) => n !== 'prompt').map((n) => state[n]).join('|');

  /** The core's answer for `text`, with a draw when `draw` is a number. */
  function answerFor(text, draw = null) {
    const { logits, unknown } = demo.logitsFor(text);
    return { unknown, answer: demo.wasm.nextToken(logits, samplingSettings(state, draw)) };
  }

  function render() {
    // While generating, the bars show the distribution the latest character was drawn from.
    const text = sampling.generating && sampling.lastDraw ? sampling.lastDraw.context : context();
    const { lastDraw } = sampling;
    // After a draw, the same seed and draw number under the current settings: the same u.
    const version = demo.active.version;
    const draw = lastDraw && lastDraw.context === text
      ? { number: lastDraw.number, seed: state.seed, trained: lastDraw.version !== version } : null;
    let step;
    try {
      step = answerFor(text, draw ? draw.number : null);
    } catch (error) {
      step = { answer: null, error, unknown: '' };
    }
    const sampled = draw && !draw.trained && lastDraw.settings === settingsKey() ? lastDraw.index : null;
    const sources = draw && sampling.sources?.context === text ? sampling.sources : null;
    const model = { vocab: demo.active.vocab, label: demo.active.label() };
    const vm = topKViewModel({ state, model, text, ...step, sampled, draw, sources, generating: sampling.generating,
      announcement: sampling.announcement() }, demo);
    els.sliders.k.render({ max: vm.vocabSize, disabled: vm.kDisabled });
    els.sliders.temperature.render();
    els.sliders.top_p.render({ disabled: vm.topPDisabled });
    renderTopK(els, vm, demo);
    if (!firstBarsMarked && step.answer) {
      firstBarsMarked = true;
      performance.mark('dropout-topk:first-bars'); // start-up timeline (make bench reads it)
    }
  }
  const redraw = () => demo.requestRender('topk', render);

  /** Draws character number `number` after the current context; remembers it for the bars. */
  function drawOne(number) {
    const text = context();
    const { answer } = answerFor(text, number);
    sampling.lastDraw = { index: answer.index, u: answer.u, number, context: text, settings: settingsKey(),
      version: demo.active.version };
    return { index: answer.index, ch: demo.active.vocab[answer.index], prob: answer.probs[answer.index], u: answer.u };
  }

  const generation = wireGeneration(demo, els, sampling, drawOne, redraw);
  wireTopKControls(demo, els, sampling, { drawOne, redraw, generation });
  subscribeTopK(demo, els, { generation, redraw });
  return { redraw };
}

/**
 * What the top-k view does when a setting or the model changes, however the change was made (a
 * control, a preset, a link, an attribute, a property, a notebook's trait).
 */
function subscribeTopK(demo, els, { generation, redraw }) {
  const { state } = demo;
  demo.subscribe([...TOPK_SETTINGS, 'lang'], redraw);
  // However the prompt or the seed is set (its box, a preset, a link, a property, a notebook):
  // the box shows it, and what was drawn under the old one is forgotten.
  const showPrompt = () => {
    if (els.prompt.value !== state.prompt) els.prompt.value = state.prompt;
    generation.clear();
  };
  const showSeed = () => {
    els.seed.value = String(state.seed);
    generation.forgetDraws();
  };
  demo.subscribe(['prompt'], showPrompt);
  demo.subscribe(['seed'], showSeed);
  demo.on('trained', redraw);
  demo.on('active', () => {
    generation.clear();
    // A model that knows none of the prompt's characters cannot continue it: start from its text.
    const unknown = [...demo.active.handle.unknownCharacters(state.prompt)].length;
    if (unknown === new Set(state.prompt).size && demo.active.sampleText) demo.set('prompt', demo.active.sampleText);
    if (state.k > demo.active.vocab.length) demo.set('k', demo.active.vocab.length);
    redraw();
  });
  if (state.k > demo.active.vocab.length) demo.set('k', demo.active.vocab.length);
  showPrompt();
  showSeed();
}

/** Generate and Stop: one character per frame until GENERATE_LENGTH, or until stopped. */
function wireGeneration(demo, els, sampling, drawOne, redraw) {
  function stop(message) {
    if (!sampling.generating) return;
    sampling.generating = false;
    demo.removeAnimation(animate);
    showPressed(els.generate, false, demo.t('topk.generate'));
    if (message) sampling.announcement = message;
    redraw();
  }
  function tick() {
    if (!sampling.generating) return false;
    const { ch } = drawOne(sampling.generated.length);
    sampling.generated += ch;
    renderGenerated(els, demo.state.prompt, sampling.generated);
    redraw();
    if (sampling.generated.length < GENERATE_LENGTH) return true;
    const text = sampling.generated;
    stop(() => demo.t('topk.generated', { n: text.length, text }));
    return false;
  }
  /** Forgets the draws: the next Sample is draw number 0 again (a new seed). */
  function forgetDraws() {
    sampling.sampleCount = 0;
    sampling.lastDraw = null;
    sampling.sources = null;
  }
  // An error stops the generation; the loop shows it in this demo.
  const animate = () => {
    try {
      return tick();
    } catch (err) {
      stop();
      throw err;
    }
  };
  els.generate.addEventListener('click', () => {
    if (sampling.generating) {
      const n = sampling.generated.length;
      stop(() => demo.t('topk.stopped', { n }));
      return;
    }
    sampling.generated = '';
    renderGenerated(els, demo.state.prompt, '');
    sampling.generating = true;
    showPressed(els.generate, true, demo.t('topk.stop'));
    sampling.announcement = () => demo.t('topk.generating');
    redraw();
    demo.addAnimation(animate);
  });
  return {
    stop,
    forgetDraws,
    /** Stops, forgets the generated text and the draws (a new prompt or model). */
    clear() {
      stop();
      sampling.generated = '';
      forgetDraws();
      renderGenerated(els, demo.state.prompt, '');
    },
  };
}

/** The prompt, the sampler switch, the seed, Sample and Clear. */
function wireTopKControls(demo, els, sampling, { drawOne, redraw, generation }) {
  const { state } = demo;
  // The controls only set: the subscriptions (createTopKView) do the rest.
  els.prompt.addEventListener('input', () => demo.set('prompt', els.prompt.value));
  // One click to a prompt with a spread distribution or a confident one (top-k vs top-p).
  for (const button of els.presets) button.addEventListener('click', () => demo.set('prompt', button.dataset.prompt));
  for (const radio of els.samplerRadios) {
    radio.addEventListener('change', () => {
      if (radio.checked) demo.set('sampler', radio.value);
    });
  }
  // A value the seed cannot take leaves the box showing the seed in use.
  els.seed.addEventListener('change', () => { els.seed.value = String(demo.set('seed', els.seed.value)); });
  els.sample.addEventListener('click', () => {
    try {
      const number = sampling.sampleCount++;
      const { ch, prob, index, u } = drawOne(number);
      const seed = state.seed;
      const context = state.prompt + sampling.generated;
      sampling.sources = { context, drawn: ch, found: demo.active.handle.sources(context, ch, SOURCES_SHOWN) };
      sampling.announcement = () => demo.t('topk.drew', { label: tokenLabel(ch), p: percent(prob, demo), number, seed });
      redraw();
      demo.emit('sample', { char: ch, index, probability: prob, u, settings: structuredClone(state) });
    } catch (err) {
      demo.showError(err);
    }
  });
  els.clear.addEventListener('click', () => {
    generation.clear();
    sampling.announcement = () => demo.t('topk.cleared');
    redraw();
  });
}

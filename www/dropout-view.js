// The dropout view: real training steps of a model (in the training worker), the mask each
// dropout site applied, activations before and after, the same draws read at another p (by the
// core), the train / eval switch, and the loss curves.
//
// siteCard and dropoutViewModel turn the step's report into plain data, the render functions write
// it, and createDropoutView wires the controls.
import { COLORS, renderMask, renderActivations, renderLossChart, canvasWidthVersion } from './charts.js';
import { tokenLabel, percent, lossText, fixed, errorText, setLiveText, showPressed } from './format.js';
import { bindSlider } from './slider.js';
import { createTrainingRun, playButton, lossSeries, lastValue, countPoints, lossAxes, reportRedraw } from './training-run.js';
import { MODEL_SEED } from './state.js';
import { writtenByView } from './i18n.js';

/** The prompt of the train / eval comparison. */
const FIXED_PROMPT = 'The harbour is';
/** While playing, the grids show a new step's masks at most this often (ms): drawing 14 canvases
 * per step would spend the frames the page needs for input. A pressed Step always shows its own. */
const MASK_INTERVAL_MS = 200;
/** Units shown as before / after bars per site. */
const UNITS_SHOWN = 24;
/** Characters listed per press of the fixed-prompt button, and presses listed. */
const TOP_SHOWN = 4;
const RUNS_SHOWN = 4;

/** The kinds of dropout site that have a title in the dictionaries (key dropout.site.<kind>). */
const SITE_KINDS = ['embedding', 'attention_weights', 'attention_output', 'feed_forward_output'];

/**
 * A site's title: which kind, in which block.
 * @param {{kind: string, block: number|null}} site
 * @param {{t: Function}} fmt
 */
export function siteTitle(site, fmt) {
  const title = SITE_KINDS.includes(site.kind) ? fmt.t(`dropout.site.${site.kind}`) : site.kind;
  return site.block === null || site.block === undefined ? title : fmt.t('dropout.siteInBlock', { block: site.block + 1, title });
}

/**
 * Which units the before / after bars show: for [seq, d_model] sites, the first units of the
 * last position; for attention weights [heads, seq, seq], head 1's weights from the last query.
 * @param {number[]} shape
 * @param {{t: Function}} fmt
 * @returns {{indices: number[], caption: string}}
 */
export function shownUnits(shape, fmt) {
  if (shape.length === 3) {
    const [, seq, keys] = shape;
    const start = (seq - 1) * keys;
    return { indices: Array.from({ length: keys }, (_, j) => start + j),
      caption: fmt.t('dropout.unitsAttention', { position: seq, keys }) };
  }
  const [seq, width] = shape;
  const n = Math.min(UNITS_SHOWN, width);
  const start = (seq - 1) * width;
  return { indices: Array.from({ length: n }, (_, j) => start + j),
    caption: fmt.t('dropout.unitsPositions', { position: seq, n, width }) };
}

/**
 * One site's card in train mode.
 * @param {object} site a site of the step's report (web.rs trainStep)
 * @param {{mask: Uint8Array, after: Float32Array, dropped: number, scale: number}} at what the site's
 *   draws give at the slider's p (the site itself when p is the step's)
 * @param {{p: number, step: number, same: boolean}} context
 * @param {{t: Function, number: Function}} fmt
 */
export function siteCard(site, at, { p, step, same }, fmt) {
  // Units and drops count live units only: at attention weights, not the causally masked cells.
  const counts = { dropped: at.dropped, units: site.units, share: percent(at.dropped / site.units, fmt) };
  const summary = site.live
    ? fmt.t('dropout.summaryAttention', { ...counts, masked: site.live.length - site.units })
    : fmt.t('dropout.summary', counts);
  const shape = fmt.t(site.shape.length === 3 ? 'dropout.shapeAttention' : 'dropout.shapePositions', { shape: site.shape.join(' × ') });
  const { indices, caption } = shownUnits(site.shape, fmt);
  const unitMask = indices.map((j) => at.mask[j]);
  const scale = fixed(at.scale, 3, fmt);
  return {
    title: siteTitle(site, fmt),
    evalMode: false,
    summary,
    which: same
      ? fmt.t('dropout.whichSame', { step, p: fmt.number(site.p, 2) })
      : fmt.t('dropout.whichOther', { step, p: fmt.number(p, 2), stepP: fmt.number(site.p, 2) }),
    mask: at.mask,
    stepMask: same ? null : site.mask,
    live: site.live ?? null,
    shape: site.shape,
    maskLabel: fmt.t('dropout.maskLabel', { shape, summary }),
    before: indices.map((j) => site.before[j]),
    after: indices.map((j) => at.after[j]),
    unitMask,
    actsLabel: fmt.t('dropout.actsLabel', { caption, dropped: unitMask.filter((m) => m === 0).length, n: indices.length, scale }),
    caption: fmt.t('dropout.actsCaption', { caption, p: fmt.number(p, 2), scale }),
    data: { dropped: String(at.dropped), units: String(site.units), step: String(step) },
  };
}

/** One site's card in eval mode: no mask at all. */
function evalCard(site, fmt) {
  return { title: siteTitle(site, fmt), evalMode: true, summary: fmt.t('dropout.evalSummary'),
    which: fmt.t('dropout.evalWhich', { units: site.units }) };
}

/**
 * The words under the fixed-prompt button: the last presses and how the last two compare.
 * @param {Array<{number: number, p: number|null, step: number, text: string}>} runs
 * @param {{t: Function, number: Function}} fmt
 */
export function fixedPressesModel(runs, fmt) {
  const items = runs.slice(-RUNS_SHOWN).map((run) => {
    const mode = run.p === null ? fmt.t('dropout.runEval') : fmt.t('dropout.runTrain', { p: fmt.number(run.p, 2) });
    return fmt.t('dropout.run', { number: run.number, mode, step: run.step, text: run.text });
  });
  let compare = '';
  if (runs.length === 1) compare = fmt.t('dropout.pressAgain');
  else if (runs.length >= 2) {
    const [a, b] = runs.slice(-2);
    if (a.step !== b.step) compare = fmt.t('dropout.notComparable');
    else compare = fmt.t(a.text === b.text ? 'dropout.identical' : 'dropout.different');
  }
  return { items, compare };
}

/**
 * What the dropout view shows, apart from the cards.
 * @param {object} input
 * @param {object} input.state
 * @param {{ready: boolean, playing: boolean, steps: number, history: object, vocab: string[]}} input.run
 * @param {{last: number, mean: number, count: number}} input.timing
 * @param {Array<object>} input.runs presses of the fixed-prompt button
 * @param {{t: Function, number: Function}} fmt
 */
export function dropoutViewModel({ state, run, timing, runs }, fmt) {
  const evalMode = state.mode === 'eval';
  const { history } = run;
  const lossWords = fmt.t('dropout.lossText', { steps: run.steps, batch: lossText(lastValue(history.batch), fmt),
    train: lossText(lastValue(history.train), fmt), valid: lossText(lastValue(history.valid), fmt) });
  const series = lossSeries(history, fmt.t, COLORS);
  return {
    mode: state.mode,
    stepDisabled: evalMode,
    playLabel: fmt.t(run.playing ? 'common.pause' : 'common.play'),
    playing: run.playing,
    modeNote: fmt.t(evalMode ? 'dropout.modeEval' : 'dropout.modeTrain'),
    steps: run.ready ? fmt.t('dropout.steps', { n: run.steps }) : fmt.t('app.loadingModel'),
    stepTime: Number.isFinite(timing.last)
      ? fmt.t('dropout.stepTime', { last: fixed(timing.last, 1, fmt), mean: fixed(timing.mean, 1, fmt), count: timing.count })
      : fmt.t('dropout.noStep'),
    lossSeries: series,
    axes: lossAxes(run.vocab?.length ?? 0, fmt),
    lossText: lossWords,
    lossLabel: fmt.t('dropout.lossLabel', { points: countPoints(series), text: lossWords }),
    fixedPresses: fixedPressesModel(runs, fmt),
  };
}

/** The cards' elements, made once per site count. */
function ensureCards(els, cards, count) {
  if (cards.length === count) return;
  els.sites.replaceChildren();
  cards.length = 0;
  for (let i = 0; i < count; i++) {
    const card = document.createElement('article');
    card.className = 'site';
    card.dataset.site = String(i);
    card.dataset.testid = `site-${i}`;
    const [title, summary, which, caption] = ['h4', 'p', 'p', 'p'].map((tag) => document.createElement(tag));
    summary.className = 'site-summary';
    summary.id = `site-${i}-summary`;
    which.className = 'site-which';
    caption.className = 'acts-caption';
    const [mask, acts] = ['mask', 'acts'].map((name) => {
      const canvas = document.createElement('canvas');
      canvas.className = name;
      canvas.setAttribute('role', 'img');
      return canvas;
    });
    card.append(title, summary, which, mask, acts, caption);
    els.sites.append(card);
    cards.push({ card, title, summary, which, mask, acts, caption });
  }
}

/**
 * Writes the site cards (or the note that there are none).
 * @param {object} els
 * @param {Array<object>} cards the cards' elements (kept between calls)
 * @param {Array<object>|null} models the cards' view models, or null for none
 * @param {string} empty the note when there are none
 * @param {boolean} canvases false: only the text (the grids are off screen)
 * @param {(head: number) => string} headLabel
 */
export function renderSites(els, cards, models, empty, canvases, headLabel) {
  if (!models) {
    cards.length = 0;
    const note = document.createElement('p');
    note.className = 'site-empty';
    note.textContent = empty;
    els.sites.replaceChildren(note);
    return;
  }
  ensureCards(els, cards, models.length);
  models.forEach((vm, i) => {
    const c = cards[i];
    c.title.textContent = vm.title;
    c.summary.textContent = vm.summary;
    c.which.textContent = vm.which;
    for (const part of [c.mask, c.acts, c.caption]) part.hidden = vm.evalMode;
    if (vm.evalMode) return;
    Object.assign(c.card.dataset, vm.data);
    if (canvases) {
      renderMask(c.mask, vm.mask, vm.shape, vm.stepMask, headLabel, vm.live);
      renderActivations(c.acts, vm.before, vm.after, vm.unitMask);
    }
    c.mask.setAttribute('aria-label', vm.maskLabel);
    c.acts.setAttribute('aria-label', vm.actsLabel);
    c.caption.textContent = vm.caption;
  });
}

/** Writes everything but the cards. */
export function renderDropout(els, vm) {
  for (const radio of els.modeRadios) radio.checked = radio.value === vm.mode;
  els.step.disabled = vm.stepDisabled;
  els.play.disabled = vm.stepDisabled;
  showPressed(els.play, vm.playing, vm.playLabel);
  els.modeNote.textContent = vm.modeNote;
  els.steps.textContent = vm.steps;
  els.stepMs.textContent = vm.stepTime;
  renderLossChart(els.chart, vm.lossSeries, 200, vm.axes);
  els.lossText.textContent = vm.lossText;
  els.chart.setAttribute('aria-label', vm.lossLabel);
  els.fixedPresses.replaceChildren(...vm.fixedPresses.items.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
  setLiveText(els.fixedCompare, vm.fixedPresses.compare);
}

function findElements(demo) {
  const { $ } = demo;
  return {
    step: $('dropout-step'), play: $('dropout-play'), restart: $('dropout-restart'), origin: $('dropout-origin'),
    steps: $('dropout-steps'), stepMs: $('dropout-step-ms'), sites: $('sites'), chart: $('dropout-loss'),
    lossText: $('dropout-loss-text'), message: $('dropout-message'), runFixed: $('run-fixed'),
    fixedPresses: $('fixed-runs'), fixedCompare: $('fixed-compare'), modeNote: $('mode-note'),
    modeRadios: [...demo.root.querySelectorAll('input[name="mode"]')],
    slider: bindSlider(demo, 'dropout_p', { symbol: 'r' }),
  };
}

/**
 * Wires the dropout view around its own model (fresh weights on the English text, or a copy
 * of the shipped weights).
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void, start: () => Promise<void>, run: object}} run: its training run
 */
export function createDropoutView(demo) {
  const { state } = demo;
  const els = findElements(demo);
  writtenByView([els.play, els.steps, els.stepMs]);
  const shown = { sites: [], step: 0, version: 0, drawn: true, key: '', onScreen: true, cards: [] };
  const fixedPresses = { runs: [], mcDraw: 0 };
  const run = createTrainingRun(demo.model(), {
    rate: () => state.dropout_p,
    timing: demo.stepTiming,
    onChange(report) {
      if (report?.sites.length) Object.assign(shown, { sites: report.sites, step: report.step, version: shown.version + 1, drawn: false });
      if (report) demo.emit('step', { view: 'dropout', step: report.step, loss: report.loss, rate: report.rate });
      if (report) redrawReport();
      else redraw();
    },
    onError: (err) => demo.showError(err),
    onPlaying: playButton(demo, els.play),
  });
  // Seven mask grids are the costliest drawing on the page: while they are off screen only their
  // text is updated (training keeps going); they are drawn when they scroll into view.
  demo.observe(new IntersectionObserver((entries) => {
    shown.onScreen = entries.some((entry) => entry.isIntersecting);
    if (shown.onScreen) redraw();
  }), els.sites);

  function showSites() {
    const p = state.dropout_p;
    const models = !shown.sites.length ? null : shown.sites.map((site) => {
      if (state.mode === 'eval') return evalCard(site, demo);
      // The step's own mask, or what the same draws give at the slider's p (by the core).
      const same = site.p === Math.fround(p);
      const at = same ? site : demo.wasm.dropoutAt(site.draws, site.before, p, site.live ?? undefined);
      return siteCard(site, at, { p, step: shown.step, same }, demo);
    });
    const empty = demo.t(state.mode === 'eval' ? 'dropout.emptyEval' : 'dropout.emptyTrain');
    renderSites(els, shown.cards, models, empty, shown.onScreen, (head) => demo.t('dropout.head', { n: head }));
  }

  function render() {
    els.slider.render();
    renderDropout(els, dropoutViewModel({ state, run, timing: demo.stepTiming, runs: fixedPresses.runs }, demo));
    if (!run.ready) return;
    // The grids change only with a new step, p, the mode, the language or a width: not with every loss.
    const key = `${shown.version}|${state.dropout_p}|${state.mode}|${state.lang}|${shown.onScreen}|${canvasWidthVersion()}`;
    if (key !== shown.key) {
      shown.key = key;
      showSites();
    }
    // Drawn: the worker may send the masks of a later step.
    if (!shown.drawn) {
      shown.drawn = true;
      if (run.playing) setTimeout(() => { if (run.playing) run.model.wantSites(); }, MASK_INTERVAL_MS);
    }
  }
  const redraw = () => demo.requestRender('dropout', render);
  const redrawReport = reportRedraw(redraw, () => run.playing);

  const restart = () => createModel(demo, els, run, { shown, fixedPresses }).finally(redraw);
  wireDropoutControls(demo, els, run, { restart, redraw, fixedPresses });
  demo.subscribe(['dropout_p', 'mode', 'lang'], redraw);
  demo.subscribe(['dropout_p'], run.rateChanged);
  // Evaluation mode trains nothing: however the mode was set, a model that plays stops.
  demo.subscribe(['mode'], () => { if (state.mode === 'eval') run.pause(); });
  return { redraw, start: restart, run };
}

/** A fresh model on the English text, or a copy of the shipped weights, in the worker. */
async function createModel(demo, els, run, { shown, fixedPresses }) {
  const fresh = els.origin.value !== 'shipped' || !demo.weights;
  const source = fresh ? { text: demo.englishText } : { weights: demo.weights };
  Object.assign(shown, { sites: [], step: 0, version: shown.version + 1 });
  Object.assign(fixedPresses, { runs: [], mcDraw: 0 });
  try {
    await run.create({ ...source, backend: demo.state.backend, seed: MODEL_SEED, observe: true });
    els.message.textContent = '';
  } catch (err) {
    els.message.textContent = errorText(err, demo);
  }
}

/** Step, Play, the mode switch, Start again, the origin and the fixed-prompt button. */
function wireDropoutControls(demo, els, run, { restart, redraw, fixedPresses }) {
  const { state } = demo;
  for (const radio of els.modeRadios) {
    radio.addEventListener('change', () => {
      if (radio.checked) demo.set('mode', radio.value);
    });
  }
  els.step.addEventListener('click', () => run.step(true).catch(demo.showError));
  els.play.addEventListener('click', async () => {
    run.toggle();
    // Playing: the first steps it plays show their masks (later ones as the page draws them).
    if (run.playing && (await run.whenReady())) run.model.wantSites();
  });
  els.restart.addEventListener('click', restart);
  els.origin.addEventListener('change', restart);
  els.runFixed.addEventListener('click', async () => {
    if (!(await run.whenReady())) return;
    const evalMode = state.mode === 'eval';
    try {
      // Eval: the deterministic forward pass. Train: dropout on, fresh masks per press.
      const mc = evalMode ? null : { p: state.dropout_p, seed: MODEL_SEED, draw: fixedPresses.mcDraw++ };
      const { probs, order } = demo.wasm.nextToken(await run.model.logits(FIXED_PROMPT, mc), {});
      const text = Array.from(order.slice(0, TOP_SHOWN), (i) => `${tokenLabel(run.vocab[i])} ${percent(probs[i], demo, 2)}`).join(' · ');
      fixedPresses.runs.push({ number: fixedPresses.runs.length + 1, p: evalMode ? null : state.dropout_p, step: run.steps, text });
    } catch (err) {
      demo.showError(err);
    }
    redraw();
  });
  if (!demo.weights) els.origin.querySelector('option[value="shipped"]').disabled = true;
}

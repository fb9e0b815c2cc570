// Monte Carlo dropout, the switch at the end of the contrast section (#contrast-view, after the
// two-model picture of thesis-view.js): with dropout off at inference the distribution is fixed
// and only the draw varies; with dropout left on (Monte Carlo dropout) the distribution itself changes per draw.
//
// mcDropoutViewModel turns the draws and the core's answers into plain data, renderMcDropout writes
// it, and createMcDropoutView wires the controls.
import { renderBars } from './charts.js';
import { tokenLabel, percent, errorText, setLiveText, showPressed } from './format.js';
import { barRows, cutDescription, samplingSettings, SAMPLING_SETTINGS } from './next-token.js';
import { writtenByView } from './i18n.js';

/** Frames between two draws while playing: about 4 draws a second at 60 Hz, or 1 a second
 * when the reader asks for reduced motion (the bars jump at every draw). */
const framesPerDraw = () => (matchMedia('(prefers-reduced-motion: reduce)').matches ? 60 : 15);
/** Draws kept in the history strip and in the spread summary. */
export const HISTORY = 12;
/** Draws remembered before the oldest are dropped (a long Play stays small). */
const MAX_DRAWS = 200;
/** Bars shown. */
const BARS = 8;
/** Probabilities closer than this count as the same (the fixed model gives identical floats). */
const SAME_PROB = 1e-7;

/** The settings this view reads. */
export const MC_DROPOUT_SETTINGS = [...SAMPLING_SETTINGS, 'prompt', 'dropout_p', 'mc_dropout'];

/**
 * How the probability of the most likely character moved across recent draws of one kind.
 * @param {Array<{mc: boolean, top: number, topProb: number}>} recent the last draws
 * @param {boolean} mc the kind shown now
 * @param {string[]} vocab
 * @param {{t: Function, number: Function}} fmt
 * @returns {string}
 */
export function spreadSummary(recent, mc, vocab, fmt) {
  const last = recent[recent.length - 1];
  const same = recent.filter((d) => d.mc === mc && d.top === last?.top);
  if (same.length < 2) return fmt.t('contrast.pressDraw');
  const probs = same.map((d) => d.topProb);
  const lo = Math.min(...probs);
  const hi = Math.max(...probs);
  const label = tokenLabel(vocab[same[0].top]);
  return hi - lo < SAME_PROB
    ? fmt.t('contrast.stayed', { n: same.length, label, p: percent(lo, fmt) })
    : fmt.t('contrast.moved', { n: same.length, label, lo: percent(lo, fmt), hi: percent(hi, fmt) });
}

/**
 * What the contrast view shows.
 * @param {object} input
 * @param {object} input.state
 * @param {string[]} input.vocab
 * @param {object|null} input.answer the core's answer for the shown logits (null: none)
 * @param {ArrayLike<number>} [input.order] the order of the fixed distribution
 * @param {number|null} input.sampled
 * @param {unknown} [input.error]
 * @param {Array<{number: number, index: number, mc: boolean, top: number, topProb: number}>} input.draws
 * @param {boolean} input.playing
 * @param {{t: Function, number: Function}} fmt
 */
export function mcDropoutViewModel(input, fmt) {
  const { state, vocab, answer, draws } = input;
  const recent = draws.slice(-HISTORY);
  return {
    mc: state.mc_dropout,
    playLabel: fmt.t(input.playing ? 'common.pause' : 'common.play'),
    playing: input.playing,
    caption: state.mc_dropout
      ? fmt.t('contrast.captionOn', { p: fmt.number(state.dropout_p, 2) })
      : fmt.t('contrast.captionOff'),
    rows: answer ? barRows(answer, vocab, { minRows: BARS, sampled: input.sampled, order: input.order }, fmt).slice(0, BARS) : [],
    cut: answer && answer.kept < BARS ? cutDescription(state, answer, fmt) : '',
    history: recent.map((d) => ({
      text: tokenLabel(vocab[d.index]),
      mc: d.mc,
      label: fmt.t('contrast.historyItem', { number: d.number, label: tokenLabel(vocab[d.index]), mc: d.mc ? fmt.t('contrast.historyMc') : '' }),
    })),
    summary: answer ? spreadSummary(recent, state.mc_dropout, vocab, fmt)
      : fmt.t('contrast.noDistribution', { message: errorText(input.error, fmt) }),
  };
}

/**
 * @param {object} els
 * @param {ReturnType<typeof mcDropoutViewModel>} vm
 * @param {{t: Function, number: Function}} fmt
 */
export function renderMcDropout(els, vm, fmt) {
  els.mc.checked = vm.mc;
  showPressed(els.play, vm.playing, vm.playLabel);
  els.caption.textContent = vm.caption;
  renderBars(els.bars, vm.rows, vm.cut, (x) => percent(x, fmt));
  els.history.replaceChildren(...vm.history.map((item) => {
    const li = document.createElement('li');
    li.textContent = item.text;
    li.className = item.mc ? 'mc' : 'fixed';
    li.setAttribute('aria-label', item.label);
    return li;
  }));
  setLiveText(els.summary, vm.summary);
}

/** The fixed model's answer for the prompt (no draw). */
function referenceAnswer(demo) {
  return demo.wasm.nextToken(demo.logitsFor(demo.state.prompt).logits, samplingSettings(demo.state));
}

/**
 * Draws the next character: from the fixed distribution, or (Monte Carlo dropout) from a
 * distribution with fresh masks for this draw number. Records it in `presses`.
 */
function drawOnce(demo, presses) {
  const { state } = demo;
  const number = presses.draws.length ? presses.draws[presses.draws.length - 1].number + 1 : 0;
  // Dropout off: the cached deterministic logits. On: fresh masks for each draw number.
  const logits = state.mc_dropout
    ? demo.active.handle.mcDropoutLogits(state.prompt, state.dropout_p, state.seed, number)
    : demo.logitsFor(state.prompt).logits;
  const answer = demo.wasm.nextToken(logits, samplingSettings(state, number));
  const top = referenceAnswer(demo).order[0];
  // The probability the draw used, after temperature and the cut (0 if this draw cut it).
  presses.draws.push({ number, index: answer.index, mc: state.mc_dropout, top, topProb: answer.probs[top] });
  if (presses.draws.length > MAX_DRAWS) presses.draws = presses.draws.slice(-HISTORY);
  presses.current = { logits, index: answer.index, prompt: state.prompt, mc: state.mc_dropout };
}

/**
 * Wires the contrast view; it uses the top-k view's model, prompt, k and temperature.
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void}}
 */
export function createMcDropoutView(demo) {
  const { $, state } = demo;
  const els = {
    mc: $('mc_dropout'), draw: $('contrast-draw'), play: $('contrast-play'), bars: $('contrast-bars'),
    history: $('contrast-history'), summary: $('contrast-summary'), caption: $('contrast-caption'),
  };
  const presses = { draws: [], current: null, playing: false };
  writtenByView([els.play]);

  function render() {
    let input;
    try {
      const fixed = referenceAnswer(demo);
      // Bars keep the order of the deterministic distribution, so jitter shows as bars moving.
      const { current } = presses;
      const fresh = current && current.prompt === state.prompt && current.mc === state.mc_dropout;
      const answer = fresh ? demo.wasm.nextToken(current.logits, samplingSettings(state)) : fixed;
      input = { answer, order: fixed.order, sampled: fresh ? current.index : null };
    } catch (error) {
      input = { answer: null, error };
    }
    renderMcDropout(els, mcDropoutViewModel({ state, vocab: demo.active.vocab, draws: presses.draws, playing: presses.playing, ...input },
      demo), demo);
  }
  const redraw = () => demo.requestRender('mc-dropout', render);

  // Monte Carlo dropout switched on (by the switch, a link, a property) opens its disclosure.
  const details = els.mc.closest('details');
  const openDetails = () => { if (details && state.mc_dropout) details.open = true; };
  openDetails();
  wireContrastControls(demo, els, presses, redraw);
  demo.subscribe(['mc_dropout'], openDetails);
  demo.subscribe([...MC_DROPOUT_SETTINGS, 'lang'], redraw);
  demo.on('trained', redraw);
  demo.on('active', () => {
    presses.draws = [];
    presses.current = null;
    redraw();
  });
  return { redraw };
}

/** The Monte Carlo switch, Draw, and Play / Pause (a draw every few frames). */
function wireContrastControls(demo, els, presses, redraw) {
  const perDraw = framesPerDraw();
  let frames = 0;
  const animate = () => {
    if (!presses.playing) return false;
    frames += 1;
    if (frames % perDraw === 1) {
      try {
        drawOnce(demo, presses);
      } catch (err) {
        stop();
        throw err;
      }
      redraw();
    }
    return true;
  };
  function stop() {
    presses.playing = false;
    demo.removeAnimation(animate);
    showPressed(els.play, false, demo.t('common.play'));
    redraw();
  }
  els.mc.addEventListener('change', () => demo.set('mc_dropout', els.mc.checked));
  els.draw.addEventListener('click', () => {
    try {
      drawOnce(demo, presses);
    } catch (err) {
      demo.showError(err);
    }
    redraw();
  });
  els.play.addEventListener('click', () => {
    if (presses.playing) {
      stop();
      return;
    }
    presses.playing = true;
    showPressed(els.play, true, demo.t('common.pause'));
    frames = 0;
    redraw();
    demo.addAnimation(animate);
  });
}

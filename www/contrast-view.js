// The contrast view: with dropout off at inference the distribution is fixed and only the draw
// varies; with dropout left on (Monte Carlo dropout) the distribution itself changes per draw.
import { renderBars } from './charts.js';
import { addAnimation, removeAnimation } from './loop.js';
import { tokenLabel, percent, errorText, setLiveText } from './format.js';
import { applySampling, barRows, cutDescription } from './topk-view.js';

/** Frames between two draws while playing: about 4 draws a second at 60 Hz, or 1 a second
 * when the reader asks for reduced motion (the bars jump at every draw). */
const FRAMES_PER_DRAW = matchMedia('(prefers-reduced-motion: reduce)').matches ? 60 : 15;
/** Draws kept in the history strip and in the spread summary. */
const HISTORY = 12;
/** Bars shown. */
const BARS = 8;

/**
 * Wires the contrast view; it uses the top-k view's model, prompt, k and temperature.
 * @param {object} app the page's shared objects
 * @returns {{redraw: () => void, modelChanged: () => void}}
 */
export function createContrastView(app) {
  const { $, state } = app;
  const els = {
    mc: $('mc_dropout'), draw: $('contrast-draw'), play: $('contrast-play'), bars: $('contrast-bars'),
    history: $('contrast-history'), summary: $('contrast-summary'), caption: $('contrast-caption'),
  };
  let draws = []; // { number, index, mc, topProb }
  let current = null; // the last draw's logits and index
  let playing = false;
  let frames = 0;
  // Texts this view writes from now on (in draw, so a change of language rewrites them).
  els.play?.removeAttribute('data-i18n');

  function drawOnce() {
    const { demo } = app.active;
    const number = draws.length ? draws[draws.length - 1].number + 1 : 0;
    demo.setDropout(state.dropout_p);
    applySampling(app, demo);
    // Dropout off: the cached deterministic logits. On: a fresh mask for each draw number.
    const logits = state.mc_dropout ? demo.mcDropoutLogits(state.prompt, number) : app.logitsFor(state.prompt);
    const index = demo.sample(logits, number);
    const reference = app.logitsFor(state.prompt);
    let top = 0;
    for (let i = 1; i < reference.length; i++) if (reference[i] > reference[top]) top = i;
    // The probability the draw used, after temperature and the cut (0 if this draw cut it).
    const probs = demo.distribution(logits);
    draws.push({ number, index, mc: state.mc_dropout, top, topProb: probs[top] });
    if (draws.length > 200) draws = draws.slice(-HISTORY);
    current = { logits, index, prompt: state.prompt, mc: state.mc_dropout };
  }

  function draw() {
    els.mc.checked = state.mc_dropout;
    const { vocab } = app.active;
    syncPlay();
    els.caption.textContent = state.mc_dropout
      ? app.t('contrast.captionOn', { p: app.number(state.dropout_p, 2) })
      : app.t('contrast.captionOff');
    let reference;
    try {
      reference = app.logitsFor(state.prompt);
    } catch (err) {
      els.bars.replaceChildren();
      els.summary.textContent = app.t('contrast.noDistribution', { message: errorText(err, app) });
      return;
    }
    // Bars keep the order of the deterministic distribution, so jitter shows as bars moving.
    const order = Int32Array.from(vocab.keys()).sort((a, b) => reference[b] - reference[a] || a - b);
    const fresh = current && current.prompt === state.prompt && current.mc === state.mc_dropout;
    const logits = fresh ? current.logits : reference;
    const sampled = fresh ? current.index : null;
    const { rows, kept, keptMass } = barRows(app, logits, BARS, sampled, order);
    renderBars(els.bars, rows.slice(0, Math.max(BARS, 0)), kept < BARS ? cutDescription(app, kept, keptMass) : '',
      (x) => percent(x, app));
    const recent = draws.slice(-HISTORY);
    els.history.replaceChildren(...recent.map((d) => {
      const li = document.createElement('li');
      li.textContent = tokenLabel(vocab[d.index]);
      li.className = d.mc ? 'mc' : 'fixed';
      li.setAttribute('aria-label', app.t('contrast.historyItem',
        { number: d.number, label: tokenLabel(vocab[d.index]), mc: d.mc ? app.t('contrast.historyMc') : '' }));
      return li;
    }));
    let summary;
    const same = recent.filter((d) => d.mc === state.mc_dropout && d.top === recent[recent.length - 1]?.top);
    if (same.length >= 2) {
      const probs = same.map((d) => d.topProb);
      const lo = Math.min(...probs);
      const hi = Math.max(...probs);
      const label = tokenLabel(vocab[same[0].top]);
      summary = hi - lo < 1e-7
        ? app.t('contrast.stayed', { n: same.length, label, p: percent(lo, app) })
        : app.t('contrast.moved', { n: same.length, label, lo: percent(lo, app), hi: percent(hi, app) });
    } else {
      summary = app.t('contrast.pressDraw');
    }
    setLiveText(els.summary, summary);
  }

  /** The Play button says what a press does now: Play, or Pause while playing. */
  function syncPlay() {
    els.play.textContent = app.t(playing ? 'common.pause' : 'common.play');
    els.play.setAttribute('aria-pressed', String(playing));
  }

  const redraw = () => app.requestDraw('contrast', draw);

  function tick() {
    if (!playing) return false;
    frames += 1;
    if (frames % FRAMES_PER_DRAW === 1) {
      drawOnce();
      redraw();
    }
    return true;
  }

  const animate = () => {
    try {
      return tick();
    } catch (err) {
      stop();
      app.showError(err);
      return false;
    }
  };

  function stop() {
    playing = false;
    removeAnimation(animate);
    syncPlay();
  }

  els.mc.addEventListener('change', () => {
    app.set('mc_dropout', els.mc.checked);
    redraw();
  });
  els.draw.addEventListener('click', () => {
    try {
      drawOnce();
    } catch (err) {
      app.showError(err);
    }
    redraw();
  });
  els.play.addEventListener('click', () => {
    if (playing) {
      stop();
      return;
    }
    playing = true;
    frames = 0;
    syncPlay();
    addAnimation(animate);
  });

  return {
    redraw,
    modelChanged() {
      draws = [];
      current = null;
      redraw();
    },
  };
}

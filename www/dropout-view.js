// The dropout view: real training steps of a model (in the training worker), the mask each
// dropout site applied, activations before and after, re-thresholding the same draws at another
// p, the train / eval switch, and the loss curves.
import { COLORS, drawMask, drawActivations, drawLossChart, canvasWidthVersion } from './charts.js';
import { stepTiming } from './loop.js';
import { tokenLabel, percent, lossText, fixed, errorText, setLiveText } from './format.js';

/** The prompt of the train / eval comparison. */
const FIXED_PROMPT = 'The harbour is';
/** While playing, the grids show a new step's masks at most this often (ms): drawing 14 canvases
 * per step would spend the frames the page needs for input. A pressed Step always shows its own. */
const MASK_INTERVAL_MS = 200;
/** Units shown as before / after bars per site. */
const UNITS_SHOWN = 24;

/** The kinds of dropout site that have a title in the dictionaries (key dropout.site.<kind>). */
const SITE_KINDS = ['embedding', 'attention_weights', 'attention_output', 'feed_forward_output'];

/**
 * A site's title: which kind, in which block.
 * @param {{t: Function}} app
 * @param {{kind: string, block: number|null}} info
 * @returns {string}
 */
function siteTitle(app, info) {
  const title = SITE_KINDS.includes(info.kind) ? app.t(`dropout.site.${info.kind}`) : info.kind;
  return info.block === null || info.block === undefined ? title : app.t('dropout.siteInBlock', { block: info.block + 1, title });
}

/**
 * Which units the before / after bars show: for [seq, d_model] sites, the first units of the
 * last position; for attention weights [heads, seq, seq], head 1's weights from the last query.
 * @param {{t: Function}} app
 * @param {number[]} shape
 * @returns {{indices: number[], caption: string}}
 */
function shownUnits(app, shape) {
  if (shape.length === 3) {
    const [, seq, keys] = shape;
    const start = (seq - 1) * keys;
    return { indices: Array.from({ length: keys }, (_, j) => start + j),
      caption: app.t('dropout.unitsAttention', { position: seq, keys }) };
  }
  const [seq, width] = shape;
  const n = Math.min(UNITS_SHOWN, width);
  const start = (seq - 1) * width;
  return { indices: Array.from({ length: n }, (_, j) => start + j),
    caption: app.t('dropout.unitsPositions', { position: seq, n, width }) };
}

/**
 * Wires the dropout view around its own model (fresh weights on the English text, or a copy
 * of the shipped weights).
 * @param {object} app the page's shared objects
 * @returns {{redraw: () => void, start: () => void}}
 */
export function createDropoutView(app) {
  const { $, state } = app;
  const els = {
    p: $('dropout_p'), pValue: $('dropout_p-value'), step: $('dropout-step'), play: $('dropout-play'),
    restart: $('dropout-restart'), origin: $('dropout-origin'), steps: $('dropout-steps'), stepMs: $('dropout-step-ms'),
    sites: $('sites'), chart: $('dropout-loss'), lossText: $('dropout-loss-text'), message: $('dropout-message'),
    runFixed: $('run-fixed'), fixedRuns: $('fixed-runs'), fixedCompare: $('fixed-compare'), modeNote: $('mode-note'),
  };
  const modeRadios = [...app.root.querySelectorAll('input[name="mode"]')];
  // Texts this view writes from now on (in draw, so a change of language rewrites them).
  for (const el of [els.play, els.steps, els.stepMs]) el?.removeAttribute('data-i18n');

  const model = app.trainer.model();
  let ready = false; // the model exists in the worker
  let steps = 0; // steps taken, as last reported
  let vocab = [];
  let sites = []; // the last observed step's sites: { info, mask, draws, before, after }
  let sitesStep = 0; // which step those are from
  let sitesDrawn = true; // the page has drawn them (the worker may send the next step's)
  let sitesKey = ''; // what the grids show now (see draw)
  let sitesVersion = 0; // grows whenever sites change
  let history = { batch: [], train: [], valid: [] };
  let playing = false;
  let runs = []; // presses of the fixed-prompt button: { number, p (null in eval), step, text }
  let mcDraw = 0;
  const cards = [];
  // Seven mask grids are the costliest drawing on the page: while they are off screen only their
  // text is updated (training keeps going); they are drawn when they scroll into view.
  let sitesOnScreen = true;
  new IntersectionObserver((entries) => {
    sitesOnScreen = entries.some((entry) => entry.isIntersecting);
    if (sitesOnScreen) redraw();
  }).observe(els.sites);

  function measured(m) {
    history.train.push([m.step, m.train]);
    history.valid.push([m.step, m.valid]);
  }

  /** A fresh model on the English text, or a copy of the shipped weights, in the worker. */
  async function create() {
    pause();
    ready = false;
    const fresh = els.origin.value !== 'shipped' || !app.weights;
    const source = fresh ? { text: app.englishText } : { weights: app.weights };
    sites = [];
    sitesStep = 0;
    sitesVersion += 1;
    steps = 0;
    history = { batch: [], train: [], valid: [] };
    runs = [];
    mcDraw = 0;
    const creating = model.create({ ...source, backend: state.backend, seed: state.seed, dropout_p: state.dropout_p, observe: true });
    redraw();
    const created = await creating;
    vocab = created.vocab;
    measured(created.measured);
    ready = true;
  }

  /** Every step of this model, played or pressed, reports here. */
  model.onReport = (report) => {
    steps = report.step;
    history.batch.push([report.step, report.loss]);
    if (report.measured) measured(report.measured);
    if (report.sites) {
      sites = report.sites;
      sitesStep = report.step;
      sitesVersion += 1;
      sitesDrawn = false;
    }
    redraw();
  };
  model.onError = (err) => {
    pause();
    app.showError(err);
  };

  /**
   * Waits while the model is being created in the worker, so a press during loading acts as soon
   * as it can instead of being lost (the worker runs commands in the order they were sent).
   * @returns {Promise<boolean>} whether the model exists now
   */
  async function whenReady() {
    if (!ready) await model.created;
    return ready;
  }

  function pause() {
    if (playing) model.play(false);
    playing = false;
    syncPlay();
  }

  /** The Play button says what a press does now: Play, or Pause while playing. */
  function syncPlay() {
    els.play.textContent = app.t(playing ? 'common.pause' : 'common.play');
    els.play.setAttribute('aria-pressed', String(playing));
  }

  function ensureCards() {
    if (cards.length === sites.length) return;
    els.sites.replaceChildren();
    cards.length = 0;
    sites.forEach((site, i) => {
      const card = document.createElement('article');
      card.className = 'site';
      card.dataset.site = String(i);
      card.dataset.testid = `site-${i}`;
      const h = document.createElement('h4');
      const summary = document.createElement('p');
      summary.className = 'site-summary';
      summary.id = `site-${i}-summary`;
      const which = document.createElement('p');
      which.className = 'site-which';
      const mask = document.createElement('canvas');
      mask.className = 'mask';
      mask.setAttribute('role', 'img');
      const acts = document.createElement('canvas');
      acts.className = 'acts';
      acts.setAttribute('role', 'img');
      const caption = document.createElement('p');
      caption.className = 'acts-caption';
      card.append(h, summary, which, mask, acts, caption);
      els.sites.append(card);
      cards.push({ card, title: h, summary, which, mask, acts, caption });
    });
  }

  /** @param {boolean} canvases false: only the text (the grids are off screen) */
  function drawSites(canvases) {
    const evalMode = state.mode === 'eval';
    if (!sites.length) {
      cards.length = 0;
      const note = document.createElement('p');
      note.className = 'site-empty';
      note.textContent = app.t(evalMode ? 'dropout.emptyEval' : 'dropout.emptyTrain');
      els.sites.replaceChildren(note);
      return;
    }
    ensureCards();
    const p = state.dropout_p;
    sites.forEach((site, i) => {
      const c = cards[i];
      const { info } = site;
      c.title.textContent = siteTitle(app, info);
      c.mask.hidden = evalMode;
      c.acts.hidden = evalMode;
      c.caption.hidden = evalMode;
      if (evalMode) {
        c.summary.textContent = app.t('dropout.evalSummary');
        c.which.textContent = app.t('dropout.evalWhich', { units: info.units });
        return;
      }
      // The step's own mask, or the same draws read at the slider's p (kept iff u >= p).
      const same = Math.abs(p - info.p) < 1e-6;
      const mask = same ? site.mask : Uint8Array.from(site.draws, (u) => (u >= p ? 1 : 0));
      let dropped = 0;
      for (const m of mask) dropped += m === 0 ? 1 : 0;
      const summary = app.t('dropout.summary', { dropped, units: info.units, share: percent(dropped / info.units, app) });
      c.summary.textContent = summary;
      c.which.textContent = same
        ? app.t('dropout.whichSame', { step: sitesStep, p: app.number(info.p, 2) })
        : app.t('dropout.whichOther', { step: sitesStep, p: app.number(p, 2), stepP: app.number(info.p, 2) });
      c.card.dataset.dropped = String(dropped);
      c.card.dataset.units = String(info.units);
      c.card.dataset.step = String(sitesStep);
      if (canvases) drawMask(c.mask, mask, info.shape, same ? null : site.mask, (head) => app.t('dropout.head', { n: head }));
      const shape = app.t(info.shape.length === 3 ? 'dropout.shapeAttention' : 'dropout.shapePositions', { shape: info.shape.join(' × ') });
      c.mask.setAttribute('aria-label', app.t('dropout.maskLabel', { shape, summary }));
      const { indices, caption } = shownUnits(app, info.shape);
      const before = indices.map((j) => site.before[j]);
      const unitMask = indices.map((j) => mask[j]);
      const scale = p < 1 ? 1 / (1 - p) : 0;
      // At the step's own p these are the step's outputs; at another p, what that rate would give.
      const after = same ? indices.map((j) => site.after[j]) : before.map((b, j) => (unitMask[j] ? b * scale : 0));
      if (canvases) drawActivations(c.acts, before, after, unitMask);
      const droppedShown = unitMask.filter((m) => m === 0).length;
      const scaleText = fixed(scale, 3, app);
      c.acts.setAttribute('aria-label', app.t('dropout.actsLabel', { caption, dropped: droppedShown, n: indices.length, scale: scaleText }));
      c.caption.textContent = app.t('dropout.actsCaption', { caption, p: app.number(p, 2), scale: scaleText });
    });
  }

  function drawLoss() {
    const points = drawLossChart(els.chart, [
      { name: 'batch loss, dropout on', color: COLORS.grey, width: 1, points: history.batch },
      { name: 'training loss, dropout off', color: COLORS.blue, dots: true, points: history.train },
      { name: 'validation loss', color: COLORS.orange, dash: [6, 4], dots: true, points: history.valid },
    ]);
    const last = (series) => (series.length ? series[series.length - 1][1] : NaN);
    const text = app.t('dropout.lossText', { steps, batch: lossText(last(history.batch), app),
      train: lossText(last(history.train), app), valid: lossText(last(history.valid), app) });
    els.lossText.textContent = text;
    els.chart.setAttribute('aria-label', app.t('dropout.lossLabel', { points, text }));
  }

  function drawFixedRuns() {
    els.fixedRuns.replaceChildren(...runs.slice(-4).map((run) => {
      const li = document.createElement('li');
      const mode = run.p === null ? app.t('dropout.runEval') : app.t('dropout.runTrain', { p: app.number(run.p, 2) });
      li.textContent = app.t('dropout.run', { number: run.number, mode, step: run.step, text: run.text });
      return li;
    }));
    let compare = '';
    if (runs.length === 1) compare = app.t('dropout.pressAgain');
    else if (runs.length >= 2) {
      const [a, b] = runs.slice(-2);
      if (a.step !== b.step) compare = app.t('dropout.notComparable');
      else if (a.text === b.text) compare = app.t('dropout.identical');
      else compare = app.t('dropout.different');
    }
    setLiveText(els.fixedCompare, compare);
  }

  function draw() {
    els.p.value = String(state.dropout_p);
    els.pValue.value = app.number(state.dropout_p, 2);
    els.p.setAttribute('aria-valuetext', `p = ${app.number(state.dropout_p, 2)}`);
    for (const radio of modeRadios) radio.checked = radio.value === state.mode;
    const evalMode = state.mode === 'eval';
    els.step.disabled = evalMode;
    els.play.disabled = evalMode;
    els.modeNote.textContent = app.t(evalMode ? 'dropout.modeEval' : 'dropout.modeTrain');
    syncPlay();
    els.steps.textContent = ready ? app.t('dropout.steps', { n: steps }) : app.t('app.loadingModel');
    els.stepMs.textContent = Number.isFinite(stepTiming.last)
      ? app.t('dropout.stepTime', { last: fixed(stepTiming.last, 1, app), mean: fixed(stepTiming.mean, 1, app), count: stepTiming.count })
      : app.t('dropout.noStep');
    if (!ready) return;
    // The grids change only with a new step, p, the mode, the language or a width: not with every loss.
    const key = `${sitesVersion}|${state.dropout_p}|${state.mode}|${state.lang}|${sitesOnScreen}|${canvasWidthVersion()}`;
    if (key !== sitesKey) {
      sitesKey = key;
      drawSites(sitesOnScreen);
    }
    // Drawn: the worker may send the masks of a later step.
    if (!sitesDrawn) {
      sitesDrawn = true;
      if (playing) setTimeout(() => { if (playing) model.wantSites(); }, MASK_INTERVAL_MS);
    }
    drawLoss();
    drawFixedRuns();
  }

  const redraw = () => app.requestDraw('dropout', draw);

  els.p.addEventListener('input', () => {
    app.set('dropout_p', Number(els.p.value));
    model.setDropout(state.dropout_p);
    app.dropoutChanged();
    redraw();
  });
  for (const radio of modeRadios) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      app.set('mode', radio.value);
      if (state.mode === 'eval') pause();
      redraw();
    });
  }
  els.step.addEventListener('click', async () => {
    if (!(await whenReady())) return;
    try {
      await model.step(1, true);
    } catch (err) {
      app.showError(err);
    }
  });
  els.play.addEventListener('click', async () => {
    if (playing) {
      pause();
      return;
    }
    playing = true;
    syncPlay();
    // Pressed while loading: the button already says Pause; training starts once the model exists.
    if (!(await whenReady()) || !playing) return;
    model.wantSites();
    model.play(true);
  });
  const restart = async () => {
    try {
      await create();
      els.message.textContent = '';
    } catch (err) {
      els.message.textContent = errorText(err, app);
    }
    redraw();
  };
  els.restart.addEventListener('click', restart);
  els.origin.addEventListener('change', restart);
  els.runFixed.addEventListener('click', async () => {
    if (!(await whenReady())) return;
    const evalMode = state.mode === 'eval';
    try {
      // Eval: the deterministic forward pass. Train: dropout on, a fresh mask per press.
      const logits = await model.logits(FIXED_PROMPT, evalMode ? null : mcDraw++);
      const probs = app.wasm.topKDistribution(logits, vocab.length, 1);
      const top = Array.from(vocab.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, 4);
      const text = top.map((i) => `${tokenLabel(vocab[i])} ${fixed(probs[i] * 100, 2, app)}%`).join(' · ');
      runs.push({ number: runs.length + 1, p: evalMode ? null : state.dropout_p, step: steps, text });
    } catch (err) {
      app.showError(err);
    }
    redraw();
  });
  if (!app.weights) els.origin.querySelector('option[value="shipped"]').disabled = true;

  return {
    redraw,
    start: restart,
  };
}

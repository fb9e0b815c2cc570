// The own-text view: a fresh model on text the reader pastes, trained live in the training
// worker, and handed to the top-k view on request (a copy on this thread follows its weights).
import { COLORS, drawLossChart } from './charts.js';
import { lossText, errorText, tokenLabel, setLiveText } from './format.js';

/** The top-k view's copy follows the training model's weights at most this often (ms). */
const SYNC_EVERY_MS = 250;
/** Characters of the English sample the "English sample" button fills in. */
const SAMPLE_CHARS = 2500;

/**
 * Wires the own-text view.
 * @param {object} app the page's shared objects
 * @returns {{redraw: () => void}}
 */
export function createOwnTextView(app) {
  const { $, state } = app;
  const els = {
    text: $('own-text'), count: $('own-count'), create: $('own-create'), step: $('own-step'), play: $('own-play'),
    use: $('own-use'), back: $('own-back'), message: $('own-message'), chart: $('own-chart'), loss: $('own-loss'),
    info: $('own-info'), sampleEn: $('own-sample-en'), sampleJa: $('own-sample-ja'), status: $('own-status'),
  };
  // The model that trains (in the worker) and, for the top-k view, a copy here that loads its
  // weights as they change: sampling on this thread never waits for a training step.
  const remote = app.trainer.model();
  /** @type {{demo: any, vocab: string[], label: () => string, version: number, sampleText: string, steps: number, synced: number} | null} */
  let model = null;
  let history = { batch: [], train: [], valid: [] };
  let playing = false;
  let syncing = false;
  let lastSync = 0;
  // The texts of the message and status lines, as functions of the language (null: none).
  let message = null;
  let status = null;
  // Texts this view writes from now on (in draw, so a change of language rewrites them).
  for (const el of [els.play, els.count]) el?.removeAttribute('data-i18n');

  remote.onReport = (report) => {
    if (!model) return;
    model.steps = report.step;
    history.batch.push([report.step, report.loss]);
    if (report.measured) {
      history.train.push([report.measured.step, report.measured.train]);
      history.valid.push([report.measured.step, report.measured.valid]);
    }
    if (app.active === model) sync();
    redraw();
  };
  remote.onError = (err) => {
    pause();
    showMessage(() => errorText(err, app));
    redraw();
  };

  /** Copies the trained weights into the top-k view's model (one copy in flight at a time). */
  async function sync(force = false) {
    const target = model;
    if (!target || syncing || target.synced === target.steps) return;
    if (!force && performance.now() - lastSync < SYNC_EVERY_MS) {
      setTimeout(() => sync(), SYNC_EVERY_MS);
      return;
    }
    syncing = true;
    try {
      const steps = target.steps;
      const weights = await remote.weights();
      if (model !== target) return;
      target.demo.loadWeights(weights);
      target.synced = steps;
      target.version += 1;
      lastSync = performance.now();
      app.modelTrained(target);
    } catch (err) {
      showMessage(() => errorText(err, app));
      redraw();
    } finally {
      syncing = false;
    }
  }

  function pause() {
    if (playing) remote.play(false);
    playing = false;
    syncPlay();
  }

  /** The Play button says what a press does now: Play, or Pause while playing. */
  function syncPlay() {
    els.play.textContent = app.t(playing ? 'common.pause' : 'common.play');
    els.play.setAttribute('aria-pressed', String(playing));
  }

  /**
   * Shows a message (hidden when null); written now and again by draw, in the current language.
   * @param {(() => string)|null} text
   */
  function showMessage(text) {
    message = text;
    writeMessage();
  }

  function writeMessage() {
    const text = message ? message() : '';
    setLiveText(els.message, text);
    els.message.hidden = !text;
  }

  /** @param {(() => string)|null} text the status line, as a function of the language */
  function showStatus(text) {
    status = text;
    writeStatus();
  }

  function writeStatus() {
    const text = status ? status() : '';
    setLiveText(els.status, text);
  }

  async function create() {
    pause();
    const text = els.text.value;
    let demo;
    try {
      demo = app.wasm.Demo.fromText(text, state.backend, state.seed);
    } catch (err) {
      showMessage(() => app.t('own.cannotTrain', { message: errorText(err, app) }));
      redraw();
      return;
    }
    showMessage(null);
    const old = model;
    const vocab = demo.vocab();
    const start = text.replace(/\s+/g, ' ').trim().slice(0, 12);
    const created = { demo, vocab, version: 0, sampleText: start, steps: 0, synced: 0 };
    created.label = () => app.t('own.modelLabel', { steps: created.steps });
    model = created;
    history = { batch: [], train: [], valid: [] };
    // Hand the new model over before freeing the old one if the top-k view was using it.
    if (old && app.active === old) app.setActive(model);
    old?.demo.free();
    redraw();
    try {
      // The same text and seed: the worker's model starts from the same weights as the copy here.
      const { measured } = await remote.create({ text, backend: state.backend, seed: state.seed, dropout_p: state.dropout_p });
      history.train.push([measured.step, measured.train]);
      history.valid.push([measured.step, measured.valid]);
      showStatus(() => app.t('own.ready', { n: vocab.length }));
    } catch (err) {
      showMessage(() => app.t('own.cannotTrain', { message: errorText(err, app) }));
    }
    redraw();
  }

  function draw() {
    const n = [...els.text.value].length;
    els.count.textContent = app.t('own.count', { n });
    syncPlay();
    writeMessage();
    writeStatus();
    const has = Boolean(model);
    els.step.disabled = !has;
    els.play.disabled = !has;
    els.use.disabled = !has || app.active === model;
    els.back.disabled = app.active === app.shipped || !app.shipped;
    if (!has) {
      els.info.textContent = app.t('own.noModel');
      drawLossChart(els.chart, []);
      els.chart.setAttribute('aria-label', app.t('own.chartEmpty'));
      return;
    }
    const shown = model.vocab.slice(0, 60).map(tokenLabel).join(' ');
    els.info.textContent = app.t('own.info', { n: model.vocab.length, characters: shown,
      more: model.vocab.length > 60 ? app.t('own.infoMore') : '', steps: model.steps,
      using: app.active === model ? app.t('own.infoUsing') : '' });
    const points = drawLossChart(els.chart, [
      { name: 'batch loss, dropout on', color: COLORS.grey, width: 1, points: history.batch },
      { name: 'training loss, dropout off', color: COLORS.blue, dots: true, points: history.train },
      { name: 'validation loss', color: COLORS.orange, dash: [6, 4], dots: true, points: history.valid },
    ]);
    const finite = history.train.filter(([, y]) => Number.isFinite(y));
    const first = finite[0];
    const last = finite[finite.length - 1];
    const text = first && last
      ? app.t('own.loss', { first: lossText(first[1], app), firstStep: first[0], last: lossText(last[1], app), lastStep: last[0],
        valid: lossText(history.valid[history.valid.length - 1][1], app) })
      : app.t('own.lossNone');
    els.loss.textContent = text;
    els.loss.dataset.first = first ? String(first[1]) : '';
    els.loss.dataset.last = last ? String(last[1]) : '';
    els.chart.setAttribute('aria-label', app.t('own.chartLabel', { points, text }));
  }

  const redraw = () => app.requestDraw('owntext', draw);

  els.text.addEventListener('input', redraw);
  els.create.addEventListener('click', create);
  els.step.addEventListener('click', async () => {
    if (!model) return;
    try {
      remote.setDropout(state.dropout_p);
      await remote.step(1);
    } catch (err) {
      showMessage(() => errorText(err, app));
    }
  });
  els.play.addEventListener('click', () => {
    if (playing) {
      pause();
      return;
    }
    if (!model) return;
    playing = true;
    syncPlay();
    remote.setDropout(state.dropout_p);
    remote.play(true);
  });
  els.use.addEventListener('click', async () => {
    if (!model) return;
    await sync(true);
    app.setActive(model);
    showStatus(() => app.t('own.usingNow'));
    redraw();
  });
  els.back.addEventListener('click', () => {
    app.setActive(app.shipped);
    showStatus(() => app.t('own.usingShipped'));
    redraw();
  });
  els.sampleEn.addEventListener('click', () => {
    els.text.value = app.englishText.slice(0, SAMPLE_CHARS);
    redraw();
  });
  els.sampleJa.addEventListener('click', async () => {
    try {
      const response = await fetch('corpus/ja.txt');
      if (!response.ok) throw new Error(`corpus/ja.txt: HTTP ${response.status}`);
      els.text.value = (await response.text()).slice(0, SAMPLE_CHARS);
      showMessage(null);
    } catch (err) {
      showMessage(() => app.t('own.jaFailed', { message: errorText(err, app) }));
    }
    redraw();
  });

  return {
    redraw,
    /** The dropout rate changed: the next steps of this model use it too. */
    dropoutChanged() {
      if (model) remote.setDropout(state.dropout_p);
    },
  };
}

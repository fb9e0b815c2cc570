// The thesis on two real models: two copies of one fresh model train in the worker from the same
// weights on the same batches; only their dropout masks differ. For one prompt, a 2 × 2 grid:
// rows are the two models, columns two sampling seeds. Along a row the distribution is the same
// and only the draws differ (randomness at inference); across rows the distributions differ
// (randomness in training made two models).
//
// thesisViewModel turns the two models' answers into plain data, renderThesis writes it, and
// createThesisView wires the controls.
import { renderBars } from './charts.js';
import { percent, tokenLabel, errorText, setLiveText, showPressed } from './format.js';
import { barRows, samplingSettings } from './next-token.js';
import { createTrainingRun } from './training-run.js';

/** Steps each model trains per press of Train. */
export const TRAIN_STEPS = 300;
/** While training, the grid follows the models every this many steps. */
const REFRESH_EVERY = 25;
/** Characters each cell continues the prompt with. */
const CONTINUATION = 24;
/** Bars per cell. */
const CELL_BARS = 5;
/** The seed of both models' weights and batches: fixed, so the sampling seed stays a sampling seed. */
const MODEL_SEED = 2024;
/** The two models' mask streams: the only difference between them. */
const MASK_STREAMS = [1, 2];

/** The settings this view reads. */
export const THESIS_SETTINGS = ['k', 'temperature', 'top_p', 'sampler', 'prompt', 'seed', 'dropout_p'];

/**
 * Half the summed absolute difference of two distributions: the probability mass that would have
 * to move to turn one into the other (0 identical, 1 disjoint).
 * @param {ArrayLike<number>} a
 * @param {ArrayLike<number>} b
 */
export function totalVariation(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / 2;
}

/** The two sampling seeds of the columns. */
export function columnSeeds(seed) {
  return [seed, seed === 4294967295 ? 0 : seed + 1];
}

/**
 * What the grid shows.
 * @param {object} input
 * @param {object} input.state
 * @param {string[]} input.vocab
 * @param {Array<{name: string, steps: number, answers: object[], texts: string[]}>} input.models the
 *   two models: each one's nextToken answer (with draw 0) and continuation per column seed
 * @param {{playing: boolean, target: number, ready: boolean}} input.training
 * @param {{t: Function, number: Function}} fmt
 */
export function thesisViewModel({ state, vocab, models, training }, fmt) {
  const seeds = columnSeeds(state.seed);
  const steps = Math.min(...models.map((m) => m.steps));
  const rows = models.map((model, r) => ({
    header: fmt.t('thesis.rowModel', { name: model.name, stream: MASK_STREAMS[r] }),
    cells: model.answers.map((answer, c) => ({
      // The kept characters only (the cut ones cannot be drawn), at most CELL_BARS.
      rows: barRows(answer, vocab, { minRows: CELL_BARS, sampled: answer.index }, fmt).filter((row) => row.kept).slice(0, CELL_BARS),
      drawn: tokenLabel(vocab[answer.index]),
      // The continuation starts with the drawn character (the same draw number): the rest follows it.
      text: [...(model.texts[c] ?? '')].slice(1).join(''),
      probs: answer.probs,
      label: fmt.t('thesis.cell', { name: model.name, seed: seeds[c], drawn: tokenLabel(vocab[answer.index]),
        p: percent(answer.probs[answer.index], fmt), text: model.texts[c] ?? '' }),
    })),
  }));
  const [a, b] = models.map((m) => m.answers[0].probs);
  const apart = totalVariation(a, b);
  return {
    columns: seeds.map((seed) => fmt.t('thesis.colSeed', { seed })),
    rows,
    apart,
    progress: { value: steps, max: training.target },
    progressText: training.ready ? fmt.t('thesis.progress', { steps, target: training.target, p: fmt.number(state.dropout_p, 2) })
      : fmt.t('app.loadingModel'),
    trainLabel: fmt.t(training.playing ? 'common.pause' : steps >= training.target ? 'thesis.trainMore' : 'thesis.train'),
    playing: training.playing,
    notice: steps === 0 || apart < 1e-6
      ? fmt.t('thesis.noticeSame')
      : fmt.t('thesis.noticeApart', { apart: percent(apart, fmt), a: rows[0].cells[0].drawn, b: rows[0].cells[1].drawn }),
  };
}

/**
 * @param {object} els
 * @param {ReturnType<typeof thesisViewModel>} vm
 * @param {{t: Function, number: Function}} fmt
 */
export function renderThesis(els, vm, fmt) {
  els.colHeads.forEach((th, c) => { th.textContent = vm.columns[c]; });
  vm.rows.forEach((row, r) => {
    els.rowHeads[r].textContent = row.header;
    row.cells.forEach((cell, c) => {
      const td = els.cells[r][c];
      td.dataset.probs = Array.from(cell.probs, (p) => p.toFixed(6)).join(',');
      td.dataset.drawn = cell.drawn;
      td.setAttribute('aria-label', cell.label);
      renderBars(td.querySelector('ol'), cell.rows, '', (p) => percent(p, fmt));
      td.querySelector('.draw').textContent = cell.drawn;
      td.querySelector('.continuation').textContent = cell.text;
    });
  });
  els.progress.max = vm.progress.max;
  els.progress.value = vm.progress.value;
  els.progressText.textContent = vm.progressText;
  showPressed(els.train, vm.playing, vm.trainLabel);
  els.grid.dataset.apart = String(vm.apart);
  setLiveText(els.notice, vm.notice);
}

function findElements(demo) {
  const { $ } = demo;
  const grid = $('thesis-grid');
  return {
    grid, train: $('thesis-train'), restart: $('thesis-restart'), progress: $('thesis-progress'),
    progressText: $('thesis-progress-text'), notice: $('thesis-notice'), message: $('thesis-message'),
    colHeads: [...grid.querySelectorAll('thead th[data-col]')],
    rowHeads: [...grid.querySelectorAll('tbody th')],
    cells: [...grid.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')]),
  };
}

/** Both models' logits for the prompt and each cell's continuation, from the worker. */
function fetchCells(demo, models) {
  const { state } = demo;
  const seeds = columnSeeds(state.seed);
  return Promise.all(models.map(async (m) => ({
    logits: await m.run.model.logits(state.prompt),
    texts: await Promise.all(seeds.map((seed) => m.run.model.generate(state.prompt,
      samplingSettings({ ...state, seed }, 0), CONTINUATION))),
  })));
}

/**
 * Wires the thesis grid.
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void, models: object[], whenStarted: () => Promise<void>}}
 */
export function createThesisView(demo) {
  const { state } = demo;
  const els = findElements(demo);
  els.train.removeAttribute('data-i18n'); // written by render, in the reader's language
  const training = { target: TRAIN_STEPS, refreshing: 0 };
  const hooks = { timing: demo.stepTiming, onError: (err) => { pause(); demo.showError(err); } };
  const models = ['A', 'B'].map((name) => {
    const model = { name, logits: null, texts: [], run: null };
    model.run = createTrainingRun(demo.model(), { ...hooks, onChange: (report) => reported(model, report) });
    return model;
  });
  const pause = () => models.forEach((m) => m.run.pause());

  function reported(model, report) {
    if (report && model.run.steps >= training.target) model.run.pause();
    if (report && (model.run.steps % REFRESH_EVERY === 0 || model.run.steps >= training.target)) refresh();
    redraw();
  }

  /** Follows the models: the latest refresh wins, an older one that lands late is dropped. */
  async function refresh() {
    const ticket = ++training.refreshing;
    try {
      const fetched = await fetchCells(demo, models);
      if (ticket !== training.refreshing) return;
      fetched.forEach((f, i) => Object.assign(models[i], f));
      els.message.textContent = '';
    } catch (err) {
      if (ticket === training.refreshing) els.message.textContent = errorText(err, demo);
    }
    redraw();
  }

  function draw() {
    if (!models.every((m) => m.run.ready && m.logits)) {
      els.progressText.textContent = demo.t('app.loadingModel');
      return;
    }
    const seeds = columnSeeds(state.seed);
    const input = models.map((m) => ({ name: m.name, steps: m.run.steps, texts: m.texts,
      answers: seeds.map((seed) => demo.wasm.nextToken(m.logits, samplingSettings({ ...state, seed }, 0))) }));
    const playing = models.some((m) => m.run.playing);
    renderThesis(els, thesisViewModel({ state, vocab: models[0].run.vocab, models: input,
      training: { ...training, playing, ready: true } }, demo), demo);
  }
  const redraw = () => demo.requestDraw('thesis', draw);

  async function start() {
    training.target = TRAIN_STEPS;
    await Promise.all(models.map((m, i) => m.run.create({ text: demo.englishText, backend: state.backend, seed: MODEL_SEED,
      maskStream: MASK_STREAMS[i] })));
    await refresh();
  }
  const whenStarted = wireThesisControls(demo, els, { models, training, start, pause });
  demo.subscribe(['dropout_p'], () => models.forEach((m) => m.run.model.setDropout(state.dropout_p)));
  demo.subscribe(THESIS_SETTINGS.filter((n) => n !== 'dropout_p'), () => models[0].logits && refresh());
  demo.subscribe(['dropout_p', 'lang'], redraw);
  return { redraw, models, whenStarted };
}

/**
 * Train / Pause and Start again. The two models are made when the grid comes into view (or Train
 * is pressed first), so a page that opens elsewhere does not spend the worker's first moments on
 * them. Returns a function that starts them if need be and resolves once they exist.
 */
function wireThesisControls(demo, els, { models, training, start, pause }) {
  let started = null;
  const ensureStarted = () => {
    started ??= start().catch((err) => {
      started = null;
      demo.showError(err);
    });
    return started;
  };
  new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) ensureStarted();
  }).observe(els.grid);
  els.train.addEventListener('click', async () => {
    if (models.some((m) => m.run.playing)) {
      pause();
      return;
    }
    await ensureStarted();
    if (models.every((m) => m.run.steps >= training.target)) training.target += TRAIN_STEPS;
    for (const m of models) if (m.run.steps < training.target) m.run.play(demo.state.dropout_p);
  });
  els.restart.addEventListener('click', () => {
    started = start().catch(demo.showError);
  });
  return ensureStarted;
}

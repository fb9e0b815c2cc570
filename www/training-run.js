// A training run: one model in the training worker with its history, Play / Pause, single steps,
// a restart, and the timing of its steps. The dropout, overfitting and own-text views each keep
// one or two of these instead of their own copies of the same bookkeeping.
import { showPressed } from './format.js';

/**
 * The loss history of a run: batch losses (dropout on) per step, and the training and validation
 * losses (dropout off) each time they were measured.
 * @typedef {{batch: Array<[number, number]>, train: Array<[number, number]>, valid: Array<[number, number]>}} History
 */

/** @returns {History} an empty history */
export function emptyHistory() {
  return { batch: [], train: [], valid: [] };
}

/**
 * Adds a loss measurement to a history.
 * @param {History} history
 * @param {{step: number, train: number, valid: number}|null|undefined} measured
 */
export function addMeasured(history, measured) {
  if (!measured) return;
  history.train.push([measured.step, measured.train]);
  history.valid.push([measured.step, measured.valid]);
}

/**
 * Adds a step's report to a history.
 * @param {History} history
 * @param {{step: number, loss: number, measured?: object|null}} report
 */
export function addReport(history, report) {
  history.batch.push([report.step, report.loss]);
  addMeasured(history, report.measured);
}

/**
 * Adds a step time (ms) to a running record: the first, the last, the mean and the count.
 * @param {{first: number, last: number, mean: number, count: number}} timing
 * @param {number} ms
 */
export function addStepTime(timing, ms) {
  if (timing.count === 0) timing.first = ms;
  timing.last = ms;
  timing.count += 1;
  timing.mean = timing.count === 1 ? ms : timing.mean + (ms - timing.mean) / timing.count;
}

/** @returns {{first: number, last: number, mean: number, count: number}} no step timed yet */
export function emptyTiming() {
  return { first: NaN, last: NaN, mean: NaN, count: 0 };
}

/** The last value of a series, NaN when it has none. */
export function lastValue(series) {
  return series.length ? series[series.length - 1][1] : NaN;
}

/** Points a loss chart draws: the finite ones of every series (charts.js skips the others). */
export function countPoints(series) {
  return series.reduce((n, s) => n + s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).length, 0);
}

/**
 * The three series of a run's loss chart, named in the reader's language.
 * @param {History} history
 * @param {(key: string) => string} t
 * @param {{grey: string, blue: string, orange: string}} colors
 */
export function lossSeries(history, t, colors) {
  return [
    { name: t('loss.batch'), color: colors.grey, width: 1, points: history.batch },
    { name: t('loss.train'), color: colors.blue, dots: true, points: history.train },
    { name: t('loss.valid'), color: colors.orange, dash: [6, 4], dots: true, points: history.valid },
  ];
}

/**
 * The axes of a loss chart: step, nats per character with bits beside, and the chance line at
 * ln V (the loss of guessing uniformly among V characters).
 * @param {number} vocabSize V (no chance line when 0)
 * @param {{t: Function, number: Function}} fmt
 * @returns {import('./charts.js').LossAxes}
 */
export function lossAxes(vocabSize, fmt) {
  const axes = { x: fmt.t('chart.step'), y: fmt.t('chart.nats'), bits: fmt.t('chart.bits'), number: fmt.number };
  if (vocabSize > 1) {
    const value = Math.log(vocabSize);
    axes.chance = { value, label: fmt.t('chart.chance', { v: vocabSize, nats: fmt.number(value, 2) }) };
  }
  return axes;
}

/** The lines of a loss chart, each with its key's class and its text (the legend under each chart). */
const LOSS_LINES = ['batch', 'train', 'valid'];

/**
 * Writes the legend of every loss chart under `root` (`<p class="legend" data-legend="loss">`):
 * one item per line the chart draws, its text by key, so the page's translation words it.
 * @param {ParentNode} root
 * @param {(key: string) => string} t the text of a key, until the translation writes it
 */
export function writeLossLegends(root, t) {
  for (const legend of root.querySelectorAll('[data-legend="loss"]')) {
    legend.replaceChildren(...LOSS_LINES.flatMap((line, i) => {
      const item = document.createElement('span');
      item.className = 'item';
      const key = document.createElement('span');
      key.className = `key line-${line}`;
      const text = document.createElement('span');
      text.dataset.i18n = `loss.${line}`;
      text.textContent = t(text.dataset.i18n);
      item.append(key, text);
      return i ? [' ', item] : [item];
    }));
  }
}

/**
 * What a Play button shows at once when pressed: Pause while the model plays, Play otherwise.
 * @param {{t: Function}} demo
 * @param {HTMLButtonElement} button
 * @returns {(playing: boolean) => void} a run's onPlaying hook
 */
export function playButton(demo, button) {
  return (playing) => showPressed(button, playing, demo.t(playing ? 'common.pause' : 'common.play'));
}

/**
 * While a run plays, its view redraws for new reports at most this often (ms). A run plays about a
 * hundred steps a second; drawing each on the next frame kept the page's thread busy half of the
 * time painting the loss chart, and on a two-core machine that time comes off the worker's steps.
 */
export const PLAY_REDRAW_MS = 100;

/**
 * A view's redraw for a run's reports: at once, or while `playing()` at most once per
 * PLAY_REDRAW_MS (the last report is always drawn).
 * @param {() => void} redraw
 * @param {() => boolean} playing
 * @returns {() => void}
 */
export function reportRedraw(redraw, playing) {
  let timer = null;
  return () => {
    if (!playing()) {
      redraw();
      return;
    }
    timer ??= setTimeout(() => {
      timer = null;
      redraw();
    }, PLAY_REDRAW_MS);
  };
}

/**
 * A run of one model in the worker.
 * @param {import('./training-worker.js').RemoteModel} model
 * @param {{rate: () => number, timing: object, onChange: (report?: object) => void, onError: (err: Error) => void,
 *   onPlaying?: (playing: boolean) => void}} hooks
 *   rate: the dropout rate its steps take, read when a step or Play is sent (so a press made while
 *   the model loads trains at the rate shown once it can start); timing: the demo's record of
 *   step times; onChange: after every report and state change; onPlaying: at once when Play or
 *   Pause is pressed (the button shows it without waiting a frame)
 */
export function createTrainingRun(model, { rate, timing, onChange, onError, onPlaying = () => {} }) {
  const run = {
    model,
    ready: false, // the model exists in the worker
    playing: false,
    steps: 0,
    history: emptyHistory(),
    vocab: [],
    /** (Re)creates the model; resolves once it exists (rejects with the worker's error). */
    async create(options) {
      run.pause();
      Object.assign(run, { ready: false, steps: 0, history: emptyHistory() });
      const creating = model.create(options);
      onChange();
      const created = await creating;
      run.vocab = created.vocab;
      addMeasured(run.history, created.measured);
      run.ready = true;
      onChange();
      return created;
    },
    /**
     * Waits while the model is being created, so a press during loading acts as soon as it can
     * instead of being lost (the worker runs commands in the order they were sent).
     * @returns {Promise<boolean>} whether the model exists now
     */
    async whenReady() {
      if (!run.ready) await model.created;
      return run.ready;
    },
    /** One step, now (after creation if pressed while loading). */
    async step(observe = false) {
      if (!(await run.whenReady())) return;
      await model.step(rate(), { observe });
    },
    /** Starts playing: the button says Pause at once; steps start once the model exists. */
    async play() {
      run.playing = true;
      onPlaying(true);
      onChange();
      if (!(await run.whenReady()) || !run.playing) return;
      model.play(true, rate());
    },
    pause() {
      if (run.playing) model.play(false);
      run.playing = false;
      onPlaying(false);
      onChange();
    },
    /** Play or Pause, whichever the button offers. */
    toggle() {
      if (run.playing) run.pause();
      else run.play();
    },
    /** The rate changed: a model that plays takes it from its next step. */
    rateChanged() {
      model.setDropout(rate());
    },
  };
  model.onReport = (report) => {
    run.steps = report.step;
    addReport(run.history, report);
    addStepTime(timing, report.ms);
    onChange(report);
  };
  model.onMeasured = (measured) => {
    addMeasured(run.history, measured);
    onChange();
  };
  model.onError = (err) => {
    run.pause();
    onError(err);
  };
  return run;
}

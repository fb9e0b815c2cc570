// The overfitting view: two copies of a fresh model on the same small slice of text, one
// without dropout and one with it, trained in turns; their training and validation losses.
import { state, setSetting } from './state.js';
import { COLORS, drawLossChart } from './charts.js';
import { requestDraw, addTrainingJob, removeTrainingJob, timeStep } from './loop.js';
import { lossText, errorMessage } from './format.js';

/** Training characters each copy keeps: small, so memorising it is easy and the gap opens fast. */
export const TRAIN_CHARS = 1500;
/** Steps of a copy between two loss measurements. */
const EVAL_EVERY = 10;

/**
 * Wires the overfitting view.
 * @param {object} app the page's shared objects
 * @returns {{redraw: () => void, start: () => void}}
 */
export function createOverfitView(app) {
  const $ = (id) => document.getElementById(id);
  const els = {
    p: $('overfit_p'), pValue: $('overfit_p-value'), play: $('overfit-play'), step: $('overfit-step'),
    restart: $('overfit-restart'), steps: $('overfit-steps'), chart: $('overfit-chart'), table: $('overfit-table'),
    message: $('overfit-message'),
  };
  /** @type {{name: string, demo: any, p: () => number, train: Array<[number, number]>, valid: Array<[number, number]>}[]} */
  let copies = [];
  let turn = 0;
  let due = []; // copies whose loss measurement is due
  let playing = false;

  function measure(copy) {
    const step = copy.demo.steps();
    copy.train.push([step, copy.demo.trainingLoss()]);
    copy.valid.push([step, copy.demo.validationLoss()]);
  }

  function create() {
    for (const copy of copies) copy.demo.free();
    copies = [];
    // Same seed: the same initial weights and the same batches; only the dropout rate differs.
    const rates = [() => 0, () => state.overfit_p];
    for (const [i, name] of ['A', 'B'].entries()) {
      const demo = app.wasm.Demo.fromText(app.englishText, app.backend, state.seed);
      demo.limitTrainingText(TRAIN_CHARS);
      const copy = { name, demo, p: rates[i], train: [], valid: [] };
      demo.setDropout(copy.p());
      measure(copy);
      copies.push(copy);
    }
    turn = 0;
    due = [];
  }

  /** One unit of work: a due loss measurement, or one step of the copy whose turn it is. */
  function work() {
    if (due.length) {
      measure(due.shift());
      return;
    }
    const copy = copies[turn];
    turn = (turn + 1) % copies.length;
    copy.demo.setDropout(copy.p());
    const report = timeStep(() => copy.demo.trainStep(false));
    if (report.step % EVAL_EVERY === 0) due.push(copy);
  }

  function job() {
    try {
      work();
    } catch (err) {
      pause();
      app.showError(err);
    }
    redraw();
  }

  function pause() {
    playing = false;
    removeTrainingJob(job);
    els.play.textContent = 'Play';
    els.play.setAttribute('aria-pressed', 'false');
  }

  function draw() {
    els.p.value = String(state.overfit_p);
    els.pValue.value = state.overfit_p.toFixed(2);
    els.p.setAttribute('aria-valuetext', `p = ${state.overfit_p.toFixed(2)}`);
    if (copies.length < 2) return;
    const [a, b] = copies;
    els.steps.textContent = `Copy A: ${a.demo.steps()} steps · copy B: ${b.demo.steps()} steps`;
    els.steps.dataset.steps = String(a.demo.steps() + b.demo.steps());
    const points = drawLossChart(els.chart, [
      { name: 'A training', color: COLORS.blue, points: a.train },
      { name: 'A validation', color: COLORS.blue, dash: [6, 4], points: a.valid },
      { name: 'B training', color: COLORS.orange, points: b.train },
      { name: 'B validation', color: COLORS.orange, dash: [6, 4], points: b.valid },
    ], 220);
    const last = (series) => (series.length ? series[series.length - 1][1] : NaN);
    const rows = copies.map((copy) => {
      const train = last(copy.train);
      const valid = last(copy.valid);
      const tr = document.createElement('tr');
      const cells = [`${copy.name} (p = ${copy.p().toFixed(2)})`, lossText(train), lossText(valid), lossText(valid - train)];
      cells.forEach((text, i) => {
        const cell = document.createElement(i ? 'td' : 'th');
        if (!i) cell.scope = 'row';
        cell.textContent = text;
        tr.append(cell);
      });
      return tr;
    });
    els.table.tBodies[0].replaceChildren(...rows);
    els.chart.setAttribute('aria-label', `Training and validation loss of both copies, ${points} points. ` +
      copies.map((c) => `Copy ${c.name}: training ${lossText(last(c.train))}, validation ${lossText(last(c.valid))}`).join('; '));
  }

  const redraw = () => requestDraw('overfit', draw);

  els.p.addEventListener('input', () => {
    setSetting('overfit_p', Number(els.p.value));
    redraw();
  });
  els.play.addEventListener('click', () => {
    if (playing) {
      pause();
      return;
    }
    playing = true;
    els.play.textContent = 'Pause';
    els.play.setAttribute('aria-pressed', 'true');
    addTrainingJob(job);
  });
  els.step.addEventListener('click', () => {
    try {
      // A pair of steps, one per copy, then any measurement they made due.
      work();
      work();
      while (due.length) work();
    } catch (err) {
      app.showError(err);
    }
    redraw();
  });
  const restart = () => {
    try {
      create();
      els.message.textContent = '';
    } catch (err) {
      els.message.textContent = errorMessage(err);
    }
    redraw();
  };
  els.restart.addEventListener('click', restart);

  return { redraw, start: restart };
}

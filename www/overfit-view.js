// The overfitting view: two copies of a fresh model on the same small slice of text, one
// without dropout and one with it, trained in turns in the training worker; their training and
// validation losses.
import { COLORS, drawLossChart } from './charts.js';
import { lossText, errorMessage } from './format.js';

/** Training characters each copy keeps: small, so memorising it is easy and the gap opens fast. */
export const TRAIN_CHARS = 1500;

/**
 * Wires the overfitting view.
 * @param {object} app the page's shared objects
 * @returns {{redraw: () => void, start: () => void}}
 */
export function createOverfitView(app) {
  const { $, state } = app;
  const els = {
    p: $('overfit_p'), pValue: $('overfit_p-value'), play: $('overfit-play'), step: $('overfit-step'),
    restart: $('overfit-restart'), steps: $('overfit-steps'), chart: $('overfit-chart'), table: $('overfit-table'),
    message: $('overfit-message'),
  };
  // Same seed: the same initial weights and the same batches; only the dropout rate differs.
  const copies = [
    { name: 'A', model: app.trainer.model(), p: () => 0, steps: 0, train: [], valid: [] },
    { name: 'B', model: app.trainer.model(), p: () => state.overfit_p, steps: 0, train: [], valid: [] },
  ];
  let ready = false;
  let playing = false;

  for (const copy of copies) {
    copy.model.onReport = (report) => {
      copy.steps = report.step;
      if (report.measured) {
        copy.train.push([report.measured.step, report.measured.train]);
        copy.valid.push([report.measured.step, report.measured.valid]);
      }
      redraw();
    };
    copy.model.onError = (err) => {
      pause();
      app.showError(err);
    };
  }

  async function create() {
    pause();
    ready = false;
    for (const copy of copies) {
      Object.assign(copy, { steps: 0, train: [], valid: [] });
      const { measured } = await copy.model.create({ text: app.englishText, backend: state.backend, seed: state.seed, dropout_p: copy.p(),
        limitChars: TRAIN_CHARS });
      copy.train.push([measured.step, measured.train]);
      copy.valid.push([measured.step, measured.valid]);
    }
    ready = true;
  }

  function pause() {
    if (playing) for (const copy of copies) copy.model.play(false);
    playing = false;
    els.play.textContent = 'Play';
    els.play.setAttribute('aria-pressed', 'false');
  }

  function draw() {
    els.p.value = String(state.overfit_p);
    els.pValue.value = state.overfit_p.toFixed(2);
    els.p.setAttribute('aria-valuetext', `p = ${state.overfit_p.toFixed(2)}`);
    if (!ready) return;
    const [a, b] = copies;
    els.steps.textContent = `Copy A: ${a.steps} steps · copy B: ${b.steps} steps`;
    els.steps.dataset.steps = String(a.steps + b.steps);
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

  const redraw = () => app.requestDraw('overfit', draw);

  els.p.addEventListener('input', () => {
    app.set('overfit_p', Number(els.p.value));
    copies[1].model.setDropout(state.overfit_p);
    redraw();
  });
  els.play.addEventListener('click', () => {
    if (playing) {
      pause();
      return;
    }
    if (!ready) return;
    playing = true;
    els.play.textContent = 'Pause';
    els.play.setAttribute('aria-pressed', 'true');
    for (const copy of copies) copy.model.play(true);
  });
  els.step.addEventListener('click', async () => {
    if (!ready) return;
    try {
      // A pair of steps, one per copy.
      await Promise.all(copies.map((copy) => copy.model.step(1)));
    } catch (err) {
      app.showError(err);
    }
  });
  const restart = async () => {
    try {
      await create();
      els.message.textContent = '';
    } catch (err) {
      els.message.textContent = errorMessage(err);
    }
    redraw();
  };
  els.restart.addEventListener('click', restart);

  return { redraw, start: restart };
}

// The overfitting view: two copies of a fresh model on the same small slice of text, one
// without dropout and one with it, trained in turns in the training worker; their training and
// validation losses.
import { COLORS, drawLossChart } from './charts.js';
import { lossText, errorText } from './format.js';

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
  let ready = false; // both copies exist in the worker
  let playing = false;
  // Texts this view writes from now on (in draw, so a change of language rewrites them).
  els.play?.removeAttribute('data-i18n');

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
    // Both requests are sent at once, so any command sent after them finds both copies.
    const creating = Promise.all(copies.map((copy) => {
      Object.assign(copy, { steps: 0, train: [], valid: [] });
      return copy.model.create({ text: app.englishText, backend: state.backend, seed: state.seed, dropout_p: copy.p(),
        limitChars: TRAIN_CHARS });
    }));
    redraw();
    const created = await creating;
    created.forEach(({ measured }, i) => {
      copies[i].train.push([measured.step, measured.train]);
      copies[i].valid.push([measured.step, measured.valid]);
    });
    ready = true;
  }

  /**
   * Waits while the copies are being created in the worker, so a press during loading acts as
   * soon as it can instead of being lost.
   * @returns {Promise<boolean>} whether both copies exist now
   */
  async function whenReady() {
    if (!ready) await Promise.all(copies.map((copy) => copy.model.created));
    return ready;
  }

  function pause() {
    if (playing) for (const copy of copies) copy.model.play(false);
    playing = false;
    syncPlay();
  }

  /** The Play button says what a press does now: Play, or Pause while playing. */
  function syncPlay() {
    els.play.textContent = app.t(playing ? 'common.pause' : 'common.play');
    els.play.setAttribute('aria-pressed', String(playing));
  }

  function draw() {
    els.p.value = String(state.overfit_p);
    els.pValue.value = app.number(state.overfit_p, 2);
    els.p.setAttribute('aria-valuetext', `p = ${app.number(state.overfit_p, 2)}`);
    syncPlay();
    if (!ready) {
      els.steps.textContent = app.t('app.loadingModel');
      return;
    }
    const [a, b] = copies;
    els.steps.textContent = app.t('overfit.steps', { a: a.steps, b: b.steps });
    els.steps.dataset.steps = String(a.steps + b.steps);
    const points = drawLossChart(els.chart, [
      { name: app.t('overfit.aTrain'), color: COLORS.blue, points: a.train },
      { name: app.t('overfit.aValid'), color: COLORS.blue, dash: [6, 4], points: a.valid },
      { name: app.t('overfit.bTrain'), color: COLORS.orange, points: b.train },
      { name: app.t('overfit.bValid'), color: COLORS.orange, dash: [6, 4], points: b.valid },
    ], 220);
    const last = (series) => (series.length ? series[series.length - 1][1] : NaN);
    const rows = copies.map((copy) => {
      const train = last(copy.train);
      const valid = last(copy.valid);
      const tr = document.createElement('tr');
      const cells = [app.t('overfit.rowName', { name: copy.name, p: app.number(copy.p(), 2) }),
        lossText(train, app), lossText(valid, app), lossText(valid - train, app)];
      cells.forEach((text, i) => {
        const cell = document.createElement(i ? 'td' : 'th');
        if (!i) cell.scope = 'row';
        cell.textContent = text;
        tr.append(cell);
      });
      return tr;
    });
    els.table.tBodies[0].replaceChildren(...rows);
    const summaries = copies.map((c) => app.t('overfit.chartCopy',
      { name: c.name, train: lossText(last(c.train), app), valid: lossText(last(c.valid), app) }));
    els.chart.setAttribute('aria-label', app.t('overfit.chartLabel', { points, copies: summaries.join(app.t('common.listSeparator')) }));
  }

  const redraw = () => app.requestDraw('overfit', draw);

  els.p.addEventListener('input', () => {
    app.set('overfit_p', Number(els.p.value));
    copies[1].model.setDropout(state.overfit_p);
    redraw();
  });
  els.play.addEventListener('click', async () => {
    if (playing) {
      pause();
      return;
    }
    playing = true;
    syncPlay();
    if (!(await whenReady()) || !playing) return;
    for (const copy of copies) copy.model.play(true);
  });
  els.step.addEventListener('click', async () => {
    if (!(await whenReady())) return;
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
      els.message.textContent = errorText(err, app);
    }
    redraw();
  };
  els.restart.addEventListener('click', restart);

  return { redraw, start: restart };
}

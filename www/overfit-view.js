// The overfitting view: two copies of a fresh model on the same small slice of text, one
// without dropout and one with it, trained in turns in the training worker; their training and
// validation losses.
//
// overfitViewModel turns the two runs into plain data, renderOverfit writes it, and
// createOverfitView wires the controls.
import { COLORS, renderLossChart } from './charts.js';
import { lossText, errorText, showPressed } from './format.js';
import { bindSlider } from './slider.js';
import { createTrainingRun, playButton, lastValue, countPoints, lossAxes, reportRedraw } from './training-run.js';
import { MODEL_SEED } from './state.js';
import { writtenByView } from './i18n.js';

/**
 * What the overfitting view shows.
 * @param {{ready: boolean, playing: boolean, vocabSize: number,
 *   copies: Array<{name: string, p: number, steps: number, history: object}>}} input
 * @param {{t: Function, number: Function}} fmt
 */
export function overfitViewModel({ ready, playing, vocabSize, copies }, fmt) {
  const [a, b] = copies;
  const series = [
    { name: fmt.t('overfit.aTrain'), color: COLORS.blue, points: a.history.train },
    { name: fmt.t('overfit.aValid'), color: COLORS.blue, dash: [6, 4], points: a.history.valid },
    { name: fmt.t('overfit.bTrain'), color: COLORS.orange, points: b.history.train },
    { name: fmt.t('overfit.bValid'), color: COLORS.orange, dash: [6, 4], points: b.history.valid },
  ];
  const rows = copies.map((copy) => {
    const train = lastValue(copy.history.train);
    const valid = lastValue(copy.history.valid);
    return [fmt.t('overfit.rowName', { name: copy.name, p: fmt.number(copy.p, 2) }),
      lossText(train, fmt), lossText(valid, fmt), lossText(valid - train, fmt)];
  });
  const summaries = copies.map((c) => fmt.t('overfit.chartCopy',
    { name: c.name, train: lossText(lastValue(c.history.train), fmt), valid: lossText(lastValue(c.history.valid), fmt) }));
  return {
    ready,
    playLabel: fmt.t(playing ? 'common.pause' : 'common.play'),
    playing,
    steps: ready ? fmt.t('overfit.steps', { a: a.steps, b: b.steps }) : fmt.t('app.loadingModel'),
    totalSteps: a.steps + b.steps,
    series,
    axes: lossAxes(vocabSize ?? 0, fmt),
    rows,
    chartLabel: fmt.t('overfit.chartLabel', { points: countPoints(series), copies: summaries.join(fmt.t('common.listSeparator')) }),
  };
}

/**
 * @param {object} els
 * @param {ReturnType<typeof overfitViewModel>} vm
 */
export function renderOverfit(els, vm) {
  showPressed(els.play, vm.playing, vm.playLabel);
  els.steps.textContent = vm.steps;
  if (!vm.ready) return;
  els.steps.dataset.steps = String(vm.totalSteps);
  renderLossChart(els.chart, vm.series, 220, vm.axes);
  els.table.tBodies[0].replaceChildren(...vm.rows.map((cells) => {
    const tr = document.createElement('tr');
    cells.forEach((text, i) => {
      const cell = document.createElement(i ? 'td' : 'th');
      if (!i) cell.scope = 'row';
      cell.textContent = text;
      tr.append(cell);
    });
    return tr;
  }));
  els.chart.setAttribute('aria-label', vm.chartLabel);
}

/**
 * Wires the overfitting view.
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void, start: () => Promise<void>}}
 */
export function createOverfitView(demo) {
  const { $, state } = demo;
  const els = {
    play: $('overfit-play'), step: $('overfit-step'), restart: $('overfit-restart'), steps: $('overfit-steps'),
    chart: $('overfit-chart'), table: $('overfit-table'), message: $('overfit-message'),
    slider: bindSlider(demo, 'overfit_p', { symbol: 'r' }),
  };
  writtenByView([els.play]);
  const redrawReport = reportRedraw(() => redraw(), () => copies.some((copy) => copy.run.playing));
  const hooks = { timing: demo.stepTiming, onChange: (report) => (report ? redrawReport() : redraw()),
    onError: (err) => { pauseBoth(); demo.showError(err); },
    onPlaying: playButton(demo, els.play) };
  // Same seed: the same initial weights and the same batches; only the dropout rate differs.
  const copies = [{ name: 'A', rate: () => 0 }, { name: 'B', rate: () => state.overfit_p }]
    .map((copy) => ({ ...copy, run: createTrainingRun(demo.model(), { ...hooks, rate: copy.rate }) }));
  const pauseBoth = () => copies.forEach((copy) => copy.run.pause());

  function render() {
    els.slider.render();
    const [a] = copies;
    renderOverfit(els, overfitViewModel({
      ready: copies.every((c) => c.run.ready),
      playing: a.run.playing,
      vocabSize: a.run.vocab.length,
      copies: copies.map((c) => ({ name: c.name, p: c.rate(), steps: c.run.steps, history: c.run.history })),
    }, demo));
  }
  const redraw = () => demo.requestRender('overfit', render);

  async function restart() {
    try {
      // Both requests are sent at once, so any command sent after them finds both copies.
      await Promise.all(copies.map((copy) => copy.run.create({ text: demo.englishText, backend: state.backend,
        seed: MODEL_SEED, limitChars: demo.facts.overfitChars })));
      els.message.textContent = '';
    } catch (err) {
      els.message.textContent = errorText(err, demo);
    }
    redraw();
  }

  els.play.addEventListener('click', () => {
    const playing = copies[0].run.playing;
    for (const copy of copies) {
      if (playing) copy.run.pause();
      else copy.run.play();
    }
  });
  // A pair of steps, one per copy.
  els.step.addEventListener('click', () => Promise.all(copies.map((copy) => copy.run.step()))
    .catch(demo.showError));
  els.restart.addEventListener('click', restart);
  demo.subscribe(['overfit_p', 'lang'], redraw);
  demo.subscribe(['overfit_p'], copies[1].run.rateChanged);
  return { redraw, start: restart };
}

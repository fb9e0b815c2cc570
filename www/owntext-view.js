// The own-text view: a fresh model on text the reader pastes, trained live, and handed to the
// top-k view on request.
import { state } from './state.js';
import { COLORS, drawLossChart } from './charts.js';
import { requestDraw, addTrainingJob, removeTrainingJob, timeStep } from './loop.js';
import { lossText, errorMessage, tokenLabel } from './format.js';

/** Steps between two loss measurements with dropout off. */
const EVAL_EVERY = 10;
/** Characters of the English sample the "English sample" button fills in. */
const SAMPLE_CHARS = 2500;

/**
 * Wires the own-text view.
 * @param {object} app the page's shared objects
 * @returns {{redraw: () => void}}
 */
export function createOwnTextView(app) {
  const $ = (id) => document.getElementById(id);
  const els = {
    text: $('own-text'), count: $('own-count'), create: $('own-create'), step: $('own-step'), play: $('own-play'),
    use: $('own-use'), back: $('own-back'), message: $('own-message'), chart: $('own-chart'), loss: $('own-loss'),
    info: $('own-info'), sampleEn: $('own-sample-en'), sampleJa: $('own-sample-ja'), status: $('own-status'),
  };
  /** @type {{demo: any, vocab: string[], label: string, version: number, sampleText: string} | null} */
  let model = null;
  let history = { batch: [], train: [], valid: [] };
  let evalDue = false;
  let playing = false;

  function measure() {
    const step = model.demo.steps();
    history.train.push([step, model.demo.trainingLoss()]);
    history.valid.push([step, model.demo.validationLoss()]);
  }

  function trained() {
    model.version += 1;
    model.label = `A fresh model trained on your text (${model.demo.steps()} steps so far)`;
    app.modelTrained(model);
  }

  function work() {
    if (evalDue) {
      evalDue = false;
      measure();
      return;
    }
    model.demo.setDropout(state.dropout_p);
    const report = timeStep(() => model.demo.trainStep(false));
    history.batch.push([report.step, report.loss]);
    if (report.step % EVAL_EVERY === 0) evalDue = true;
    trained();
  }

  function job() {
    try {
      work();
    } catch (err) {
      pause();
      showMessage(errorMessage(err));
    }
    redraw();
  }

  function pause() {
    playing = false;
    removeTrainingJob(job);
    els.play.textContent = 'Play';
    els.play.setAttribute('aria-pressed', 'false');
  }

  function showMessage(text) {
    els.message.textContent = text;
    els.message.hidden = !text;
  }

  function create() {
    pause();
    let demo;
    try {
      demo = app.wasm.Demo.fromText(els.text.value, app.backend, state.seed);
    } catch (err) {
      showMessage(`This text cannot be trained on: ${errorMessage(err)}`);
      redraw();
      return;
    }
    showMessage('');
    const old = model;
    const vocab = demo.vocab();
    const start = els.text.value.replace(/\s+/g, ' ').trim().slice(0, 12);
    model = { demo, vocab, label: 'A fresh model trained on your text (0 steps so far)', version: 0, sampleText: start };
    history = { batch: [], train: [], valid: [] };
    evalDue = false;
    measure();
    // Hand the new model over before freeing the old one if the top-k view was using it.
    if (old && app.active === old) app.setActive(model);
    old?.demo.free();
    els.status.textContent = `A fresh model with ${vocab.length} characters in its vocabulary is ready. Press Play to train it.`;
    redraw();
  }

  function draw() {
    const n = [...els.text.value].length;
    els.count.textContent = `${n} characters (at least 330 are needed)`;
    const has = Boolean(model);
    els.step.disabled = !has;
    els.play.disabled = !has;
    els.use.disabled = !has || app.active === model;
    els.back.disabled = app.active === app.shipped || !app.shipped;
    if (!has) {
      els.info.textContent = 'No model yet.';
      drawLossChart(els.chart, []);
      els.chart.setAttribute('aria-label', 'Loss curves of your model: no model yet.');
      return;
    }
    const shown = model.vocab.slice(0, 60).map(tokenLabel).join(' ');
    els.info.textContent = `Vocabulary: ${model.vocab.length} characters (${shown}${model.vocab.length > 60 ? ' …' : ''}). ` +
      `Step ${model.demo.steps()}.${app.active === model ? ' The top-k view is using this model.' : ''}`;
    const points = drawLossChart(els.chart, [
      { name: 'batch loss, dropout on', color: COLORS.grey, width: 1, points: history.batch },
      { name: 'training loss, dropout off', color: COLORS.blue, dots: true, points: history.train },
      { name: 'validation loss', color: COLORS.orange, dash: [6, 4], dots: true, points: history.valid },
    ]);
    const finite = history.train.filter(([, y]) => Number.isFinite(y));
    const first = finite[0];
    const last = finite[finite.length - 1];
    const text = first && last
      ? `Training loss (dropout off): ${lossText(first[1])} at step ${first[0]} → ${lossText(last[1])} at step ${last[0]}; validation ${lossText(history.valid[history.valid.length - 1][1])}.`
      : 'Training loss: –';
    els.loss.textContent = text;
    els.loss.dataset.first = first ? String(first[1]) : '';
    els.loss.dataset.last = last ? String(last[1]) : '';
    els.chart.setAttribute('aria-label', `Loss curves of your model, ${points} points. ${text}`);
  }

  const redraw = () => requestDraw('owntext', draw);

  els.text.addEventListener('input', redraw);
  els.create.addEventListener('click', create);
  els.step.addEventListener('click', () => {
    try {
      work();
      if (evalDue) work();
    } catch (err) {
      showMessage(errorMessage(err));
    }
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
  els.use.addEventListener('click', () => {
    if (!model) return;
    app.setActive(model);
    els.status.textContent = 'The top-k view now uses the model trained on your text.';
    redraw();
  });
  els.back.addEventListener('click', () => {
    app.setActive(app.shipped);
    els.status.textContent = 'The top-k view uses the shipped English model again.';
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
      showMessage('');
    } catch (err) {
      showMessage(`The Japanese sample could not be loaded: ${errorMessage(err)}`);
    }
    redraw();
  });

  return { redraw };
}

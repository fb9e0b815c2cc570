// The own-text view: a fresh model on text the reader pastes, trained live in the training
// worker, and handed to the top-k view on request (a copy on this thread follows its weights).
//
// ownTextViewModel turns the run into plain data, renderOwnText writes it, and createOwnTextView
// wires the controls. The sample buttons fill in the English text the model was trained on and,
// in another language, that language's sample text, corpus/<lang>.txt.
import { COLORS, renderLossChart } from './charts.js';
import { lossText, errorText, tokenLabel, setLiveText, showPressed } from './format.js';
import { createTrainingRun, playButton, lossSeries, countPoints, lossAxes, reportRedraw } from './training-run.js';
import { MODEL_SEED } from './state.js';
import { writtenByView } from './i18n.js';
import { fetchFile, fileUrl } from './load.js';

/** The top-k view's copy follows the training model's weights at most this often (ms). */
const SYNC_EVERY_MS = 250;
/** Characters of a sample text the sample buttons fill in. */
export const SAMPLE_CHARS = 2500;
/** Vocabulary characters listed. */
const VOCAB_SHOWN = 60;

/**
 * The training loss at the first and last measurement, and the last validation loss.
 * @param {{train: Array<[number, number]>, valid: Array<[number, number]>}} history
 */
export function lossEnds(history) {
  const finite = history.train.filter(([, y]) => Number.isFinite(y));
  return { first: finite[0], last: finite[finite.length - 1], valid: history.valid[history.valid.length - 1]?.[1] ?? NaN };
}

/**
 * What the own-text view shows.
 * @param {object} input
 * @param {number} input.chars characters in the text box
 * @param {string[]|null} input.vocab the reader's model's vocabulary (null: no model yet)
 * @param {{steps: number, playing: boolean, history: object}} input.run
 * @param {boolean} input.using the top-k view uses the reader's model
 * @param {boolean} input.shippedActive the top-k view uses the shipped model
 * @param {string} input.lang the page's language: one other than English offers its own sample
 * @param {string} input.message
 * @param {string} input.status
 * @param {{t: Function, number: Function}} fmt
 */
export function ownTextViewModel({ chars, vocab, run, using, shippedActive, lang, message, status }, fmt) {
  const base = {
    count: fmt.t('own.count', { n: chars }),
    playLabel: fmt.t(run.playing ? 'common.pause' : 'common.play'),
    playing: run.playing,
    hasModel: Boolean(vocab),
    useDisabled: !vocab || using,
    backDisabled: shippedActive,
    sampleInLanguage: lang !== 'en',
    message,
    status,
  };
  if (!vocab) {
    return { ...base, info: fmt.t('own.noModel'), series: [], axes: lossAxes(0, fmt), lossText: '', chartLabel: fmt.t('own.chartEmpty') };
  }
  const info = fmt.t('own.info', { n: vocab.length, characters: vocab.slice(0, VOCAB_SHOWN).map(tokenLabel).join(' '),
    more: vocab.length > VOCAB_SHOWN ? fmt.t('own.infoMore') : '', steps: run.steps, using: using ? fmt.t('own.infoUsing') : '' });
  const series = lossSeries(run.history, fmt.t, COLORS);
  const { first, last, valid } = lossEnds(run.history);
  const text = first && last
    ? fmt.t('own.loss', { first: lossText(first[1], fmt), firstStep: first[0], last: lossText(last[1], fmt), lastStep: last[0],
      valid: lossText(valid, fmt) })
    : fmt.t('own.lossNone');
  return { ...base, info, series, axes: lossAxes(vocab.length, fmt), lossText: text, first: first?.[1], last: last?.[1],
    chartLabel: fmt.t('own.chartLabel', { points: countPoints(series), text }) };
}

/**
 * @param {object} els
 * @param {ReturnType<typeof ownTextViewModel>} vm
 */
export function renderOwnText(els, vm) {
  els.count.textContent = vm.count;
  showPressed(els.play, vm.playing, vm.playLabel);
  setLiveText(els.message, vm.message);
  els.message.hidden = !vm.message;
  setLiveText(els.status, vm.status);
  els.step.disabled = !vm.hasModel;
  els.play.disabled = !vm.hasModel;
  els.use.disabled = vm.useDisabled;
  els.back.disabled = vm.backDisabled;
  els.sampleLang.hidden = !vm.sampleInLanguage;
  els.info.textContent = vm.info;
  renderLossChart(els.chart, vm.series, 200, vm.axes);
  els.chart.setAttribute('aria-label', vm.chartLabel);
  if (!vm.hasModel) return;
  els.loss.textContent = vm.lossText;
  els.loss.dataset.first = vm.first === undefined ? '' : String(vm.first);
  els.loss.dataset.last = vm.last === undefined ? '' : String(vm.last);
}

function findElements({ $ }) {
  return {
    text: $('own-text'), count: $('own-count'), create: $('own-create'), step: $('own-step'), play: $('own-play'),
    use: $('own-use'), back: $('own-back'), message: $('own-message'), chart: $('own-chart'), loss: $('own-loss'),
    info: $('own-info'), sampleEn: $('own-sample-en'), sampleLang: $('own-sample-lang'), status: $('own-status'),
  };
}

/**
 * Copies the trained weights into the top-k view's model, at most every SYNC_EVERY_MS unless
 * forced, one copy in flight at a time; reports that come sooner arm one timer between them.
 * @returns {(force?: boolean) => Promise<void>}
 */
function weightSync(demo, local, run, onError) {
  let timer = null;
  demo.own(() => clearTimeout(timer));
  return async function sync(force = false) {
    const target = local.model;
    if (!target || local.syncing || target.synced === run.steps) return;
    if (!force && performance.now() - local.lastSync < SYNC_EVERY_MS) {
      timer ??= setTimeout(() => {
        timer = null;
        sync();
      }, SYNC_EVERY_MS);
      return;
    }
    local.syncing = true;
    try {
      const steps = run.steps;
      const weights = await run.model.weights();
      if (local.model !== target) return;
      target.handle.loadWeights(weights);
      Object.assign(target, { synced: steps, version: target.version + 1 });
      local.lastSync = performance.now();
      demo.modelTrained(target);
    } catch (err) {
      onError(err);
    } finally {
      local.syncing = false;
    }
  };
}

/**
 * Wires the own-text view.
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void}}
 */
export function createOwnTextView(demo) {
  const { state } = demo;
  const els = findElements(demo);
  writtenByView([els.play, els.count]);
  // The texts of the message and status lines, as functions of the language (null: none).
  const words = { message: null, status: null };
  const say = (line, text) => { words[line] = text; redraw(); };
  // The model that trains (in the worker) and, for the top-k view, a copy here that loads its
  // weights as they change: sampling on this thread never waits for a training step.
  const local = { model: null, syncing: false, lastSync: 0 };
  const run = createTrainingRun(demo.model(), {
    // Training uses the dropout rate of the dropout view.
    rate: () => state.dropout_p,
    timing: demo.stepTiming,
    onChange(report) {
      if (report && demo.active === local.model) sync();
      if (report) demo.emit('step', { view: 'owntext', step: report.step, loss: report.loss, rate: report.rate });
      if (report) redrawReport();
      else redraw();
    },
    onError: (err) => say('message', () => errorText(err, demo)),
    onPlaying: playButton(demo, els.play),
  });

  const sync = weightSync(demo, local, run, (err) => say('message', () => errorText(err, demo)));

  function render() {
    const model = local.model;
    renderOwnText(els, ownTextViewModel({ chars: [...els.text.value].length, vocab: model?.vocab ?? null, run,
      using: Boolean(model) && demo.active === model, shippedActive: demo.active === demo.shipped, lang: state.lang,
      message: words.message ? words.message() : '', status: words.status ? words.status() : '' }, demo));
  }
  const redraw = () => demo.requestRender('owntext', render);
  const redrawReport = reportRedraw(redraw, () => run.playing);

  async function create() {
    const text = els.text.value;
    let copy;
    try {
      copy = demo.wasm.Demo.fromText(text, state.backend, MODEL_SEED);
    } catch (err) {
      say('message', () => demo.t('own.cannotTrain', { message: errorText(err, demo) }));
      return;
    }
    words.message = null;
    const old = local.model;
    const vocab = copy.vocab();
    const model = { handle: copy, vocab, version: 0, sampleText: text.replace(/\s+/g, ' ').trim().slice(0, 12), synced: 0,
      label: () => demo.t('own.modelLabel', { steps: run.steps }) };
    local.model = model;
    // Hand the new model over before freeing the old one if the top-k view was using it.
    if (old && demo.active === old) demo.setActive(model);
    old?.handle.free();
    try {
      // The same text and seed: the worker's model starts from the same weights as the copy here.
      await run.create({ text, backend: state.backend, seed: MODEL_SEED });
      say('status', () => demo.t('own.ready', { n: vocab.length }));
    } catch (err) {
      say('message', () => demo.t('own.cannotTrain', { message: errorText(err, demo) }));
    }
  }

  wireOwnText(demo, els, run, { create, sync, say, local, redraw });
  demo.own(() => local.model?.handle.free()); // this thread's copy (the worker's goes with the demo's models)
  demo.subscribe(['lang'], redraw);
  demo.subscribe(['dropout_p'], run.rateChanged);
  demo.on('active', redraw);
  return { redraw };
}

/** The buttons: create, Step, Play, use / stop using the model, and the samples. */
function wireOwnText(demo, els, run, { create, sync, say, local, redraw }) {
  const { state } = demo;
  els.text.addEventListener('input', redraw);
  els.create.addEventListener('click', create);
  els.step.addEventListener('click', () => local.model && run.step().catch((err) => say('message', () => errorText(err, demo))));
  els.play.addEventListener('click', () => local.model && run.toggle());
  els.use.addEventListener('click', async () => {
    if (!local.model) return;
    await sync(true);
    demo.setActive(local.model);
    say('status', () => demo.t('own.usingNow'));
  });
  els.back.addEventListener('click', () => {
    demo.setActive(demo.shipped);
    say('status', () => demo.t('own.usingShipped'));
  });
  els.sampleEn.addEventListener('click', () => {
    els.text.value = demo.englishText.slice(0, SAMPLE_CHARS);
    redraw();
  });
  els.sampleLang.addEventListener('click', async () => {
    try {
      const response = await fetchFile(fileUrl(`corpus/${state.lang}.txt`));
      els.text.value = (await response.text()).slice(0, SAMPLE_CHARS);
      say('message', null);
    } catch (err) {
      say('message', () => demo.t('own.sampleFailed', { message: errorText(err, demo) }));
    }
  });
}

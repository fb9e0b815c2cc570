// The thesis as one picture: two copies of the shipped model go on training in the worker on the
// same text in the same order; only their dropout masks differ. For one prompt, each model is a
// strip of its kept probabilities, and each sampling seed a dart at its u.
// - One strip, two darts: one model, two seeds; only where the darts land can differ
//   (randomness at generation).
// - One dart, two strips: one seed, two models; the strips slide apart as the models train
//   (randomness in training).
//
// thesisViewModel turns the two models' answers into plain data, renderThesis writes it, and
// createThesisView wires the controls.
import { renderStrip } from './charts.js';
import { percent, tokenLabel, errorText, setLiveText, showPressed, visibleEnd } from './format.js';
import { samplingSettings, keptSegments, SAMPLING_SETTINGS } from './next-token.js';
import { createTrainingRun, lastValue } from './training-run.js';
import { bindSlider } from './slider.js';
import { MODEL_SEED } from './state.js';
import { writtenByView } from './i18n.js';

/** Steps each model trains before it pauses by itself (and per press of Train after that). */
export const TRAIN_STEPS = 200;
/** The models train in lockstep, this many steps each, and the strips follow them after each. */
const REFRESH_EVERY = 10;
/** The continuations, which cost a forward pass per character, follow every this many steps. */
const TEXTS_EVERY = 50;
/** Characters each seed's continuation shows. */
const CONTINUATION = 16;
/**
 * Adam's step size for the two copies of the shipped weights: a third of a fresh model's, so they
 * stay about as good as the shipped model while their masks part them (tests/model.rs measures it).
 */
const FINE_TUNE_RATE = 1e-3;
/** The two models' mask streams: the only difference between them. */
const MASK_STREAMS = [1, 2];
/** Below this total variation the two distributions count as the same (f32 rounding). */
const SAME = 1e-6;
/** The longest end of the prompt the caption quotes. */
const PROMPT_SHOWN = 32;

/** The settings this view reads. */
export const THESIS_SETTINGS = [...SAMPLING_SETTINGS, 'prompt', 'dropout_p'];

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

/** The two sampling seeds, one dart each. */
export function columnSeeds(seed) {
  return [seed, seed === 4294967295 ? 0 : seed + 1];
}

/** What the notice says, from the models' distance before the cut and what the cut kept. */
function noticeText({ steps, apart, rate, answers, vocab }, fmt) {
  if (steps === 0) return fmt.t('thesis.noticeStart');
  if (apart < SAME) return fmt.t(rate === 0 ? 'thesis.noticeZero' : 'thesis.noticeSame', { steps });
  const [a, b] = answers;
  const shown = percent(apart, fmt);
  // One kept character on each strip: the same one hides that the models differ; two different
  // ones show that greedy decoding is not the same for every model.
  if (a.kept === 1 && b.kept === 1) {
    return a.index === b.index
      ? fmt.t('thesis.noticeGreedy', { apart: shown, drawn: tokenLabel(vocab[a.index]) })
      : fmt.t('thesis.noticeGreedyApart', { a: tokenLabel(vocab[a.index]), b: tokenLabel(vocab[b.index]) });
  }
  return fmt.t('thesis.noticeApart', { apart: shown });
}

/**
 * What the picture shows.
 * @param {object} input
 * @param {object} input.state
 * @param {string[]} input.vocab
 * @param {Array<{steps: number, valid: number, answers: object[], texts: string[]}>} input.models
 *   the two models: each one's nextToken answer per seed (draw 0), its continuation per seed, the
 *   step its answers are from and its latest validation loss
 * @param {{playing: boolean, target: number, steps: number, ready: boolean}} input.training
 * @param {{t: Function, number: Function}} fmt
 */
export function thesisViewModel({ state, vocab, models, training }, fmt) {
  const seeds = columnSeeds(state.seed);
  const rows = models.map((model, r) => {
    const [first] = model.answers;
    const segments = keptSegments(first, vocab);
    const landed = model.answers.map((answer) => tokenLabel(vocab[answer.index]));
    return {
      name: fmt.t('thesis.rowModel', { n: r + 1 }),
      loss: Number.isFinite(model.valid) ? fmt.t('thesis.loss', { loss: fmt.number(model.valid, 2) }) : '',
      segments,
      darts: model.answers.map((answer, c) => ({ u: answer.u, index: answer.index, tag: fmt.t('thesis.dartTag', { seed: seeds[c] }) })),
      // Each seed's continuation starts with its drawn character (the same draw number), shown
      // marked and followed by the rest, so the words read on.
      draws: model.answers.map((answer, c) => {
        const rest = [...(model.texts[c] ?? '')].slice(1).join('');
        return { lead: fmt.t('thesis.draw', { seed: seeds[c] }), drawn: landed[c], rest,
          label: fmt.t('thesis.drawLabel', { seed: seeds[c], drawn: landed[c], text: rest }) };
      }),
      drawn: landed,
      before: first.before,
      label: fmt.t('thesis.strip', { n: r + 1,
        segments: segments.map((s) => `“${s.label}” ${percent(s.share, fmt)}`).join(fmt.t('common.listSeparator')),
        seedA: seeds[0], seedB: seeds[1], uA: fmt.number(model.answers[0].u, 2), uB: fmt.number(model.answers[1].u, 2),
        a: landed[0], b: landed[1] }),
    };
  });
  const steps = Math.min(...models.map((m) => m.steps));
  const apart = totalVariation(models[0].answers[0].before, models[1].answers[0].before);
  return {
    caption: fmt.t('thesis.caption', { text: visibleEnd(state.prompt, PROMPT_SHOWN) }),
    rows,
    apart,
    progress: { value: training.steps, max: training.target },
    progressText: training.ready
      ? fmt.t('thesis.progress', { steps: training.steps, target: training.target, p: fmt.number(state.dropout_p, 2) })
      : fmt.t('app.loadingModel'),
    trainLabel: fmt.t(training.playing ? 'common.pause' : training.steps >= training.target ? 'thesis.trainMore' : 'thesis.train',
      { steps: TRAIN_STEPS }),
    playing: training.playing,
    notice: noticeText({ steps, apart, rate: state.dropout_p, answers: models.map((m) => m.answers[0]), vocab }, fmt),
  };
}

/**
 * @param {object} els
 * @param {ReturnType<typeof thesisViewModel>} vm
 */
export function renderThesis(els, vm) {
  els.caption.textContent = vm.caption;
  vm.rows.forEach((row, r) => {
    const el = els.rows[r];
    el.name.textContent = row.name;
    el.loss.textContent = row.loss;
    renderStrip(el.strip, row.segments, row.darts);
    el.strip.setAttribute('aria-label', row.label);
    el.root.dataset.before = Array.from(row.before, (p) => p.toFixed(6)).join(',');
    el.draws.forEach((li, c) => {
      const { lead, drawn, rest, label } = row.draws[c];
      const mark = document.createElement('mark');
      mark.textContent = drawn;
      li.replaceChildren(`${lead} `, mark, `${rest}…`);
      li.setAttribute('aria-label', label);
      li.dataset.drawn = drawn;
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
    grid, caption: $('thesis-caption'), train: $('thesis-train'), restart: $('thesis-restart'), progress: $('thesis-progress'),
    progressText: $('thesis-progress-text'), notice: $('thesis-notice'), message: $('thesis-message'),
    rows: [...grid.querySelectorAll('.model-row')].map((root) => ({
      root, name: root.querySelector('.name'), loss: root.querySelector('.loss'), strip: root.querySelector('.strip'),
      draws: [...root.querySelectorAll('.draws li')],
    })),
    rate: bindSlider(demo, 'dropout_p', { symbol: 'r', id: 'thesis-dropout_p' }),
  };
}

/** Both models' logits for the prompt, and each seed's continuation when `withTexts`. */
function fetchCells(demo, models, withTexts) {
  const { state } = demo;
  const seeds = columnSeeds(state.seed);
  return Promise.all(models.map(async (m) => {
    const steps = m.run.steps;
    const logits = await m.run.model.logits(state.prompt);
    const texts = withTexts ? await Promise.all(seeds.map((seed) => m.run.model.generate(state.prompt,
      samplingSettings({ ...state, seed }, 0), CONTINUATION))) : m.texts;
    return { steps, logits, texts };
  }));
}

/**
 * The two models' answers, fetched from the worker one refresh at a time (demo.refresh): settings
 * or steps that arrive meanwhile ask for one more, with the values current then, so the worker
 * never holds a queue of stale forward passes ahead of the training steps. A refresh sent before
 * Start again answers for the old models: its result is dropped and it runs again.
 * @returns {{refresh: (options?: {texts?: boolean}) => Promise<void>, modelsChanged: () => void}}
 */
function thesisRefresher(demo, els, models, { stepsDone, loop, redraw }) {
  const refreshing = { texts: false, models: 0 };
  async function fetchAndShow() {
    const withTexts = refreshing.texts || !models[0].texts.length;
    refreshing.texts = false;
    const generation = refreshing.models;
    try {
      const fetched = await fetchCells(demo, models, withTexts);
      if (generation !== refreshing.models) {
        refreshing.texts = true;
        refresh();
        return;
      }
      fetched.forEach((f, i) => Object.assign(models[i], f));
      els.message.textContent = '';
      redraw();
    } catch (err) {
      els.message.textContent = errorText(err, demo);
    }
  }
  /** Asks for the answers; `texts`: the continuations too (they cost a pass per character). */
  function refresh({ texts = false } = {}) {
    refreshing.texts ||= texts || stepsDone() % TEXTS_EVERY === 0 || !loop.playing;
    return demo.refresh('thesis', fetchAndShow);
  }
  return { refresh, modelsChanged: () => { refreshing.models += 1; } };
}

/**
 * Wires the two-model picture.
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void, models: object[], whenStarted: () => Promise<void>}}
 */
export function createThesisView(demo) {
  const { state } = demo;
  const els = findElements(demo);
  writtenByView([els.train, els.caption]);
  const training = { target: TRAIN_STEPS, paused: false };
  const timeline = { apart: false };
  const loop = { playing: false };
  const hooks = { rate: () => state.dropout_p, timing: demo.stepTiming, onError: (err) => { pause(); demo.showError(err); }, onChange: () => redraw() };
  const models = MASK_STREAMS.map(() => ({ logits: null, texts: [], steps: 0, run: createTrainingRun(demo.model(), hooks) }));
  const stepsDone = () => Math.min(...models.map((m) => m.run.steps));

  /**
   * Trains both models in lockstep, REFRESH_EVERY steps each, and looks at them after each round.
   * Both rounds are sent to the worker at once, so anything asked after them sees the two models
   * at the same step: at rate 0 they are then exactly one model, never one step apart. A Start
   * again meanwhile goes on with the new models (the worker runs commands in order).
   */
  async function play() {
    if (loop.playing) return;
    loop.playing = true;
    redraw();
    try {
      while (loop.playing && stepsDone() < training.target) {
        const count = Math.min(REFRESH_EVERY, training.target - stepsDone());
        await Promise.all(models.map((m) => m.run.model.step(state.dropout_p, { count })));
        await refresh();
      }
    } catch (err) {
      demo.showError(err);
    } finally {
      loop.playing = false;
      redraw();
    }
  }
  const pause = () => {
    loop.playing = false;
    redraw();
  };

  const { refresh, modelsChanged } = thesisRefresher(demo, els, models, { stepsDone, loop, redraw: () => redraw() });

  function render() {
    els.rate?.render();
    if (!models.every((m) => m.run.ready && m.logits)) {
      els.progressText.textContent = demo.t('app.loadingModel');
      return;
    }
    const seeds = columnSeeds(state.seed);
    const input = models.map((m) => ({ steps: m.steps, texts: m.texts, valid: lastValue(m.run.history.valid),
      answers: seeds.map((seed) => demo.wasm.nextToken(m.logits, samplingSettings({ ...state, seed }, 0))) }));
    const status = { ...training, ready: true, playing: loop.playing, steps: stepsDone() };
    const vm = thesisViewModel({ state, vocab: models[0].run.vocab, models: input, training: status }, demo);
    renderThesis(els, vm);
    if (!timeline.apart && vm.apart >= SAME) {
      timeline.apart = true;
      performance.mark('dropout-topk:thesis-apart'); // make bench: from in view to two different models
    }
  }
  const redraw = () => demo.requestRender('thesis', render);

  /** Both models from the shipped weights (fresh ones from the English text if those are missing). */
  async function start() {
    training.target = TRAIN_STEPS;
    modelsChanged();
    const from = demo.weights ? { weights: demo.weights, learningRate: FINE_TUNE_RATE } : { text: demo.englishText };
    await Promise.all(models.map((m, i) => m.run.create({ ...from, backend: state.backend, seed: MODEL_SEED,
      maskStream: MASK_STREAMS[i] })));
    await refresh({ texts: true });
  }
  demo.own(() => { loop.playing = false; }); // a closed demo's loop sends no more rounds
  const whenStarted = wireThesisControls(demo, els, { loop, training, stepsDone, start, play, pause });
  demo.subscribe(THESIS_SETTINGS.filter((n) => n !== 'dropout_p'), () => models[0].logits && refresh({ texts: true }));
  demo.subscribe(['dropout_p', 'lang'], redraw);
  return { redraw, models, whenStarted };
}

/**
 * Train / Pause and Start again. The two models are made, and start training, when the picture
 * comes into view (or Train is pressed first), so a page that opens elsewhere does not spend the
 * worker's first moments on them; a reader who pressed Pause is not overruled. Returns a function
 * that starts them if need be and resolves once they exist.
 */
function wireThesisControls(demo, els, { loop, training, stepsDone, start, play, pause }) {
  let started = null;
  const ensureStarted = () => {
    started ??= start().catch((err) => {
      started = null;
      demo.showError(err);
    });
    return started;
  };
  const observer = demo.observe(new IntersectionObserver(async (entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    performance.mark('dropout-topk:thesis-visible');
    await ensureStarted();
    if (!training.paused) play();
  }), els.grid);
  els.train.addEventListener('click', async () => {
    if (loop.playing) {
      training.paused = true;
      pause();
      return;
    }
    training.paused = false;
    await ensureStarted();
    if (stepsDone() >= training.target) training.target += TRAIN_STEPS;
    play();
  });
  els.restart.addEventListener('click', async () => {
    started = start().catch(demo.showError);
    await started;
    if (!training.paused) play();
  });
  return ensureStarted;
}

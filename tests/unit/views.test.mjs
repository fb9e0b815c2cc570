// The view models: the state and the core's real answers in, the plain data each view shows out.
// Checked against the semantics (docs/semantics.md), not against what the code happens to return.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { wasm, shippedModel, formatter } from './core.mjs';
import { createState } from '../../www/state.js';
import { topKViewModel } from '../../www/topk-view.js';
import { mcDropoutViewModel, spreadSummary } from '../../www/mc-dropout-view.js';
import { siteCard, fixedPressesModel, dropoutViewModel, shownUnits } from '../../www/dropout-view.js';
import { overfitViewModel } from '../../www/overfit-view.js';
import { ownTextViewModel } from '../../www/owntext-view.js';
import { samplingSettings } from '../../www/next-token.js';
import { emptyHistory, addReport, addMeasured, emptyTiming, addStepTime, countPoints, reportRedraw, PLAY_REDRAW_MS } from '../../www/training-run.js';

/** Probabilities and sums in f32 from the core: compared within 1e-6 (tests/common/mod.rs, PROB_TOL). */
const PROB_TOL = 1e-6;
const en = formatter('en');
const model = shippedModel();
const vocab = model.vocab();
const prompt = 'The harbour is';
const logits = model.logits(prompt);

function topK(changes = {}, extra = {}) {
  const { state, set } = createState();
  for (const [name, value] of Object.entries(changes)) set(name, value);
  const answer = wasm.nextToken(logits, samplingSettings(state));
  const vm = topKViewModel({ state, model: { vocab, label: 'shipped' }, text: prompt, unknown: '', answer, sampled: null,
    generating: false, announcement: '', ...extra }, en);
  return { state, answer, vm };
}

test('top-k bars: kept rows show the renormalised probability, cut rows 0, in order of likelihood', () => {
  const { answer, vm } = topK({ k: 4 });
  const kept = vm.rows.filter((r) => r.kept);
  assert.equal(kept.length, answer.kept);
  assert.ok(answer.kept >= 4, 'ties at the k-th logit stay, so at least k');
  assert.ok(Math.abs(kept.reduce((s, r) => s + r.shown, 0) - 1) <= PROB_TOL * vocab.length);
  for (const row of vm.rows.filter((r) => !r.kept)) assert.equal(row.shown, 0);
  for (let i = 1; i < vm.rows.length; i++) assert.ok(vm.rows[i - 1].original >= vm.rows[i].original);
  assert.equal(vm.rows.length, Math.min(vocab.length, Math.max(8, answer.kept + 5)));
  // Renormalising is proportional: each kept probability is its share of the kept mass.
  for (const row of kept) assert.ok(Math.abs(row.shown - row.original / answer.keptMass) <= 1e-5);
  assert.equal(vm.kDisabled, false);
  assert.equal(vm.topPDisabled, true);
  assert.match(vm.cut, /k = 4/);
});

test('the temperature never changes which characters top-k keeps; top-p keeps the fewest reaching p', () => {
  const cold = topK({ k: 5, temperature: 0.3 }).vm.rows.filter((r) => r.kept).map((r) => r.index);
  const hot = topK({ k: 5, temperature: 2.5 }).vm.rows.filter((r) => r.kept).map((r) => r.index);
  assert.deepEqual(cold, hot);
  const { answer, vm } = topK({ sampler: 'top_p', top_p: 0.8 });
  assert.ok(answer.keptMass >= 0.8 - PROB_TOL);
  const kept = vm.rows.filter((r) => r.kept);
  const withoutLast = kept.slice(0, -1).reduce((s, r) => s + r.original, 0);
  assert.ok(withoutLast < 0.8, 'one character fewer would not reach p');
  assert.equal(vm.kDisabled, true);
});

test('a drawn character is marked, and it is one the cut kept', () => {
  const { state } = createState();
  const answer = wasm.nextToken(logits, samplingSettings(state, 7));
  const vm = topKViewModel({ state, model: { vocab, label: '' }, text: prompt, unknown: '', answer, sampled: answer.index,
    generating: true, announcement: 'x' }, en);
  const drawn = vm.rows.filter((r) => r.sampled);
  assert.equal(drawn.length, 1);
  assert.equal(drawn[0].kept, true);
  assert.match(drawn[0].description, /drawn|Drawn/);
  assert.equal(vm.generateLabel, 'Stop');
});

test('without an answer the view says why in the reader\'s language', () => {
  const { state } = createState();
  let error;
  try {
    wasm.Demo.fromText('too short', 'flex', 1);
  } catch (err) {
    error = err;
  }
  const vm = topKViewModel({ state, model: { vocab, label: '' }, text: '', unknown: '☃', answer: null, error, sampled: null,
    generating: false, announcement: '' }, formatter('ja'));
  assert.deepEqual(vm.rows, []);
  assert.match(vm.error, /9 文字/);
  assert.match(vm.unknown, /☃/);
});

test('contrast: a fixed model gives the same top probability on every draw; Monte Carlo dropout moves it', () => {
  const { state } = createState();
  const top = wasm.nextToken(logits, samplingSettings(state)).order[0];
  const draw = (mc, number) => {
    const l = mc ? model.mcDropoutLogits(prompt, 0.3, state.seed, number) : logits;
    const answer = wasm.nextToken(l, samplingSettings(state, number));
    return { number, index: answer.index, mc, top, topProb: answer.probs[top] };
  };
  const fixed = [0, 1, 2, 3].map((n) => draw(false, n));
  assert.match(spreadSummary(fixed, false, vocab, en), /stayed|every/i);
  const jitter = [0, 1, 2, 3].map((n) => draw(true, n));
  assert.notEqual(new Set(jitter.map((d) => d.topProb)).size, 1);
  const vm = mcDropoutViewModel({ state: { ...state, mc_dropout: true }, vocab, answer: wasm.nextToken(logits, samplingSettings(state)),
    order: null, sampled: null, draws: jitter, playing: false }, en);
  assert.ok(vm.rows.length <= 8);
  assert.equal(vm.history.length, 4);
  assert.equal(vm.history.every((h) => h.mc), true);
  assert.equal(vm.playLabel, 'Play');
});

test('dropout cards: the step\'s own mask at its p, the core\'s re-reading at another p, nested', () => {
  const demo = wasm.Demo.fromText(wasm.englishText(), 'flex', 3);
  const report = demo.trainStep(0.3, true);
  assert.equal(report.sites.length, 7);
  for (const site of report.sites) {
    const own = siteCard(site, site, { p: 0.3, step: report.step, same: true }, en);
    // Causally masked attention weights (already 0) are neither units nor drops.
    const live = site.live ?? site.mask.map(() => 1);
    assert.equal(own.data.dropped, String(site.mask.filter((m, i) => m === 0 && live[i]).length));
    assert.equal(own.data.units, String(live.filter(Boolean).length));
    if (site.live) {
      assert.equal(site.kind, 'attention_weights');
      live.forEach((l, i) => { if (!l) assert.equal(site.before[i], 0); });
      assert.match(own.summary, new RegExp(`of ${site.units} attention weights dropped.*the ${site.live.length - site.units} causally masked`));
    }
    assert.equal(own.stepMask, null);
    const higher = wasm.dropoutAt(site.draws, site.before, 0.6, site.live ?? undefined);
    const card = siteCard(site, higher, { p: 0.6, step: report.step, same: false }, en);
    assert.ok(higher.dropped >= site.dropped, 'raising p only drops more');
    site.mask.forEach((m, i) => { if (m === 0) assert.equal(higher.mask[i], 0); });
    // Survivors are scaled by 1 / (1 - p), the dropped are 0.
    const { indices } = shownUnits(site.shape, en);
    indices.forEach((j, n) => {
      const want = higher.mask[j] ? site.before[j] / (1 - 0.6) : 0;
      assert.ok(Math.abs(card.after[n] - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${site.kind} unit ${j}`);
    });
    assert.match(card.caption, /2\.500/);
  }
  demo.free();
});

test('the fixed-prompt runs compare only presses after the same step', () => {
  const runs = [{ number: 1, p: null, step: 3, text: 'a' }];
  assert.match(fixedPressesModel(runs, en).compare, /again/);
  runs.push({ number: 2, p: null, step: 3, text: 'a' });
  assert.match(fixedPressesModel(runs, en).compare, /Identical/);
  runs.push({ number: 3, p: 0.1, step: 4, text: 'b' });
  assert.match(fixedPressesModel(runs, en).compare, /not comparable/);
  const { state } = createState({ mode: 'eval' });
  const vm = dropoutViewModel({ state, run: { ready: false, playing: false, steps: 0, history: emptyHistory() },
    timing: emptyTiming(), runs: [] }, en);
  assert.equal(vm.stepDisabled, true);
  assert.equal(vm.steps, 'Loading the model…');
  assert.doesNotMatch(vm.lossText, /NaN/);
});

test('training history, step times and chart points add up', () => {
  const history = emptyHistory();
  addMeasured(history, { step: 0, train: 4.2, valid: 4.3 });
  addReport(history, { step: 1, loss: 4.1, measured: null });
  addReport(history, { step: 2, loss: 4.0, measured: { step: 2, train: 3.9, valid: NaN } });
  assert.deepEqual(history.batch, [[1, 4.1], [2, 4.0]]);
  assert.equal(history.train.length, 2);
  assert.equal(countPoints([{ points: history.batch }, { points: history.valid }]), 3, 'NaN is not drawn');
  const timing = emptyTiming();
  for (const ms of [10, 20, 60]) addStepTime(timing, ms);
  assert.deepEqual(timing, { first: 10, last: 60, mean: 30, count: 3 });
});

test('overfitting rows give each copy\'s gap as validation minus training', () => {
  const copy = (name, p, train, valid) => ({ name, p, steps: 10, history: { batch: [], train: [[10, train]], valid: [[10, valid]] } });
  const vm = overfitViewModel({ ready: true, playing: true, copies: [copy('A', 0, 1.5, 2.25), copy('B', 0.3, 1.75, 2)] }, en);
  assert.deepEqual(vm.rows.map((r) => r[3]), ['0.750', '0.250']);
  assert.equal(vm.playLabel, 'Pause');
  assert.equal(vm.totalSteps, 20);
});

test('own text: the count names the core\'s minimum; the loss line reads first to last; a sample in the page\'s language', () => {
  const run = { steps: 0, playing: false, history: emptyHistory() };
  const none = ownTextViewModel({ chars: 12, vocab: null, run, using: false, shippedActive: true, lang: 'en', message: '', status: '' }, en);
  assert.match(none.count, new RegExp(`at least ${wasm.facts().minChars}`));
  assert.equal(none.useDisabled, true);
  // English has one sample, the model's own text; another language adds its own (corpus/<lang>.txt).
  assert.equal(none.sampleInLanguage, false);
  assert.equal(ownTextViewModel({ chars: 12, vocab: null, run, using: false, shippedActive: true, lang: 'ko', message: '', status: '' },
    formatter('ko')).sampleInLanguage, true);
  addMeasured(run.history, { step: 0, train: 4, valid: 4.1 });
  addMeasured(run.history, { step: 10, train: 3, valid: 3.5 });
  const vm = ownTextViewModel({ chars: 2000, vocab: ['a', 'b'], run, using: true, shippedActive: false, lang: 'en', message: '', status: '' }, en);
  assert.match(vm.lossText, /4\.000 at step 0 → 3\.000 at step 10; validation 3\.500/);
  assert.equal(vm.useDisabled, true);
  assert.equal(vm.backDisabled, false);
});

test('the two-model picture: a strip per model, a dart per seed, models compared before the cut, true notices at rate 0 and k = 1', async () => {
  const { thesisViewModel, totalVariation, columnSeeds } = await import('../../www/thesis-view.js');
  // As the page makes them: two copies of the shipped model whose masks come from streams 1 and 2.
  const [a, b] = [1, 2].map((stream) => {
    const demo = shippedModel();
    demo.setMaskStream(stream);
    demo.setLearningRate(1e-3); // FINE_TUNE_RATE in thesis-view.js
    return demo;
  });
  const answersOf = (demo, state) => columnSeeds(state.seed)
    .map((seed) => wasm.nextToken(demo.logits(state.prompt), samplingSettings({ ...state, seed }, 0)));
  const view = (state) => thesisViewModel({ state, vocab: a.vocab(), training: { playing: false, target: 200, steps: a.steps(), ready: true },
    models: [a, b].map((demo) => ({ steps: demo.steps(), valid: 1.5, answers: answersOf(demo, state), texts: ['xyz', 'uvw'] })) }, en);
  const { state } = createState();
  const start = view(state);
  assert.equal(start.apart, 0, 'no step yet: one model');
  assert.match(start.notice, /start as one/);
  // At rate 0 the masks drop nothing: the copies take the same steps and stay one model.
  const zero = createState({ dropout_p: 0 }).state;
  for (let i = 0; i < 3; i++) [a, b].forEach((demo) => demo.trainStep(0, false));
  const still = view(zero);
  assert.equal(still.apart, 0);
  assert.match(still.notice, /rate 0/);
  for (let i = 0; i < 10; i++) [a, b].forEach((demo) => demo.trainStep(0.1, false));
  const vm = view(state);
  assert.ok(vm.apart > 0, 'other masks, another model');
  // The distance is between the distributions before any cut.
  assert.ok(Math.abs(vm.apart - totalVariation(vm.rows[0].before, vm.rows[1].before)) < 1e-12);
  assert.match(vm.notice, /differ by/);
  for (const row of vm.rows) {
    assert.ok(Math.abs(row.segments.reduce((s, x) => s + x.share, 0) - 1) < 1e-5, 'a strip is the kept probabilities end to end');
    assert.deepEqual(row.darts.map((d) => d.tag), columnSeeds(state.seed).map((seed) => `seed ${seed}`));
    assert.equal(row.draws[0].rest, 'yz', 'the continuation follows the drawn character');
    assert.equal(row.draws[0].drawn, row.drawn[0]);
    assert.match(row.loss, /1\.50/);
  }
  // One seed, one u: the same dart on both strips.
  assert.deepEqual(vm.rows[0].darts.map((d) => d.u), vm.rows[1].darts.map((d) => d.u));
  assert.deepEqual(columnSeeds(4294967295), [4294967295, 0]);
  assert.match(vm.progressText, /Step 13 of 200/);
  // At k = 1 each strip is one character. After a confident prompt both models take the same one
  // (the space): the models still differ before the cut, and the notice says that greedy decoding
  // hides it rather than that the models are the same.
  const greedy = view(createState({ k: 1, prompt: 'The harbour is' }).state);
  for (const row of greedy.rows) assert.equal(row.segments.length, 1);
  assert.ok(greedy.apart > 0);
  assert.equal(greedy.rows[0].darts[0].index, greedy.rows[1].darts[0].index, 'both models\' most likely character');
  assert.match(greedy.notice, /greedy decoding hides the difference/);
  // Where the two models' most likely characters differ, the notice names both.
  const [x, y] = [[0, 2, 1], [0, 1, 2]].map((l) => wasm.nextToken(new Float32Array(l), { sampler: 'top_k', k: 1, temperature: 1, top_p: 1, seed: 1, draw: 0 }));
  const apartVm = thesisViewModel({ state: createState({ k: 1 }).state, vocab: ['a', 'b', 'c'], training: { playing: false, target: 200, steps: 5, ready: true },
    models: [x, y].map((answer) => ({ steps: 5, valid: 1.5, answers: [answer, answer], texts: [] })) }, en);
  assert.match(apartVm.notice, /own most likely character: “b” and “c”/);
  a.free();
  b.free();
});

test('the draw strip lays the kept probabilities out in the draw\'s order and says where u lands', async () => {
  const { drawStrip } = await import('../../www/topk-view.js');
  const { state } = createState({ k: 6 });
  const answer = wasm.nextToken(logits, samplingSettings(state, 3));
  const strip = drawStrip(answer, vocab, { number: 3, seed: state.seed }, answer.index, en);
  assert.equal(strip.segments.length, answer.kept);
  assert.ok(Math.abs(strip.segments.reduce((s, x) => s + x.share, 0) - 1) < 1e-5);
  // The stretch that holds u is the drawn character's.
  let start = 0;
  const holder = strip.segments.find((s) => { start += s.share; return answer.u < start; });
  assert.equal(holder.index, answer.index);
  assert.match(strip.text, /^u = 0\.\d\d lands in/);
  // Under another cut the same seed and draw number give the same u.
  const other = wasm.nextToken(logits, samplingSettings({ ...state, k: 1 }, 3));
  assert.equal(other.u, answer.u);
  assert.equal(other.index, answer.order[0], 'k = 1: every u lands on the most likely');
  const moved = drawStrip(other, vocab, { number: 3, seed: state.seed }, null, en);
  assert.match(moved.text, /^The same u/);
  assert.equal(drawStrip(wasm.nextToken(logits, samplingSettings(state)), vocab, null, null, en).u, null);
});

test('a draw shows where its character comes from: the training text\'s counts and places, in the reader\'s words', async () => {
  const { sourcesText } = await import('../../www/topk-view.js');
  const text = wasm.englishText();
  const context = 'The boats come back to the ';
  const found = model.sources(context, 'h', 3);
  assert.ok(context.endsWith(found.suffix) && found.suffix.length >= 1);
  assert.ok(found.followedCount >= 1 && found.followedCount <= found.contextCount);
  assert.ok(found.examples.length >= 1 && found.examples.length <= 3);
  for (const example of found.examples) {
    assert.equal(example.match, `${found.suffix}h`);
    assert.ok(text.includes(`${example.before}${example.match}${example.after}`), 'a place of the English text');
  }
  // The counts are the text's own: at most as many as the whole English text holds.
  assert.ok(found.followedCount <= text.split(`${found.suffix}h`).length - 1);
  const words = sourcesText({ context, drawn: 'h', found }, en);
  assert.equal(words.text, `“${[...found.suffix].map((c) => (c === ' ' ? '␣' : c)).join('')}” is followed by “h” ${found.followedCount} of ${found.contextCount} times in the training text (${(100 * found.followedCount / found.contextCount).toFixed(1)}%):`);
  // A character that never comes after the context's last character says so, not a count of 0.
  const never = model.sources('xq', 'Z', 3);
  assert.equal(never.followedCount, 0);
  assert.match(sourcesText({ context: 'xq', drawn: 'Z', found: never }, en).text, /never comes right after “q”/);
});

test('a playing run redraws for its reports at most once per PLAY_REDRAW_MS, the last report included; a run that does not play at once', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let playing = true;
    let redraws = 0;
    const redraw = reportRedraw(() => { redraws += 1; }, () => playing);
    for (let i = 0; i < 5; i++) redraw(); // five reports within one interval
    assert.equal(redraws, 0);
    mock.timers.tick(PLAY_REDRAW_MS - 1);
    assert.equal(redraws, 0);
    mock.timers.tick(1);
    assert.equal(redraws, 1); // one redraw shows all five
    redraw();
    mock.timers.tick(PLAY_REDRAW_MS);
    assert.equal(redraws, 2);
    playing = false;
    redraw();
    redraw();
    assert.equal(redraws, 4); // paused: every report at once
  } finally {
    mock.timers.reset();
  }
});

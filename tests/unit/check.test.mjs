// The learning check's right answers that are facts of the model, checked on the real core (the
// wasm package the page loads, the shipped weights), and the check's own bookkeeping: the after
// form moves every right answer, the score counts the first choices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasm, shippedModel, formatter } from './core.mjs';
import { CHECK_ITEMS, OPTIONS, optionOrder, scoreOf, checkViewModel } from '../../www/check-view.js';
import { LANGUAGES } from '../../www/state.js';

const PROMPT = 'Mara walks to the ';
const kept = (answer) => Array.from(answer.probs).flatMap((p, i) => (p > 0 ? [i] : []));

/** Runs `use` on the shipped model, and frees the model after. */
function withShipped(use) {
  const model = shippedModel();
  try {
    return use(model);
  } finally {
    model.free();
  }
}

/** Two copies of one start on the English text, trained `steps` steps at rate r on mask streams 1 and 2. */
function twoCopies(rate, steps) {
  const copies = [1, 2].map((stream) => {
    const model = wasm.Demo.fromText(wasm.englishText(), 'flex', 42);
    model.setMaskStream(stream);
    for (let i = 0; i < steps; i += 1) model.trainStep(rate, false);
    return model;
  });
  return copies;
}

test('one model, two seeds: the distribution is the same, only the draw differs (redraw)', () => withShipped((model) => {
  const first = model.logits(PROMPT);
  assert.deepEqual(model.logits(PROMPT), first, 'the same prompt gives the same logits');
  const draw = (seed, number, k = 5) => wasm.nextToken(first, { sampler: 'top_k', k, temperature: 1, seed, draw: number }).index;
  assert.equal(draw(7, 3), draw(7, 3), 'the same seed and draw number give the same character');
  const seeds = Array.from({ length: 20 }, (_, s) => draw(s, 0));
  assert.ok(new Set(seeds).size > 1, 'other seeds draw other characters from the same distribution');
  assert.equal(new Set(Array.from({ length: 20 }, (_, s) => draw(s, 0, 1))).size, 1, 'at k = 1 every seed draws the same');
}));

test('temperature flattens the distribution and keeps the order, so top-k keeps the same set (temperature)', () => withShipped((model) => {
  const logits = model.logits(PROMPT);
  const at = (temperature) => wasm.nextToken(logits, { sampler: 'top_k', k: 5, temperature });
  const [cool, warm] = [at(1), at(2)];
  assert.deepEqual(kept(warm), kept(cool));
  assert.deepEqual(Array.from(warm.order), Array.from(cool.order));
  // Flatter: the most likely character loses share before the cut, the least likely gains.
  const top = cool.order[0];
  const last = cool.order[cool.order.length - 1];
  assert.ok(warm.before[top] < cool.before[top]);
  assert.ok(warm.before[last] > cool.before[last]);
}));

test('two models that differ only by their masks can write different greedy text; the seed does not matter at k = 1 (greedy)', () => {
  const copies = twoCopies(0.1, 40);
  try {
    const greedy = (model, seed) => model.generate(PROMPT, { sampler: 'top_k', k: 1, temperature: 1, seed, draw: 0 }, 40);
    for (const model of copies) assert.equal(greedy(model, 1), greedy(model, 2));
    assert.notEqual(greedy(copies[0], 1), greedy(copies[1], 1));
  } finally {
    copies.forEach((model) => model.free());
  }
});

test('where the model is sure, top-k keeps k and top-p keeps one (cut)', () => withShipped((model) => {
  const logits = model.logits('The harbour is');
  assert.equal(kept(wasm.nextToken(logits, { sampler: 'top_k', k: 5 })).length, 5);
  assert.equal(kept(wasm.nextToken(logits, { sampler: 'top_p', top_p: 0.9 })).length, 1);
}));

test('dropout is off at inference: the same prompt, the same logits; left on, they would change (inference)', () => withShipped((model) => {
  const off = model.logits(PROMPT);
  assert.deepEqual(model.logits(PROMPT), off);
  const on = [0, 1].map((draw) => model.mcDropoutLogits(PROMPT, 0.1, 42, draw));
  assert.notDeepEqual(on[0], off);
  assert.notDeepEqual(on[0], on[1]);
}));

test('a training step zeroes activations by a mask drawn afresh for each step (zeroed)', () => {
  const model = wasm.Demo.fromText(wasm.englishText(), 'flex', 42);
  try {
    const [first, second] = [model.trainStep(0.1, true), model.trainStep(0.1, true)];
    const site = (report) => report.sites.find((s) => s.kind === 'feed_forward_output');
    const [a, b] = [site(first), site(second)];
    assert.equal(a.mask.length, a.before.length, 'the mask is over the site\'s activations');
    assert.notDeepEqual(Array.from(a.mask), Array.from(b.mask), 'the next step draws a new mask');
    const dropped = a.mask.filter((m) => m === 0).length / a.mask.length;
    assert.ok(dropped > 0.05 && dropped < 0.15, `about 10% dropped (${dropped})`);
    for (let i = 0; i < a.mask.length; i += 1) if (a.mask[i] === 0) assert.ok(a.after[i] === 0, `unit ${i} dropped but ${a.after[i]}`);
  } finally {
    model.free();
  }
});

test('scaling the survivors by 1 / (1 - r) keeps the mean (scale)', () => {
  const n = 100_000;
  const out = wasm.applyDropout(new Float32Array(n).fill(1), 0.3, 5);
  const mean = out.reduce((sum, x) => sum + x, 0) / n;
  // The mean of n kept-or-not values scaled by 1/0.7: standard deviation sqrt(0.3 / 0.7 / n) = 0.002.
  assert.ok(Math.abs(mean - 1) < 0.01, `mean ${mean}`);
});

test('two copies that differ only in their masks: the same seed gives the same u but different models; at rate 0 one model (which)', () => {
  const apart = twoCopies(0.1, 20);
  const same = twoCopies(0, 20);
  try {
    const answers = (copies) => copies.map((m) => wasm.nextToken(m.logits(PROMPT), { sampler: 'top_k', k: 5, seed: 9, draw: 0 }));
    const [a, b] = answers(apart);
    assert.equal(a.u, b.u, 'one seed, one u');
    assert.notDeepEqual(Array.from(a.before), Array.from(b.before), 'two distributions');
    const [c, d] = answers(same);
    assert.deepEqual(Array.from(c.before), Array.from(d.before), 'at rate 0 the masks never act: one model');
  } finally {
    [...apart, ...same].forEach((m) => m.free());
  }
});

test('the after form moves every right answer; the score counts right first choices', () => {
  for (const item of CHECK_ITEMS) {
    assert.ok(OPTIONS.includes(item.answer), item.id);
    assert.notEqual(optionOrder('after').indexOf(item.answer), optionOrder('before').indexOf(item.answer), item.id);
  }
  assert.deepEqual(scoreOf({ redraw: { choice: 'b', correct: true }, cut: { choice: 'c', correct: false } }), { score: 1, of: 8, answered: 2 });
  // Every language words every question, option and reason.
  for (const lang of Object.keys(LANGUAGES)) {
    const vm = checkViewModel({ phase: 'before', answers: { before: {}, after: {} }, pageViews: [] }, formatter(lang));
    for (const item of vm.items) {
      assert.doesNotMatch(item.question, /^check\./, `${lang}: ${item.id}`);
      for (const option of item.options) assert.doesNotMatch(option.text, /^check\./, `${lang}: ${item.id}.${option.key}`);
    }
  }
});

// One draw rule: every API that draws with a seed gives the same character for the same
// distribution, seed and draw number (docs/semantics.md, "The draw"). Checked through the wasm
// package the page loads: sampleTopK, nextToken, a model's generate, and the page's own Sample
// (samplingSettings of next-token.js, as topk-view.js calls nextToken).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasm, shippedModel } from './core.mjs';
import { samplingSettings } from '../../www/next-token.js';
import { SETTINGS } from '../../www/state.js';

const CASES = [
  { sampler: 'top_k', k: 3, temperature: 0.8, top_p: 0.9 },
  { sampler: 'top_k', k: 10, temperature: 1.5, top_p: 0.9 },
  { sampler: 'top_p', k: 3, temperature: 1, top_p: 0.6 },
];
const SEEDS = [0, 7, 42, 4294967295];

test('sampleTopK is nextToken with draw 0: the same index for the same logits, k, temperature and seed', () => {
  const logits = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i * 1.7) * 3);
  for (const { k, temperature } of CASES.filter((c) => c.sampler === 'top_k')) {
    for (const seed of SEEDS) {
      const answer = wasm.nextToken(logits, { sampler: 'top_k', k, temperature, seed, draw: 0 });
      assert.equal(wasm.sampleTopK(logits, k, temperature, seed), answer.index, `k ${k}, T ${temperature}, seed ${seed}`);
    }
  }
});

test('a model\'s generate draws character i as nextToken does with draw number i, after the characters before it', () => {
  const model = shippedModel();
  const vocab = model.vocab();
  const prompt = SETTINGS.prompt.default;
  try {
    for (const settings of CASES) {
      for (const seed of [3, 42]) {
        const text = model.generate(prompt, { ...settings, seed, draw: 0 }, 12);
        let context = prompt;
        for (let i = 0; i < [...text].length; i += 1) {
          // The page's Sample: its state through samplingSettings, draw number i.
          const answer = wasm.nextToken(model.logits(context), samplingSettings({ ...settings, seed }, i));
          assert.equal(vocab[answer.index], [...text][i], `${JSON.stringify(settings)}, seed ${seed}, draw ${i}`);
          context += vocab[answer.index];
        }
      }
    }
  } finally {
    model.free();
  }
});

// The JS API of the generated package, called from a page in Chromium: the native core's answers
// (tests/fixtures/api_vectors.json) come back through the real JS glue, and bad arguments throw
// JS Errors carrying the core's message.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/api_vectors.json', import.meta.url), 'utf8'));

test('the JS API returns the native core\'s numbers for the same inputs and seeds', async ({ page }) => {
  await page.goto('/corpus/en.txt'); // any page of the origin; the module is imported below
  const mismatches = await page.evaluate(async (v) => {
    const api = await import('/pkg/dropout_topk.js');
    await api.default();
    const bad = [];
    // Probabilities within 1e-6 (PROB_TOL, tests/common/mod.rs: wasm's exp is not the native
    // one); dropout outputs are x * 1/(1-p), exact anywhere, and far inside it. Draws and masks
    // are compared exactly.
    const close = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-6);
    for (const c of v.topKDistribution) {
      const got = api.topKDistribution(new Float32Array(c.logits), c.k, c.temperature);
      if (!(got instanceof Float32Array) || !close(Array.from(got), c.probs)) bad.push(['topK', c]);
    }
    for (const c of v.topPDistribution) {
      if (!close(Array.from(api.topPDistribution(new Float32Array(c.logits), c.p, c.temperature)), c.probs)) bad.push(['topP', c]);
    }
    for (const c of v.sampleTopK) {
      if (api.sampleTopK(new Float32Array(c.logits), c.k, c.temperature, c.seed) !== c.index) bad.push(['sample', c]);
    }
    for (const c of v.dropoutMask) {
      const got = api.dropoutMask(c.length, c.p, c.seed);
      if (!(got instanceof Uint8Array) || got.join() !== c.mask.join()) bad.push(['mask', c]);
    }
    for (const c of v.applyDropout) {
      const got = api.applyDropout(new Float32Array(c.values), c.p, c.seed);
      if (!close(Array.from(got), c.out)) bad.push(['apply', c]);
    }
    return bad;
  }, vectors);
  expect(mismatches).toEqual([]);
});

test('bad arguments throw a JS Error naming the argument, its value and the allowed range', async ({ page }) => {
  await page.goto('/corpus/en.txt');
  const errors = await page.evaluate(async () => {
    const api = await import('/pkg/dropout_topk.js');
    await api.default();
    const logits = new Float32Array([0, 1, 2]);
    const calls = {
      k0: () => api.topKDistribution(logits, 0, 1),
      kFraction: () => api.sampleTopK(logits, 1.5, 1, 0),
      temperature0: () => api.topKDistribution(logits, 2, 0),
      temperatureNaN: () => api.topPDistribution(logits, 0.5, NaN),
      pHigh: () => api.dropoutMask(4, 1.5, 0),
      pNaN: () => api.applyDropout(logits, NaN, 0),
      empty: () => api.topKDistribution(new Float32Array(0), 1, 1),
      nanLogit: () => api.sampleTopK(new Float32Array([0, NaN]), 1, 1, 0),
    };
    const out = {};
    for (const [name, call] of Object.entries(calls)) {
      try {
        call();
        out[name] = 'no error';
      } catch (err) {
        out[name] = err instanceof Error ? err.message : `not an Error: ${String(err)}`;
      }
    }
    return out;
  });
  expect(errors.k0).toBe('invalid k = 0: k must be an integer >= 1');
  expect(errors.kFraction).toBe('invalid k = 1.5: k must be an integer >= 1');
  expect(errors.temperature0).toBe('invalid temperature = 0: temperature must be a finite number > 0');
  expect(errors.temperatureNaN).toContain('invalid temperature = NaN');
  expect(errors.pHigh).toBe('invalid dropout_p = 1.5: dropout_p must be a number in [0, 1]');
  expect(errors.pNaN).toContain('invalid dropout_p = NaN');
  expect(errors.empty).toContain('invalid logits');
  expect(errors.nanLogit).toContain('invalid logits = NaN at index 1');
});

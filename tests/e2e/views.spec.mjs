// The five views of the page, driven like a reader would: sliders dragged with the mouse and moved
// with the arrow keys, buttons pressed; each check is a fact from docs/semantics.md (top-k keeps
// the k most likely and ties, dropout drops each unit with probability p, eval has no mask).
// Screenshots of every view are saved under test-results/screenshots/.
import { test, expect } from '@playwright/test';
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const ENGLISH = readFileSync(fileURLToPath(new URL('../../www/corpus/en.txt', import.meta.url)), 'utf8');
const VIEWS = ['topk-view', 'dropout-view', 'overfit-view', 'contrast-view', 'owntext-view'];

/** Opens the page, collecting console errors and uncaught exceptions. */
async function open(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto('/');
  await expect(page.locator('#status')).toHaveText('Ready.', { timeout: 30_000 });
  return errors;
}

/**
 * Drags a range input's thumb with the mouse to a fraction of its track (below 0 or above 1
 * pushes past the end, which pins the value to min or max).
 */
async function drag(page, selector, fraction) {
  const slider = page.locator(selector);
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  const { value, min, max } = await slider.evaluate((el) => ({ value: +el.value, min: +el.min, max: +el.max }));
  const thumb = 8; // px: half of Chromium's default thumb
  const xOf = (f) => box.x + thumb + f * (box.width - 2 * thumb);
  const y = box.y + box.height / 2;
  await page.mouse.move(xOf((value - min) / (max - min)), y);
  await page.mouse.down();
  await page.mouse.move(xOf(fraction), y, { steps: 12 });
  await page.mouse.up();
}

/** Saves a screenshot of each view; the viewport is made as tall as the page first, so sticky
 * parts sit where a reader scrolling to the view would see them. */
async function screenshotViews(page, suffix) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const { width } = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height: Math.min(height, 12_000) });
  for (const id of VIEWS) {
    await page.locator(`#${id}`).screenshot({ path: `${SCREENSHOTS}${id}-${suffix}.png` });
  }
  await page.setViewportSize({ width, height: 900 });
}

/** Dropped and total units of every dropout site card. */
async function siteCounts(page) {
  return page.locator('#sites article.site').evaluateAll((cards) => cards.map((c) => ({
    dropped: Number(c.dataset.dropped), units: Number(c.dataset.units),
    summary: c.querySelector('.site-summary').textContent, which: c.querySelector('.site-which').textContent,
  })));
}

test('the page loads with no console error and every view is ready', async ({ page }) => {
  const errors = await open(page);
  await expect(page.locator('#bars li.kept').first()).toBeVisible();
  await expect(page.locator('#bars li')).not.toHaveCount(0);
  // Every kept bar and five cut ones at least (eight rows at least), so the cut is in sight.
  expect(await page.locator('#bars li.cut').count()).toBeGreaterThanOrEqual(5);
  expect(await page.locator('#bars li:not(.cutline)').count()).toBeGreaterThanOrEqual(8);
  await expect(page.locator('#overfit-steps')).toContainText('Copy A: 0 steps');
  await expect(page.locator('#message')).toBeHidden();
  await expect(page.locator('body')).not.toContainText('NaN');
  expect(errors).toEqual([]);
});

test('each slider has a visible label naming it and shows its real value', async ({ page }) => {
  await open(page);
  await expect(page.getByRole('slider', { name: /Top-k/ })).toHaveAttribute('aria-valuetext', 'k = 3');
  await expect(page.getByRole('slider', { name: /Temperature/ })).toHaveAttribute('aria-valuetext', 'T = 1.00');
  // The dropout rate has a symbol of its own, r; p is top-p's. Sections 2 and 3 each have its slider.
  for (const slider of await page.getByRole('slider', { name: /^Dropout rate r =/ }).all()) await expect(slider).toHaveAttribute('aria-valuetext', 'r = 0.10');
  await expect(page.getByRole('slider', { name: /^Dropout rate r =/ })).toHaveCount(2);
  await expect(page.locator('#top_p')).toHaveAttribute('aria-valuetext', 'p = 0.90');
  await expect(page.locator('#k-value')).toHaveText('3');
  await expect(page.locator('#temperature-value')).toHaveText('1.00');
  await expect(page.locator('#dropout_p-value')).toHaveText('0.10');
  // Every bar has a text alternative: token, probability, kept or cut.
  const labels = await page.locator('#bars li:not(.cutline)').evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label')));
  for (const label of labels) expect(label).toMatch(/^“.+”: (<0\.1%|\d+\.\d%|0%, cut).*(kept|was)/);
  expect(labels.some((l) => l.startsWith('“s”'))).toBe(true);
});

test('dragging k to the left end with the mouse keeps one bar (or the tied set), to the right end keeps all', async ({ page }) => {
  const errors = await open(page);
  await drag(page, '#k', -0.2);
  await expect(page.locator('#k')).toHaveValue('1');
  await expect(page.locator('#k-value')).toHaveText('1');
  await expect(page.locator('#k')).toHaveAttribute('aria-valuetext', 'k = 1');
  const kept = await page.locator('#bars li.kept').evaluateAll((lis) => lis.map((li) => Number(li.dataset.original)));
  expect(kept.length).toBeGreaterThanOrEqual(1);
  for (const p of kept) expect(p).toBe(kept[0]); // more than one only if tied with the top
  if (kept.length === 1) expect(Number(await page.locator('#bars li.kept').getAttribute('data-prob'))).toBeCloseTo(1, 5);
  // The greyed bars keep their probability before the cut.
  const cut = await page.locator('#bars li.cut').first().getAttribute('aria-label');
  expect(cut).toMatch(/: 0%, cut \(was .+ after temperature, before the cut\)$/);

  await drag(page, '#k', 1.2);
  const vocab = Number(await page.locator('#k').getAttribute('max'));
  await expect(page.locator('#k')).toHaveValue(String(vocab));
  await expect(page.locator('#bars li.cut')).toHaveCount(0);
  await expect(page.locator('#bars li.kept')).toHaveCount(vocab);
  expect(errors).toEqual([]);
});

test('the arrow keys move k and the temperature; the temperature never changes which bars top-k keeps', async ({ page }) => {
  await open(page);
  await page.locator('#k').focus();
  await page.keyboard.press('Home');
  await expect(page.locator('#k-value')).toHaveText('1');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#k-value')).toHaveText('5');
  await expect(page.locator('#k')).toHaveAttribute('aria-valuetext', 'k = 5');
  const keptAt = async () => page.locator('#bars li.kept').evaluateAll((lis) => lis.map((li) => li.dataset.index).sort().join(','));
  const before = await keptAt();
  expect(before.split(',').length).toBeGreaterThanOrEqual(5);

  await page.locator('#temperature').focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('#temperature-value')).toHaveText('0.90');
  await expect(page.locator('#temperature')).toHaveAttribute('aria-valuetext', 'T = 0.90');
  expect(await keptAt()).toBe(before);
  await drag(page, '#temperature', -0.2);
  await expect(page.locator('#temperature-value')).toHaveText('0.10');
  expect(await keptAt()).toBe(before);
  // At a low temperature the top kept bar takes nearly everything.
  expect(Number(await page.locator('#bars li.kept').first().getAttribute('data-prob'))).toBeGreaterThan(0.5);
  await drag(page, '#temperature', 1.2);
  await expect(page.locator('#temperature-value')).toHaveText('3.00');
  expect(await keptAt()).toBe(before);
});

test('moving k and the temperature re-uses the cached logits: the model never runs again', async ({ page }) => {
  await open(page);
  await page.evaluate(() => {
    const demo = window.dropoutTopK.demo.active.handle;
    window.logitCalls = 0;
    const original = demo.logits.bind(demo);
    demo.logits = (prompt) => { window.logitCalls += 1; return original(prompt); };
  });
  await page.locator('#k').focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await drag(page, '#k', 0.2);
  await drag(page, '#temperature', 0.8);
  await expect(page.locator('#k-value')).not.toHaveText('3');
  expect(await page.evaluate(() => window.logitCalls)).toBe(0);
  await page.locator('#prompt').fill('The boats go');
  await expect(page.locator('#topk-context')).toContainText('The boats go');
  expect(await page.evaluate(() => window.logitCalls)).toBe(1);
});

test('top-p keeps the fewest most likely characters reaching p', async ({ page }) => {
  await open(page);
  await page.locator('.cut-choice > summary').click(); // top-p waits behind its disclosure
  await page.locator('input[name=sampler][value=top_p]').check();
  await expect(page.locator('#k')).toBeDisabled();
  await page.locator('#top_p').focus();
  await page.keyboard.press('End');
  await expect(page.locator('#top_p-value')).toHaveText('1.00');
  const vocab = Number(await page.locator('#k').getAttribute('max'));
  await expect(page.locator('#bars li.kept')).toHaveCount(vocab);
  await page.keyboard.press('Home'); // p = 0.05: only the top character (or what reaches 5%)
  await expect(page.locator('#top_p-value')).toHaveText('0.05');
  const originals = await page.locator('#bars li:not(.cutline)').evaluateAll((lis) => lis.map((li) => ({ kept: li.classList.contains('kept'), p: Number(li.dataset.original) })));
  const kept = originals.filter((r) => r.kept);
  const mass = kept.reduce((s, r) => s + r.p, 0);
  expect(mass).toBeGreaterThanOrEqual(0.05 - 1e-6);
  expect(mass - kept[kept.length - 1].p).toBeLessThan(0.05); // the crossing token is the last kept
  await expect(page.locator('#bars .cutline')).toContainText('top-p 0.05');
});

test('Sample highlights and announces a drawn bar; Generate appends highlighted characters reproducibly', async ({ page }) => {
  const errors = await open(page);
  await page.locator('#sample').click();
  await expect(page.locator('#bars li.sampled')).toHaveCount(1);
  await expect(page.locator('#bars li.sampled')).toHaveClass(/kept/);
  await expect(page.locator('#announce')).toContainText(/Drew “.+” \(\d+\.\d%\), draw number 0 with seed 42\./);
  await expect(page.locator('#announce')).toHaveAttribute('aria-live', 'polite');

  await page.locator('#generate').click();
  await expect(page.locator('#generated .gen')).toHaveCount(80, { timeout: 20_000 });
  await expect(page.locator('#generate')).toHaveText('Generate');
  await expect(page.locator('#announce')).toContainText('Generated 80 characters');
  const first = await page.locator('#generated').textContent();
  expect(first.startsWith('Mara walks to the ')).toBe(true);
  // The same seed and draw numbers give the same text.
  await page.locator('#generate').click();
  await expect(page.locator('#generated .gen')).toHaveCount(80, { timeout: 20_000 });
  expect(await page.locator('#generated').textContent()).toBe(first);

  // k = 1 is greedy: every draw is the most likely character, so the text is deterministic
  // whatever the seed.
  await page.locator('#k').focus();
  await page.keyboard.press('Home');
  await page.locator('#generate').click();
  await expect(page.locator('#generated .gen')).toHaveCount(80, { timeout: 20_000 });
  const greedy = await page.locator('#generated').textContent();
  await page.locator('#seed').fill('7');
  await page.locator('#seed').press('Enter');
  await page.locator('#seed').blur();
  await page.locator('#generate').click();
  await expect(page.locator('#generated .gen')).toHaveCount(80, { timeout: 20_000 });
  expect(await page.locator('#generated').textContent()).toBe(greedy);
  await screenshotViews(page, 'after-generate');
  expect(errors).toEqual([]);
});

test('dropout p = 0 drops no unit at any site', async ({ page }) => {
  const errors = await open(page);
  await drag(page, '#dropout_p', -0.2);
  await expect(page.locator('#dropout_p-value')).toHaveText('0.00');
  await expect(page.locator('#dropout_p')).toHaveAttribute('aria-valuetext', 'r = 0.00');
  await page.locator('#dropout-step').click();
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1');
  const sites = await siteCounts(page);
  expect(sites).toHaveLength(7);
  for (const site of sites) {
    expect(site.dropped).toBe(0);
    expect(site.summary).toMatch(new RegExp(`^0 of ${site.units} (units|attention weights) dropped`));
    expect(site.which).toContain('The mask step 1 applied, at r = 0.00');
  }
  // The units per example: [32, 48] sites and [3, 32, 32] attention weights.
  // Attention weights count their live cells only: 3 heads x 32 x 33 / 2 of 3 x 32 x 32.
  expect(sites.map((s) => s.units)).toEqual([1536, 1584, 1536, 1536, 1584, 1536, 1536]);
  expect(errors).toEqual([]);
});

test('dropout p = 0.5 drops about half of each site (within 5 binomial standard deviations)', async ({ page }) => {
  await open(page);
  await page.locator('#dropout_p').focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 50; i++) await page.keyboard.press('ArrowRight');
  await expect(page.locator('#dropout_p-value')).toHaveText('0.50');
  await page.locator('#dropout-step').click();
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1');
  for (const site of await siteCounts(page)) {
    const mean = site.units * 0.5;
    const sd = Math.sqrt(site.units * 0.25);
    expect(Math.abs(site.dropped - mean)).toBeLessThanOrEqual(5 * sd);
    expect(site.summary).toMatch(new RegExp(`of ${site.units} (units|attention weights) dropped`));
  }
  // Each mask grid carries its text summary.
  const label = await page.locator('#sites canvas.mask').first().getAttribute('aria-label');
  expect(label).toMatch(/Mask grid 32 × 48 .*: \d+ of 1536 units dropped/);
});

test('dragging p after a step re-reads the same draws: raising p only drops more (nested masks)', async ({ page }) => {
  await open(page);
  await page.locator('#dropout-step').click(); // at p = 0.10
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1');
  const atStep = await siteCounts(page);
  await page.locator('#dropout_p').focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await expect(page.locator('#dropout_p-value')).toHaveText('0.30');
  const higher = await siteCounts(page);
  await drag(page, '#dropout_p', 0.8); // about 0.72
  await expect(page.locator('#dropout_p-value')).toHaveText(/^0\.7\d$/);
  const highest = await siteCounts(page);
  higher.forEach((site, i) => {
    expect(site.which).toContain("What step 1’s draws give at r = 0.30 (the step used r = 0.10)");
    expect(site.dropped).toBeGreaterThanOrEqual(atStep[i].dropped);
    expect(highest[i].dropped).toBeGreaterThanOrEqual(site.dropped);
  });
  expect(higher.reduce((s, x) => s + x.dropped, 0)).toBeGreaterThan(atStep.reduce((s, x) => s + x.dropped, 0));
  await drag(page, '#dropout_p', -0.2);
  await expect(page.locator('#dropout_p-value')).toHaveText('0.00');
  for (const site of await siteCounts(page)) expect(site.dropped).toBe(0);
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1'); // no step was taken
});

test('eval mode shows no mask, and the same input gives the same output on every press', async ({ page }) => {
  const errors = await open(page);
  await page.locator('#dropout-step').click();
  await expect(page.locator('#sites canvas.mask').first()).toBeVisible();
  // Train mode at p = 0.5: dropout changes the network from press to press.
  await page.locator('#dropout_p').focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 50; i++) await page.keyboard.press('ArrowRight');
  await page.locator('#run-fixed').click();
  await page.locator('#run-fixed').click();
  await expect(page.locator('#fixed-runs li').last()).toContainText('Press 2 (train');
  await expect(page.locator('#fixed-compare')).toHaveText('Different from the previous press: a new mask, the same weights.');

  await page.locator('input[name=mode][value=eval]').check();
  await expect(page.locator('#sites .site-summary')).toHaveText(Array(7).fill('eval: no dropout, no mask'));
  await expect(page.locator('#sites canvas.mask').first()).toBeHidden();
  await expect(page.locator('#dropout-step')).toBeDisabled();
  await page.locator('#run-fixed').click();
  await page.locator('#run-fixed').click();
  await page.locator('#run-fixed').click();
  // Presses 1 and 2 were in train mode; wait until the third eval press (press 5) is listed.
  await expect(page.locator('#fixed-runs li').last()).toContainText('Press 5 (eval');
  await expect(page.locator('#fixed-compare')).toHaveText('Identical to the previous press.');
  const runs = await page.locator('#fixed-runs li').allTextContents();
  const outputs = runs.slice(-3).map((r) => r.split('): ')[1]);
  expect(new Set(outputs).size).toBe(1);
  await page.locator('input[name=mode][value=train]').check();
  await expect(page.locator('#sites canvas.mask').first()).toBeVisible();
  expect(errors).toEqual([]);
});

test('Play trains in a background worker: steps advance, the main thread runs none, the loss chart gains points', async ({ page }) => {
  const errors = await open(page);
  // Count training steps on the page's own thread, and its long tasks, while Play runs.
  await page.evaluate(() => {
    const proto = window.dropoutTopK.demo.wasm.Demo.prototype;
    const trainStep = proto.trainStep;
    window.mainThreadSteps = 0;
    proto.trainStep = function (...args) {
      window.mainThreadSteps += 1;
      return trainStep.apply(this, args);
    };
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask' });
  });
  await page.locator('#dropout-play').click();
  await expect(page.locator('#dropout-play')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => Number((await page.locator('#dropout-steps').textContent()).replace('Step ', '')), { timeout: 20_000 }).toBeGreaterThanOrEqual(25);
  await page.locator('#dropout-play').click();
  await expect(page.locator('#dropout-play')).toHaveText('Play');
  expect(await page.evaluate(() => window.mainThreadSteps)).toBe(0);
  // The last reports may still be arriving: wait until the text and the chart agree.
  await expect.poll(async () => {
    const steps = Number((await page.locator('#dropout-steps').textContent()).replace('Step ', ''));
    const points = Number(await page.locator('#dropout-loss').getAttribute('data-points'));
    return points >= steps + 2 * (1 + Math.floor(steps / 10)) - 2;
  }).toBe(true);
  const timing = await page.evaluate(() => ({ ...window.dropoutTopK.stepTiming, longTasks: window.longTasks }));
  const note = `mean ${timing.mean.toFixed(2)} ms over ${timing.count} steps (last ${timing.last.toFixed(2)} ms); ` +
    `main-thread tasks over 50 ms while playing: ${timing.longTasks.length} (${timing.longTasks.map((d) => d.toFixed(0)).join(', ')})`;
  test.info().annotations.push({ type: 'train step in the worker', description: note });
  console.log(`train step: ${note}`);
  await expect(page.locator('#dropout-loss-text')).not.toContainText('NaN');
  await screenshotViews(page, 'desktop');
  expect(errors).toEqual([]);
});

/**
 * Ten steps of a fresh copy of the shipped model in the training worker, then its measurement (as
 * it reached onMeasured) beside the losses the page's own module measures from its weights at
 * that step, and where the measurement was taken.
 */
async function measuredTwice(page) {
  return page.evaluate(async () => {
    const { demo } = window.dropoutTopK;
    const model = demo.training.model();
    const measured = new Promise((resolve) => { model.onMeasured = resolve; });
    await model.create({ weights: demo.weights, backend: 'flex', seed: 7 });
    await model.step(0.1, { count: 10 });
    const got = await measured;
    const copy = demo.wasm.Demo.withWeights(await model.weights(), 'flex', 7);
    const want = copy.measure();
    copy.free();
    const copies = await demo.training.measurer?.modelCount();
    model.free();
    return { got, want, copies, copiesAfter: await demo.training.measurer?.modelCount() };
  });
}

test('loss measurements are taken by a second worker where there is a core for it, by the training worker where not, with the same losses', async ({ page }) => {
  const errors = await open(page);
  const apart = await measuredTwice(page);
  expect(apart.got.step).toBe(10);
  for (const part of ['train', 'valid']) expect(Math.abs(apart.got[part] - apart.want[part])).toBeLessThanOrEqual(1e-5 * apart.want[part]);
  expect(apart.copies).toBeGreaterThanOrEqual(1); // the measuring worker holds a copy of the model
  expect(apart.copiesAfter).toBe(apart.copies - 1); // freed with it
  expect(errors).toEqual([]);

  // One core: the training worker measures in pieces itself, and the losses are the same.
  await page.addInitScript(() => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 1 }));
  await open(page);
  const here = await measuredTwice(page);
  expect(here.copies).toBeUndefined(); // no measuring worker
  expect(here.got.step).toBe(10);
  for (const part of ['train', 'valid']) expect(Math.abs(here.got[part] - apart.got[part])).toBeLessThanOrEqual(1e-5 * apart.got[part]);
  expect(errors).toEqual([]);
});

test('the overfitting view trains both copies in turns and their curves advance', async ({ page }) => {
  const errors = await open(page);
  await page.locator('#overfit-view').scrollIntoViewIfNeeded();
  await page.locator('#overfit-play').click();
  await expect.poll(async () => Number(await page.locator('#overfit-steps').getAttribute('data-steps')), { timeout: 30_000 }).toBeGreaterThanOrEqual(60);
  await page.locator('#overfit-play').click();
  const text = await page.locator('#overfit-steps').textContent();
  const [a, b] = text.match(/\d+/g).map(Number);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1); // the copies take turns
  // Start values plus at least three measurements per copy, for training and validation.
  expect(Number(await page.locator('#overfit-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(16);
  const cells = await page.locator('#overfit-table tbody td').allTextContents();
  expect(cells).toHaveLength(6);
  for (const cell of cells) expect(cell).toMatch(/^-?\d+\.\d{3}$/);
  await page.locator('#overfit-step').click();
  expect(errors).toEqual([]);
});

test('dropout left on at inference makes the distribution jitter; without it only the draw changes', async ({ page }) => {
  const errors = await open(page);
  const probs = async () => page.locator('#contrast-bars li:not(.cutline)').evaluateAll((lis) => lis.map((li) => li.dataset.original).join(','));
  // Each draw is read once the view has drawn it (its bars and its history item come together).
  const drawAndRead = async (n) => {
    await page.locator('#contrast-draw').click();
    await expect(page.locator('#contrast-history li')).toHaveCount(n);
    return probs();
  };
  // Monte Carlo dropout is an advanced switch, behind its disclosure.
  await page.locator('#mc-details > summary').click();
  await expect(page.locator('#contrast-bars li').first()).toBeVisible();
  const fixed = await probs();
  for (let i = 1; i <= 4; i++) expect(await drawAndRead(i)).toBe(fixed);
  await expect(page.locator('#contrast-summary')).toContainText('stayed at');

  await page.getByLabel('dropout left on at inference').check();
  const seen = new Set();
  for (let i = 5; i <= 8; i++) seen.add(await drawAndRead(i));
  expect(seen.size).toBeGreaterThan(1);
  await expect(page.locator('#contrast-summary')).toContainText('moved between');
  expect(errors).toEqual([]);
});

test('own text: too short is refused with a message; 2000 characters train, the loss falls, and the top-k view can use the model', async ({ page }) => {
  const errors = await open(page);
  await page.locator('#own-text').fill('Too short to learn anything from.');
  await page.locator('#own-create').click();
  await expect(page.locator('#own-message')).toBeVisible();
  await expect(page.locator('#own-message')).toContainText('cannot be trained on');
  await expect(page.locator('#own-message')).toContainText(/\d+ characters/);

  await page.locator('#own-text').fill(ENGLISH.slice(0, 2000));
  await expect(page.locator('#own-count')).toContainText('2000 characters');
  await page.locator('#own-create').click();
  await expect(page.locator('#own-message')).toBeHidden();
  await page.locator('#own-play').click();
  // Training until the measured loss has fallen by 0.3 (a few hundred steps on this text).
  const losses = async () => ({
    first: Number(await page.locator('#own-loss').getAttribute('data-first')),
    last: Number(await page.locator('#own-loss').getAttribute('data-last')),
  });
  await expect.poll(async () => {
    const { first, last } = await losses();
    return Number.isFinite(first) && Number.isFinite(last) && last < first - 0.3;
  }, { timeout: 90_000 }).toBe(true);
  await page.locator('#own-play').click();
  const { first, last } = await losses();
  expect(last).toBeLessThan(first - 0.3);
  await expect(page.locator('#own-loss')).toContainText('→');

  await page.locator('#own-use').click();
  await expect(page.locator('#topk-model')).toContainText('your text');
  await page.locator('#sample').click();
  await expect(page.locator('#bars li.sampled')).toHaveCount(1);
  await page.locator('#own-back').click();
  await expect(page.locator('#topk-model')).toHaveText('The shipped model: it read 30 KB of prose about a harbour town, trained with dropout r = 0.1, now off');
  expect(errors).toEqual([]);
});

test('a 375-pixel phone screen has no horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  const errors = await open(page);
  const scrollWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
  expect(await scrollWidth()).toBeLessThanOrEqual(375);
  await page.locator('#dropout-step').click();
  await page.locator('#overfit-step').click();
  await page.locator('#mc-details > summary').click();
  await page.locator('#contrast-draw').click();
  await page.locator('#generate').click();
  await expect(page.locator('#generated .gen')).toHaveCount(80, { timeout: 20_000 });
  await page.locator('#own-sample-en').click();
  await page.locator('#own-create').click();
  await page.locator('#own-step').click();
  // Every view has drawn what those presses did.
  await expect(page.locator('#own-info')).toContainText('Step 1.');
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1');
  await expect(page.locator('#contrast-history li')).toHaveCount(1);
  expect(await scrollWidth()).toBeLessThanOrEqual(375);
  // Canvases scale to the width.
  for (const width of await page.locator('canvas').evaluateAll((cs) => cs.filter((c) => c.offsetParent).map((c) => c.getBoundingClientRect().right))) {
    expect(width).toBeLessThanOrEqual(375);
  }
  await screenshotViews(page, 'phone');
  expect(await scrollWidth()).toBeLessThanOrEqual(375);
  expect(errors).toEqual([]);
});

test('missing weights give a visible message with Reset, and the page still works', async ({ page }) => {
  await page.route('**/model.q8', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto('/');
  await expect(page.locator('#status')).toHaveText('Ready.', { timeout: 30_000 });
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message-text')).toContainText('model.q8');
  await expect(page.locator('#reset')).toBeVisible();
  await expect(page.locator('#topk-model')).toContainText('untrained');
  await expect(page.locator('#bars li.kept').first()).toBeVisible();
  await page.unroute('**/model.q8');
  await page.locator('#reset').click();
  await expect(page.locator('#status')).toHaveText('Ready.', { timeout: 30_000 });
  await expect(page.locator('#message')).toBeHidden();
});

test('each backend is its own module: the page downloads flex only, a backend=ndarray link loads and trains on ndarray', async ({ page }) => {
  const wasmFiles = [];
  page.on('request', (request) => { if (request.url().endsWith('.wasm')) wasmFiles.push(new URL(request.url()).pathname); });
  const errors = await open(page);
  expect(wasmFiles).toEqual(['/pkg/dropout_topk_bg.wasm']);
  // The default module carries flex alone: asking it for ndarray is a clear error, not a crash.
  const refused = await page.evaluate(() => {
    const { demo: app } = window.dropoutTopK;
    try {
      app.wasm.Demo.withWeights(app.weights, 'ndarray', 1).free();
      return 'accepted';
    } catch (err) {
      return err.message;
    }
  });
  expect(refused).toContain('"flex" (the one backend in this build)');

  wasmFiles.length = 0;
  await page.goto('/?backend=ndarray');
  await expect(page.locator('#status')).toHaveText('Ready.', { timeout: 30_000 });
  // The models run on the ndarray module.
  expect(wasmFiles).toContain('/pkg/ndarray/dropout_topk_bg.wasm');
  await expect(page.locator('#bars li.kept').first()).toBeVisible();
  await page.locator('#dropout-step').click();
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1');
  expect(await siteCounts(page)).toHaveLength(7);
  const backends = await page.evaluate(() => {
    const { demo: app } = window.dropoutTopK;
    const tryBackend = (name) => {
      try {
        app.wasm.Demo.withWeights(app.weights, name, 1).free();
        return 'ok';
      } catch (err) {
        return err.message;
      }
    };
    return { ndarray: tryBackend('ndarray'), flex: tryBackend('flex') };
  });
  expect(backends.ndarray).toBe('ok');
  expect(backends.flex).toContain('"ndarray" (the one backend in this build)');
  expect(errors).toEqual([]);
});

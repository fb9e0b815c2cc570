// The page's teaching, checked where a learner looks (the two-model picture and the first screen,
// on a laptop and a phone in every language, are in first-minute.spec.mjs; every language complete
// in languages.spec.mjs): bars that add up, causally masked attention weights left out of the
// counts, the u behind a draw. Each check is a fact from docs/semantics.md.
import { test, expect } from '@playwright/test';

/** Opens the page in `lang`, collecting console errors and uncaught exceptions. */
async function open(page, query = '?lang=en') {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(`/${query}`);
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  return errors;
}

test('the top-k bars add up: kept bars sum to 100%, cut bars read 0% with what they had before', async ({ page }) => {
  const errors = await open(page);
  for (const [sampler, setting] of [['top_k', 'k'], ['top_p', 'top_p']]) {
    const choice = page.locator('.cut-choice');
    if (!(await choice.evaluate((d) => d.open))) await choice.locator('summary').click();
    await page.locator(`input[name=sampler][value=${sampler}]`).check();
    await page.locator(`#${setting}`).focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await expect(page.locator('#bars li.kept').first()).toBeVisible();
    const kept = await page.locator('#bars li.kept').evaluateAll((lis) => lis.map((li) => ({
      prob: Number(li.dataset.prob), shown: Number(li.querySelector('.val').textContent.replace(/[^\d.]/g, '')) })));
    // The probabilities themselves sum to 1 (f32, within 1e-5); the one-decimal labels to 100 up to rounding.
    expect(Math.abs(kept.reduce((s, k) => s + k.prob, 0) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(kept.reduce((s, k) => s + k.shown, 0) - 100)).toBeLessThanOrEqual(0.05 * kept.length + 0.1);
    for (const text of await page.locator('#bars li.cut .val').allTextContents()) expect(text).toMatch(/^0% \(was (<0\.1|\d+\.\d)%\)$/);
    await expect(page.locator('#bars li.cutline')).toContainText('after temperature, before the cut');
  }
  expect(errors).toEqual([]);
});

test('causally masked attention weights are grey and not counted', async ({ page }) => {
  const errors = await open(page);
  await page.locator('#dropout-step').click();
  await expect(page.locator('#sites article.site')).toHaveCount(7);
  const attention = page.locator('#sites article.site', { hasText: 'attention weights (after softmax)' });
  await expect(attention).toHaveCount(2);
  // 3 heads x 32 queries: query q sees keys 0..q, so 3 * 32 * 33 / 2 = 1,584 live weights of 3,072.
  for (const card of await attention.all()) {
    await expect(card).toHaveAttribute('data-units', '1584');
    await expect(card.locator('.site-summary')).toContainText('of 1584 attention weights dropped');
    await expect(card.locator('.site-summary')).toContainText('the 1488 causally masked ones');
    expect(Number(await card.getAttribute('data-dropped'))).toBeLessThanOrEqual(1584);
  }
  // Other sites count every unit: 32 positions x 48.
  await expect(page.locator('#sites article.site[data-site="0"]')).toHaveAttribute('data-units', '1536');
  await expect(page.locator('#dropout-view .legend').first()).toContainText('causally masked');
  expect(errors).toEqual([]);
});

test('a draw shows its u on the stacked bar, and the same u lands elsewhere under another cut', async ({ page }) => {
  const errors = await open(page);
  await expect(page.locator('#strip-text')).toContainText('Press Sample');
  await page.locator('#sample').click();
  await expect(page.locator('#strip-text')).toHaveText(/^u = 0\.\d\d lands in “.+”: that is the character drawn\.$/);
  await expect(page.locator('#strip .dart')).toBeVisible();
  const u = await page.locator('#strip').getAttribute('data-u');
  expect(Number(u)).toBeGreaterThanOrEqual(0);
  expect(Number(u)).toBeLessThan(1);
  // The dart sits at u along the bar, in the landed character's stretch.
  const [strip, dart, landed] = await Promise.all(['#strip', '#strip .dart', '#strip .segment.landed']
    .map((s) => page.locator(s).boundingBox()));
  expect(Math.abs(dart.x - (strip.x + Number(u) * strip.width))).toBeLessThan(3);
  expect(dart.x).toBeGreaterThanOrEqual(landed.x - 2);
  expect(dart.x).toBeLessThanOrEqual(landed.x + landed.width + 2);
  // Another cut: the seed and draw number are the same, so u is too; only the stretches moved.
  await page.locator('#k').focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await expect(page.locator('#strip-text')).toContainText(`The same u = ${Number(u).toFixed(2)}`);
  expect(await page.locator('#strip').getAttribute('data-u')).toBe(u);
  expect(errors).toEqual([]);
});

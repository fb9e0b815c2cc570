// The first minute, as a newcomer meets it on a laptop (1280 × 800) and a phone (375 × 800): in
// every language (state.js LANGUAGES) the experiment is the first screen; in English and Japanese
// the default prompt spreads its probability so the first drag of k changes what can be drawn, a
// kept bar shows its value before and after the cut, a draw shows where its character comes from
// in the training text, the two models part by themselves and are compared before the cut, the
// labels name the right dice, and the prose on show stays short. Every wait is for a state of the
// page.
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LANGUAGES } from '../../www/state.js';

// Screenshots of the first screen (the README shows copies of them, in docs/).
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 800 } };
/** The most prose on show without opening a disclosure (words, by the language's word breaks). */
const PROSE_MAX = 700;

const WORDS = {
  en: { kLabel: 'Top-k, k =', rate: 'Dropout rate r =', seed: 'Sampling seed', samplingDice: 'sampling’s dice',
    wrongDice: /top-k’s dice|weights change/, apart: 'differ by', greedy: 'greedy decoding hides', zero: 'rate 0' },
  ja: { kLabel: 'k =', rate: 'ドロップアウト率 r =', seed: 'サンプリングのシード', samplingDice: 'サンプリング',
    wrongDice: /top-k のサイコロ|重みが変わる|温度をかけ/, apart: '違います', greedy: '違いが隠れて', zero: 'ドロップアウト率 0 では' },
};

/** Opens the page in `lang` at `size`, collecting console errors and uncaught exceptions. */
async function open(page, lang, size) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.setViewportSize(SIZES[size]);
  await page.goto(`/?lang=${lang}`);
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(page.locator('#bars li.kept').first()).toBeVisible();
  return errors;
}

/** Whether the element's box lies inside the first screen (no scrolling). */
async function inFirstScreen(locator, height) {
  const box = await locator.boundingBox();
  return Boolean(box) && box.width > 0 && box.y >= 0 && box.y + box.height <= height;
}

/** Sets a range input by keyboard, as a reader would. */
async function slide(page, selector, value) {
  const input = page.locator(selector);
  await input.focus();
  const now = Number(await input.inputValue());
  const step = Number(await input.getAttribute('step'));
  const key = value > now ? 'ArrowRight' : 'ArrowLeft';
  for (let i = 0; i < Math.round(Math.abs(value - now) / step); i++) await page.keyboard.press(key);
  await expect(input).toHaveValue(String(value));
}

/** A text as a regular expression that matches it literally. */
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const keptProbs = (page) => page.locator('#bars li.kept').evaluateAll((lis) => lis.map((li) => Number(li.dataset.prob)));

/**
 * Words of prose on show: the text of paragraphs, list items and table cells a reader sees without
 * opening a disclosure. Headings, the map, the nav, labels, buttons, legends and the data the views
 * draw (bars, strips, texts the models write) are not prose.
 */
function proseWords(page, lang) {
  return page.evaluate((language) => {
    const copy = document.body.cloneNode(true);
    const notProse = ['details:not([open]) > :not(summary)', 'summary', '[hidden]', 'script', 'h1', 'h2', 'h3', 'nav', '.lifecycle',
      'label', 'legend', 'button', 'select', 'input', 'textarea', 'canvas', '.legend', '.chart-title', 'caption', 'thead',
      '#bars', '.strip', '.strip-scale', '.draws', '#generated', '#sources', '#contrast-bars', '#contrast-history', '#fixed-runs',
      '#sites', 'table.losses', '#message', '.status',
      '#check-items', '#check-score']; // the check's questions are an exercise, not reading
    for (const selector of notProse) for (const el of copy.querySelectorAll(selector)) el.remove();
    const segmenter = new Intl.Segmenter(language, { granularity: 'word' });
    return [...segmenter.segment(copy.textContent)].filter((s) => s.isWordLike).length;
  }, lang);
}

/**
 * 1. The first screen (no scrolling) holds a live distribution (three bars at least), the k slider,
 * Sample and the map; on a laptop the two-model picture too, on a phone its strips are one short
 * scroll away. Saves a screenshot of it.
 */
async function checkFirstScreen(page, lang, size) {
  const { height } = SIZES[size];
  const bars = page.locator('#bars li.kept, #bars li.cut');
  let visibleBars = 0;
  for (let i = 0; i < await bars.count(); i++) if (await inFirstScreen(bars.nth(i), height)) visibleBars += 1;
  expect(visibleBars).toBeGreaterThanOrEqual(3);
  for (const selector of ['#k', '#sample', '.lifecycle']) expect(await inFirstScreen(page.locator(selector), height), selector).toBe(true);
  await expect(page.locator('#predictions .predict')).toHaveCount(3);
  const strips = page.locator('#thesis-grid .model-row .strip');
  if (size === 'desktop') {
    for (let i = 0; i < 2; i++) expect(await inFirstScreen(strips.nth(i), height)).toBe(true);
  } else {
    const box = await strips.nth(1).boundingBox();
    expect(box.y + box.height).toBeLessThanOrEqual(2 * height);
  }
  // Nothing wider than the screen: no sideways scrolling in any language.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(SIZES[size].width);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}first-screen-${size}-${lang}.png` });
}

for (const lang of Object.keys(LANGUAGES)) {
  for (const size of ['desktop', 'phone']) {
    test(`first screen, ${lang}, ${size}: the bars, the k slider, Sample and the map without scrolling; the two models${size === 'desktop' ? '' : ' one scroll away'}`, async ({ page }) => {
      const errors = await open(page, lang, size);
      await checkFirstScreen(page, lang, size);
      expect(errors).toEqual([]);
    });
  }
}

for (const lang of ['en', 'ja']) {
  for (const size of ['desktop', 'phone']) {
    test(`first minute, ${lang}, ${size}: a spread default, bars before and after the cut, where a draw comes from, two models that part`, async ({ page }) => {
      test.setTimeout(120_000);
      const words = WORDS[lang];
      const errors = await open(page, lang, size);

      // 2. The default prompt spreads its probability: at k = 10, three characters or more have
      //    5% and none has over 70%; the first drag of k changes what can be drawn.
      const segments = () => page.locator('#strip .segment').count();
      expect(await segments()).toBe(3);
      await slide(page, '#k', 1);
      await expect(page.locator('#strip .segment')).toHaveCount(1);
      await slide(page, '#k', 10);
      await expect(page.locator('#bars li.kept')).toHaveCount(10);
      const spread = await keptProbs(page);
      expect(spread.filter((p) => p >= 0.05).length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...spread)).toBeLessThanOrEqual(0.7);

      // 5. Renormalisation you can see: a kept bar's part before the cut is drawn over the whole
      //    bar, shorter than it, and both are visible where they are.
      const first = page.locator('#bars li.kept').first();
      await first.scrollIntoViewIfNeeded();
      const [ghost, fill] = [await first.locator('.ghost').boundingBox(), await first.locator('.fill').boundingBox()];
      expect(ghost.width).toBeGreaterThan(4);
      expect(fill.width - ghost.width).toBeGreaterThan(2);
      const hit = (x) => page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.className, [x, ghost.y + ghost.height / 2]);
      expect(await hit(ghost.x + ghost.width / 2)).toBe('ghost');
      expect(await hit((ghost.x + ghost.width + fill.x + fill.width) / 2)).toBe('fill');

      // 7. Where a character comes from: after a draw, places in the training text where the same
      //    characters come before it, with how often.
      await page.locator('#sample').click();
      await expect(page.locator('#sources .note')).toContainText(/\d/);
      const drawn = await page.locator('#bars li.sampled').getAttribute('data-index');
      expect(drawn).not.toBeNull();
      const marks = await page.locator('#sources mark').allTextContents();
      const english = await page.evaluate(() => window.dropoutTopK.demo.englishText);
      for (const [i, match] of marks.entries()) {
        const line = await page.locator('#sources li').nth(i).textContent();
        expect(english.includes(line.replace(/^…|…$/g, ''))).toBe(true);
        const vocab = await page.evaluate(() => window.dropoutTopK.demo.active.vocab);
        expect(match.endsWith(vocab[Number(drawn)])).toBe(true);
      }

      // 4. Words that name the right dice, and a symbol of its own for the dropout rate.
      await expect(page.locator('.lifecycle')).toContainText(words.samplingDice);
      await expect(page.locator('.lifecycle')).not.toContainText(words.wrongDice);
      await expect(page.locator('label[for="thesis-dropout_p"]')).toContainText(words.rate);
      await expect(page.locator('label[for="seed"]')).toHaveText(words.seed);

      // 6. Half the prose.
      expect(await proseWords(page, lang)).toBeLessThanOrEqual(PROSE_MAX);

      // 3. The two models part by themselves once the picture is in view, with Pause offered, a
      //    dart per seed on each strip at the same u, and both validation losses.
      await page.locator('#thesis-grid').scrollIntoViewIfNeeded();
      await expect(page.locator('#thesis-train')).toHaveAttribute('aria-pressed', 'true', { timeout: 30_000 });
      await expect.poll(async () => Number(await page.locator('#thesis-grid').getAttribute('data-apart')), { timeout: 60_000 })
        .toBeGreaterThan(1e-4);
      await expect(page.locator('#thesis-notice')).toContainText(words.apart);
      for (const row of ['a', 'b']) {
        await expect(page.locator(`.model-row[data-row=${row}] .dart`)).toHaveCount(2);
        await expect(page.locator(`.model-row[data-row=${row}] .loss`)).toContainText(/\d[.,]\d\d/);
      }
      const us = (row) => page.locator(`.model-row[data-row=${row}] .dart`).evaluateAll((ds) => ds.map((d) => d.dataset.u));
      expect(await us('a')).toEqual(await us('b'));
      await page.locator('#thesis-train').click();
      await expect(page.locator('#thesis-train')).toHaveAttribute('aria-pressed', 'false');
      if (size === 'desktop' && lang === 'en') await page.locator('#contrast-view').screenshot({ path: `${SHOTS}thesis-picture.png` });
      expect(errors).toEqual([]);
    });
  }

  test(`the two models, ${lang}: compared before the cut, so k = 1 does not call them the same; at rate 0 they never part`, async ({ page }) => {
    test.setTimeout(120_000);
    const words = WORDS[lang];
    const errors = await open(page, lang, 'desktop');
    await expect.poll(async () => Number(await page.locator('#thesis-grid').getAttribute('data-apart')), { timeout: 60_000 })
      .toBeGreaterThan(1e-4);
    await slide(page, '#k', 1);
    for (const row of ['a', 'b']) await expect(page.locator(`.model-row[data-row=${row}] .segment`)).toHaveCount(1);
    // Pause, so the models hold still while the notice is read against them.
    await page.locator('#thesis-train').click();
    await expect(page.locator('#thesis-train')).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(() => page.evaluate(() => window.dropoutTopK.rendersPending())).toBe(0);
    const [a, b] = await Promise.all(['a', 'b'].map((row) => page.locator(`.model-row[data-row=${row}] .segment`).textContent()));
    // The same most likely character: greedy decoding hides that the models differ; two: the
    // notice names both (greedy decoding is not the same for every model).
    if (a === b) await expect(page.locator('#thesis-notice')).toContainText(words.greedy);
    else await expect(page.locator('#thesis-notice')).toContainText(new RegExp(`“${escape(a)}”.*“${escape(b)}”`));
    expect(Number(await page.locator('#thesis-grid').getAttribute('data-apart'))).toBeGreaterThan(1e-4);
    // Rate 0, started again: the copies take the same steps and stay one model.
    await slide(page, '#thesis-dropout_p', 0);
    await page.locator('#thesis-restart').click();
    await page.locator('#thesis-train').click(); // Train again after the pause above
    await expect.poll(async () => page.locator('#thesis-progress').evaluate((p) => p.value), { timeout: 60_000 }).toBeGreaterThanOrEqual(20);
    await expect(page.locator('#thesis-notice')).toContainText(words.zero);
    expect(await page.locator('#thesis-grid').getAttribute('data-apart')).toBe('0');
    expect(errors).toEqual([]);
  });
}

test('predictions: the answer shows only after the reader commits, marked right or not', async ({ page }) => {
  const errors = await open(page, 'en', 'desktop');
  const box = page.locator('#predictions .predict').first();
  await expect(box.locator('.answer')).toBeHidden();
  await box.locator('[data-choice=yes]').click();
  await expect(box.locator('.answer')).toBeVisible();
  await expect(box.locator('.verdict')).toHaveText('Not quite.');
  await box.locator('[data-choice=no]').click();
  await expect(box.locator('.verdict')).toHaveText('Right.');
  await page.locator('#lang').selectOption('ja');
  await expect(box.locator('.verdict')).not.toHaveText('Right.');
  expect(errors).toEqual([]);
});

test('a confident prompt is one click away: there top-p keeps one character while top-k keeps k', async ({ page }) => {
  const errors = await open(page, 'en', 'desktop');
  await page.locator('[data-prompt="The harbour is"]').click();
  await expect(page.locator('#prompt')).toHaveValue('The harbour is');
  await expect(page.locator('#bars li.kept')).toHaveCount(3);
  await page.locator('.cut-choice > summary').click();
  await page.locator('input[name=sampler][value=top_p]').check();
  await expect(page.locator('#bars li.kept')).toHaveCount(1);
  await page.locator('[data-prompt]').first().click();
  await expect.poll(async () => page.locator('#bars li.kept').count()).toBeGreaterThan(3);
  expect(errors).toEqual([]);
});

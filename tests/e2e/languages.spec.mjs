// Every language other than English, found from the one list (state.js LANGUAGES): the page
// opened with lang=<code> speaks it everywhere a reader looks after using every view (no English
// left but the model's own characters and the terms named on purpose, languages.mjs TERMS), axe
// finds nothing, the page's lang and dir follow, numbers are written as the language writes them,
// and the own-text view offers the language's sample text. The <dropout-topk> element with
// lang="<code>" speaks it too. The first screen in each language, at laptop and phone sizes, is
// checked (and photographed) in first-minute.spec.mjs.
import { test, expect } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { LANGUAGES } from '../../www/state.js';
import { textDirection } from '../../www/i18n.js';
import { SAMPLE_CHARS } from '../../www/owntext-view.js';
import { DICTIONARIES, OTHER_LANGUAGES, englishWords } from './languages.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Console errors and uncaught exceptions of a page. */
function watch(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** What the sample button of `lang` fills in: the start of www/corpus/<lang>.txt. */
const sampleOf = (lang) => readFileSync(new URL(`../../www/corpus/${lang}.txt`, import.meta.url), 'utf8').slice(0, SAMPLE_CHARS);

/** A number as `lang` writes it with `digits` decimals (the browser's Intl, as the page uses it). */
const written = (lang, x, digits) => x.toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * Uses every view once: a draw, a dropout step, an overfitting step, a Monte Carlo draw, the sample
 * text trained on, every question of the learning check answered (its verdicts and reasons shown).
 */
async function useEveryView(page) {
  await page.locator('#sample').click();
  await expect(page.locator('#bars li.sampled')).toHaveCount(1);
  await page.locator('#dropout-step').click();
  await expect(page.locator('#sites article.site')).toHaveCount(7);
  await page.locator('#overfit-step').click();
  await expect(page.locator('#overfit-steps')).toHaveAttribute('data-steps', '2');
  await page.locator('#mc-details > summary').click();
  await page.locator('#contrast-draw').click();
  await expect(page.locator('#contrast-history li')).toHaveCount(1);
  await page.locator('#own-sample-lang').click();
  await expect(page.locator('#own-text')).not.toHaveValue('');
  await page.locator('#own-create').click();
  await expect(page.locator('#own-step')).toBeEnabled();
  const questions = page.locator('.check-item');
  const count = await questions.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i += 1) await questions.nth(i).locator('input[type=radio]').first().check();
  await expect(page.locator('.check-item .answer')).toHaveCount(count);
  await page.locator('#thesis-grid').scrollIntoViewIfNeeded();
  await expect(page.locator('#thesis-notice')).not.toBeEmpty();
  await expect.poll(() => page.evaluate(() => window.dropoutTopK.rendersPending())).toBe(0);
}

for (const lang of OTHER_LANGUAGES) {
  const words = DICTIONARIES[lang];
  const english = DICTIONARIES.en;

  test(`${lang} (${LANGUAGES[lang]}): every text in the language after every view is used, no English left, axe finds nothing`, async ({ page }) => {
    test.setTimeout(120_000);
    const errors = watch(page);
    await page.goto(`/?lang=${lang}`);
    await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.locator('html')).toHaveAttribute('dir', textDirection(lang));
    await expect(page.locator('#lang')).toHaveValue(lang);
    await expect(page.locator('#lang option')).toHaveText(Object.values(LANGUAGES)); // each in its own name
    await expect(page.locator('#own-sample-en')).toBeVisible();
    await useEveryView(page);

    // The sample text is the language's own, from the corpus folder.
    await expect(page.locator('#own-text')).toHaveValue(sampleOf(lang));
    // Every keyed text is the language's wherever it differs from English.
    const keyed = await page.locator('[data-i18n]').evaluateAll((els) => els.map((el) => [el.dataset.i18n, el.textContent]));
    expect(keyed.length).toBeGreaterThan(100);
    for (const [key, text] of keyed) {
      if (words[key] === english[key] || /\{\w+\}/.test(words[key])) continue;
      expect(text, key).not.toBe(english[key].replace(/\*/g, ''));
    }
    expect(await englishWords(page.locator('body'), lang)).toEqual([]);

    // Numbers as the language writes them: the sliders, the bars' percentages, the losses.
    await expect(page.locator('#temperature-value')).toHaveText(written(lang, 1, 2));
    await expect(page.locator('#temperature')).toHaveAttribute('aria-valuetext', `T = ${written(lang, 1, 2)}`);
    await expect(page.locator('#dropout_p-value')).toHaveText(written(lang, 0.1, 2));
    const point = written(lang, 1.5, 1)[1];
    await expect(page.locator('#bars li.kept .val').first()).toContainText(point);
    await expect(page.locator('#dropout-loss-text')).toContainText(point);

    const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    expect(violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
    expect(errors).toEqual([]);
  });

  test(`${lang}: the element with lang="${lang}" speaks it, in its own lang and dir`, async ({ page }) => {
    const errors = watch(page);
    await page.route('**/host-languages.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
      <html lang="en"><title>A course page</title><script type="module" src="component.js"></script>
      <main><dropout-topk view="topk" lang="${lang}" loading="eager"></dropout-topk></main></html>` }));
    await page.goto('/host-languages.html');
    const element = page.locator('dropout-topk');
    await expect(element.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
    await expect(element.locator('.component')).toHaveAttribute('lang', lang);
    await expect(element.locator('.component')).toHaveAttribute('dir', textDirection(lang));
    await expect(page.locator('html')).toHaveAttribute('lang', 'en'); // the host page's own
    await expect(element.locator('#sample')).toHaveText(words['topk.sample']);
    await expect(element.locator('#temperature-value')).toHaveText(written(lang, 1, 2));
    await expect.poll(() => page.evaluate(() => window.dropoutTopK?.rendersPending?.() ?? 0)).toBe(0);
    expect(await englishWords(element, lang)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test('a language is fetched only when chosen: its dictionary by the menu, its sample text by its button', async ({ page }) => {
  const errors = watch(page);
  const fetched = new Set();
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/^\/(locales|corpus)\//.test(path)) fetched.add(path);
  });
  await page.goto('/?lang=en');
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(page.locator('#own-sample-lang')).toBeHidden(); // English: the model's own text only
  expect([...fetched]).toEqual(['/locales/en.js']);
  for (const lang of OTHER_LANGUAGES) {
    fetched.clear();
    await page.locator('#lang').selectOption(lang);
    await expect(page.locator('#topk-h')).toContainText(DICTIONARIES[lang]['topk.heading']);
    expect([...fetched]).toEqual([`/locales/${lang}.js`]);
    await page.locator('#own-sample-lang').click();
    await expect(page.locator('#own-text')).toHaveValue(sampleOf(lang));
    expect([...fetched]).toEqual([`/locales/${lang}.js`, `/corpus/${lang}.txt`]);
  }
  expect(errors).toEqual([]);
});

test('Spanish writes a decimal comma: the temperature, the dropout rate, the bars and the percentages', async ({ page }) => {
  await page.goto('/?lang=es&temperature=0.75');
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(page.locator('#temperature-value')).toHaveText('0,75');
  await expect(page.locator('#dropout_p-value')).toHaveText('0,10');
  await expect(page.locator('#bars li.kept .val').first()).toHaveText(/^\d+,\d\u00a0%$/);
});

test('Korean breaks between words, never inside one, on the page and in the element', async ({ page }) => {
  await page.route('**/host-korean.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
    <script type="module" src="component.js"></script><dropout-topk view="topk" lang="ko" loading="eager"></dropout-topk>` }));
  for (const [path, root] of [['/?lang=ko', page.locator('body')], ['/host-korean.html', page.locator('dropout-topk')]]) {
    await page.goto(path);
    await expect(root.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
    await expect(root.locator('#topk-h')).toHaveCSS('word-break', 'keep-all');
  }
  // Other languages keep the browser's breaks.
  await page.goto('/?lang=zh');
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(page.locator('#topk-h')).toHaveCSS('word-break', 'normal');
});

// Accessibility as outside judges measure it: axe-core (the real engine, through
// @axe-core/playwright) on the page in English (in every other language after every view is used:
// languages.spec.mjs) and on every view of the iframe embed in English and Japanese, after a
// training step, with the mask grids and the charts drawn. The WCAG 2.0 to 2.2 A and AA rules and
// axe's best practices must report no violation.
import { test, expect } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { VIEWS } from '../../www/state.js';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const PAGES = ['/?lang=en',
  ...VIEWS.flatMap((view) => [`/embed.html?view=${view}&lang=en`, `/embed.html?view=${view}&lang=ja`])];

/** The violations as short lines: rule, impact, and the first few elements. */
function summary(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const path of PAGES) {
  test(`axe finds no violation on ${path}`, async ({ page }) => {
    await page.goto(path);
    await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
    // A step, so the grids and charts are drawn, where the page has them.
    if (await page.locator('#dropout-step').count()) {
      await page.locator('#dropout-step').click();
      await expect(page.locator('#sites article.site')).toHaveCount(7);
    }
    if (await page.locator('#sample').count()) {
      await page.locator('#sample').click();
      await expect(page.locator('#strip .dart')).toBeVisible();
    }
    if (await page.locator('#thesis-grid').count()) {
      await page.locator('#thesis-grid').scrollIntoViewIfNeeded();
      await expect(page.locator('#thesis-grid .model-row[data-row=b] .strip .segment').first()).toBeVisible();
    }
    if (await page.locator('#check-items').count()) {
      // Every question answered: the verdicts, the reasons and their links are on show.
      for (let i = 0; i < 8; i += 1) await page.locator('.check-item').nth(i).locator('input[type=radio]').first().check();
      await expect(page.locator('.check-item .answer')).toHaveCount(8);
    }
    if (await page.locator('#results-input').isVisible()) {
      // Answers shown: the chart and its table.
      await page.locator('#results-input').fill(JSON.stringify([{ item: 'redraw', phase: 'before', choice: 'a', correct: false },
        { item: 'redraw', phase: 'after', choice: 'b', correct: true }]));
      await page.locator('#results-show').click();
      await expect(page.locator('#results-table tr')).toHaveCount(9);
    }
    await expect.poll(() => page.evaluate(() => window.dropoutTopK.rendersPending())).toBe(0);
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    expect(summary(violations)).toEqual([]);
  });
}

// What axe cannot judge, walked with the keyboard as a reader without a mouse would: Tab reaches
// every control once round the page; each shows a focus ring, lies in the viewport and is not
// covered (the sticky bars must not hide it: the element under its centre is the control or its
// label); and each is a target of at least 24 x 24 px (WCAG 2.2, 2.5.8), links inside running text
// excepted. On a phone and on a desktop screen, motion reduced so scrolling is instant.
for (const viewport of [{ width: 375, height: 800 }, { width: 1280, height: 900 }]) {
  test(`the keyboard reaches every control, focus visible and uncovered, targets 24 px (${viewport.width} px)`, async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto('/?lang=en');
    await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
    // The two-model picture trains by itself once in view and its texts change as it goes, which
    // moves what lies below it; the walk starts once it has paused by itself, so every stop is
    // judged where it stays.
    await page.locator('#thesis-grid').scrollIntoViewIfNeeded();
    await expect(page.locator('#thesis-train')).toHaveAttribute('aria-pressed', 'true', { timeout: 30_000 });
    await page.waitForFunction(() => {
      const progress = document.getElementById('thesis-progress');
      return progress.value === progress.max && document.getElementById('thesis-train').getAttribute('aria-pressed') === 'false';
    }, null, { timeout: 120_000 });
    await expect.poll(() => page.evaluate(() => window.dropoutTopK.rendersPending())).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    // A group of radio buttons is one stop (arrow keys move within it).
    const controls = await page.evaluate(() => new Set([...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
      .filter((el) => !el.disabled && el.checkVisibility()).map((el) => (el.type === 'radio' ? `radio:${el.name}` : el))).size);
    const stops = [];
    for (let i = 0; i < 3 * controls; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(async () => {
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))); // layout settled
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        const uncovered = Boolean(hit && (el.contains(hit) || hit.contains(el) || [...(el.labels ?? [])].some((l) => l.contains(hit))));
        const inText = el.tagName === 'A' && Boolean(el.closest('p')) && !el.closest('.both-link');
        const name = `${el.tagName.toLowerCase()}#${el.id || el.textContent.trim().slice(0, 24)}`;
        return { name, top: r.top + scrollY, at: [Math.round(r.top), Math.round(r.bottom), innerHeight], ring, inView: r.top >= -1 && r.bottom <= innerHeight + 1, uncovered,
          bigEnough: inText || el.type === 'range' || (r.width >= 24 && r.height >= 24) };
      });
      if (!stop) continue;
      if (stops.length && stops[0].name === stop.name && stops[0].top === stop.top) break; // round the page
      stops.push(stop);
    }
    expect(stops.length).toBe(controls);
    const problems = stops.flatMap((s) => [!s.ring && `${s.name}: no focus ring`, !s.inView && `${s.name}: focused out of view ${s.at}`,
      !s.uncovered && `${s.name}: covered`, !s.bigEnough && `${s.name}: under 24 px`].filter(Boolean));
    expect(problems).toEqual([]);
    await context.close();
  });
}

// Accessibility as outside judges measure it: axe-core (the real engine, through
// @axe-core/playwright) on the page in both languages and on every view of the iframe embed,
// after a training step, with the mask grids and the charts drawn. The WCAG 2.0 to 2.2 A and AA
// rules and axe's best practices must report no violation.
import { test, expect } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const PAGES = ['/?lang=en', '/?lang=ja',
  ...['topk', 'contrast', 'dropout', 'overfit', 'owntext'].flatMap((view) => [`/embed.html?view=${view}&lang=en`, `/embed.html?view=${view}&lang=ja`])];

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
      await expect(page.locator('#thesis-grid td[data-cell="b1"] li').first()).toBeVisible();
    }
    await expect.poll(() => page.evaluate(() => window.dropoutTopK.drawsPending())).toBe(0);
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    expect(summary(violations)).toEqual([]);
  });
}

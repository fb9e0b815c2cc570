// The served page: it loads the wasm package without console errors and its sliders act.
import { test, expect } from '@playwright/test';

test('the page loads with no console error and the k slider changes the kept bars', async ({ page }) => {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto('/');
  await expect(page.locator('#status')).toHaveText('Ready.');
  await expect(page.locator('#bars li.kept')).toHaveCount(3);
  await page.locator('#k').fill('1');
  await expect(page.locator('#bars li.kept')).toHaveCount(1);
  await page.locator('#k').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#bars li.kept')).toHaveCount(3);
  expect(errors).toEqual([]);
});

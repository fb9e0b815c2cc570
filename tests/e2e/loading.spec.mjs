// No press is lost while the page loads: every control is disabled, with a loading state, until
// its view listens to it, and a press made before the view's model exists in the training worker
// waits for the model and then acts. The worker's script is held back by the test until the
// presses are made, so the presses land in that window on every run, whatever the machine's speed.
// (tests/engines runs the same first-moment presses in Firefox and WebKit.)
import { test, expect } from '@playwright/test';

/** Holds back the training worker's script until `release()` is called. */
async function holdWorker(page) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let requested = false;
  await page.route('**/worker.js', async (route) => {
    requested = true;
    await held;
    await route.continue();
  });
  return { release, requested: () => requested };
}

function watch(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

test('before the page has loaded, its controls are disabled and it says it is loading', async ({ page }) => {
  const worker = await holdWorker(page);
  // The markup as it arrives, before any script has run: nothing is pressable yet.
  await page.goto('/', { waitUntil: 'commit' });
  await expect(page.locator('#dropout-step')).toBeAttached();
  const html = await (await page.request.get('/')).text();
  for (const id of ['sample', 'generate', 'dropout-step', 'dropout-play', 'k', 'temperature', 'dropout_p', 'contrast-draw', 'overfit-step']) {
    expect(html, id).toMatch(new RegExp(`id="${id}" disabled data-loading`));
  }
  // Once the views listen, their controls are enabled, while the worker's models still load.
  await expect(page.locator('#dropout-step')).toBeEnabled({ timeout: 30_000 });
  await expect.poll(worker.requested).toBe(true);
  await expect(page.locator('#dropout-steps')).toHaveText('Loading the model…');
  await expect(page.locator('#overfit-steps')).toHaveText('Loading the model…');
  worker.release();
  await expect(page.locator('#dropout-steps')).toHaveText('Step 0');
  await expect(page.locator('#overfit-steps')).toContainText('Copy A: 0 steps');
});

test('Step, Play, Sample and Generate pressed at the first moment all act', async ({ page }) => {
  const errors = watch(page);
  const worker = await holdWorker(page);
  await page.goto('/', { waitUntil: 'commit' });
  // Each click waits until its button is enabled, then presses at once.
  await page.locator('#dropout-step').click({ timeout: 30_000 });
  await page.locator('#sample').click();
  await expect(page.locator('#dropout-steps')).toHaveText('Loading the model…');
  worker.release();
  await expect(page.locator('#dropout-steps')).toHaveText('Step 1');
  await expect(page.locator('#sites canvas.mask')).toHaveCount(7);
  await expect(page.locator('#announce')).toContainText(/Drew “.+” \(\d+\.\d%\), draw number 0 with seed 42\./);

  const again = await holdWorker(page);
  await page.goto('/', { waitUntil: 'commit' });
  await page.locator('#dropout-play').click({ timeout: 30_000 });
  await page.locator('#generate').click();
  // Play says Pause at once; training starts when the model exists.
  await expect(page.locator('#dropout-play')).toHaveAttribute('aria-pressed', 'true');
  again.release();
  await expect.poll(async () => Number((await page.locator('#dropout-steps').textContent()).replace('Step ', '')),
    { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  await page.locator('#dropout-play').click();
  await expect(page.locator('#dropout-play')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('#generated .gen')).toHaveCount(80, { timeout: 20_000 });
  expect(errors).toEqual([]);
});

test('the overfitting view\'s Step and Play pressed while its copies load both act', async ({ page }) => {
  const errors = watch(page);
  const worker = await holdWorker(page);
  await page.goto('/', { waitUntil: 'commit' });
  await page.locator('#overfit-step').click({ timeout: 30_000 });
  await page.locator('#overfit-play').click();
  await expect(page.locator('#overfit-play')).toHaveAttribute('aria-pressed', 'true');
  worker.release();
  await expect.poll(async () => Number(await page.locator('#overfit-steps').getAttribute('data-steps')), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(4);
  await page.locator('#overfit-play').click();
  await expect(page.locator('#overfit-play')).toHaveAttribute('aria-pressed', 'false');
  expect(errors).toEqual([]);
});

// Hostile input: links with bad values for every setting, prompts and own texts of every kind,
// markup and script in every input, a failing wasm and a Rust panic. Each must give a clear
// message and a safe value: never an uncaught error, NaN on screen, or input rendered as HTML.
import { test, expect } from '@playwright/test';

const KEYS = ['view', 'k', 'temperature', 'top_p', 'sampler', 'dropout_p', 'overfit_p', 'seed', 'prompt', 'mode',
  'mc_dropout', 'backend', 'lang', 'hide'];
const MARKUP = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';

/** Console errors and uncaught exceptions. */
function watch(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err}`));
  return errors;
}

async function ready(page) {
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
}

/**
 * Nothing the page computed reads NaN on screen or in a text alternative (places that echo the
 * reader's own input, such as the prompt or a message quoting a link, are left out), and no
 * input became markup.
 */
async function expectSafe(page) {
  const found = await page.evaluate(() => {
    const echo = '#message, #prompt, #generated, #topk-context, #thesis-caption, #topk-unknown, #announce, #own-text, #own-info, .tok, .history';
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (!walker.currentNode.parentElement.closest(echo)) texts.push(walker.currentNode.textContent);
    const attrs = [...document.querySelectorAll('[aria-label], [aria-valuetext]')].filter((el) => !el.closest(echo))
      .flatMap((el) => [el.getAttribute('aria-label'), el.getAttribute('aria-valuetext')]);
    return {
      nan: [...texts, ...attrs].filter((t) => t && /\bNaN\b/.test(t)),
      pwned: window.pwned ?? null,
      injected: document.querySelectorAll('img[src="x"], main script, #message script').length,
    };
  });
  expect(found).toEqual({ nan: [], pwned: null, injected: 0 });
}

/** The top-k view shows bars (and Sample draws one) or says why it has none. */
async function expectDistributionOrReason(page) {
  const error = page.locator('#topk-error');
  // The view has drawn the latest input (not the bars of the one before).
  await expect.poll(() => page.evaluate(() => window.dropoutTopK.rendersPending())).toBe(0);
  await expect.poll(async () => (await page.locator('#bars li.kept').count()) > 0 || error.isVisible()).toBe(true);
  if (await error.isVisible()) {
    expect((await error.textContent()).length).toBeGreaterThan(10);
    await expect(page.locator('#sample')).toBeDisabled();
  } else {
    await page.locator('#sample').click();
    await expect(page.locator('#bars li.sampled')).toHaveCount(1);
  }
}

// Over-long: 2,000 characters per key (all keys together stay under the server's 64 KB request line).
const BAD_VALUES = ['-1', '1e309', '0', 'NaN', '', 'abc', 'x'.repeat(2000), MARKUP];

for (const value of BAD_VALUES) {
  test(`a link with every setting = ${JSON.stringify(value.slice(0, 12))}${value.length > 12 ? '…' : ''} opens safely with a message`, async ({ page }) => {
    const errors = watch(page);
    const query = new URLSearchParams([...KEYS.map((key) => [key, value]), ['unknown', '1'], ['k', '2']]);
    await page.goto(`/?${query}`);
    await ready(page);
    await expect(page.locator('#message')).toBeVisible();
    const message = await page.locator('#message-text').textContent();
    expect(message).toContain('unknown setting “unknown”');
    expect(message).toContain('k is given 2 times');
    expect(message.length).toBeLessThan(4000); // long values are shortened in the message
    // Every control holds a valid value.
    const k = Number(await page.locator('#k').inputValue());
    expect(Number.isInteger(k) && k >= 1).toBe(true);
    const t = Number(await page.locator('#temperature').inputValue());
    expect(t).toBeGreaterThan(0);
    const p = Number(await page.locator('#dropout_p').inputValue());
    expect(p >= 0 && p <= 0.9).toBe(true);
    expect((await page.locator('#prompt').inputValue()).length).toBeLessThanOrEqual(500);
    await expectDistributionOrReason(page);
    await expectSafe(page);
    expect(errors).toEqual([]);
  });
}

test('any prompt gives bars or a clear message: empty, 100,000 characters, emoji, right-to-left, control characters, markup', async ({ page }) => {
  const errors = watch(page);
  await page.goto('/');
  await ready(page);
  const prompts = ['', 'x'.repeat(100_000), '🙂🎉 👩‍👩‍👧 The harbour', 'مرحبا بالعالم', 'Привет', '\u0000\u0007\u001b[31m\t\r\n The',
    MARKUP, '\u202eThe harbour is\u202c', '\ud800 lone surrogate'];
  for (const prompt of prompts) {
    await page.locator('#prompt').fill(prompt);
    expect((await page.locator('#prompt').inputValue()).length).toBeLessThanOrEqual(500);
    await expectDistributionOrReason(page);
    await expectSafe(page);
  }
  // Characters the model has never seen are named, as text.
  await page.locator('#prompt').fill('The 🙂 harbour <b>');
  await expect(page.locator('#topk-unknown')).toContainText('🙂');
  await expect(page.locator('#topk-unknown b')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('any own text gives a model or a clear message: empty, one character, one repeated, megabytes, binary junk, markup', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watch(page);
  await page.goto('/');
  await ready(page);
  let junk = '';
  for (let i = 0; i < 5000; i++) junk += String.fromCharCode((i * 7919) % 65536);
  const texts = [
    ['', false], ['a', false], ['a'.repeat(5000), false], [MARKUP.repeat(20), true],
    [junk, true], ['The sea. '.repeat(400_000), true], // 3.6 MB
  ];
  for (const [text, trains] of texts) {
    await page.locator('#own-text').evaluate((el, text) => {
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);
    await page.locator('#own-create').click();
    if (trains) {
      await expect(page.locator('#own-step')).toBeEnabled({ timeout: 30_000 });
      await page.locator('#own-step').click();
      await expect(page.locator('#own-info')).toContainText(/1\b/, { timeout: 30_000 });
    } else {
      await expect(page.locator('#own-message')).toBeVisible();
      expect((await page.locator('#own-message').textContent()).length).toBeGreaterThan(10);
    }
    await expectSafe(page);
  }
  expect(errors).toEqual([]);
});

test('a wasm file that fails to instantiate gives a visible message with Reset', async ({ page }) => {
  await page.route('**/dropout_topk_bg.wasm', (route) => route.fulfill({ contentType: 'application/wasm', body: Buffer.from('not wasm at all') }));
  await page.goto('/');
  await expect(page.locator('#message')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('#message-text')).toContainText('pkg/dropout_topk.js');
  await expect(page.locator('#reset')).toBeVisible();
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.cannotStart');
  // Reset starts the demo again in place; with the route gone it loads.
  await page.unroute('**/dropout_topk_bg.wasm');
  await page.locator('#reset').click();
  await ready(page);
});

test('a Rust panic prints its message to the console and shows a message with Reset', async ({ page }) => {
  const consoleErrors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  await page.goto('/');
  await ready(page);
  await page.evaluate(() => setTimeout(() => window.dropoutTopK.demo.wasm.panicForTesting()));
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message-text')).toContainText(/unreachable|panic/i);
  await expect(page.locator('#reset')).toBeVisible();
  expect(consoleErrors.join('\n')).toContain('a deliberate panic, to test how the page reports one');
});

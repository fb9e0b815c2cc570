// The learning check as a course uses it: an element on a course page whose answers arrive as
// `answer` and `checkdone` events (bubbling and composed), the iframe page posting the same data to
// its host, the full page keeping the answers for the tab, and the after form with its options in
// another order. The right answers come from check-view.js; what each one claims about the model is
// pinned in tests/unit/check.test.mjs.
import { test, expect } from '@playwright/test';
import { CHECK_ITEMS, optionOrder } from '../../www/check-view.js';
import { openHost } from './cycles.mjs';

/** Answers every question of the shown form: right ones where `right(i)`, the first wrong otherwise. */
async function answerAll(root, phase, right) {
  for (const [i, item] of CHECK_ITEMS.entries()) {
    const choice = right(i) ? item.answer : optionOrder(phase).find((key) => key !== item.answer);
    await root.locator(`.check-item[data-item="${item.id}"] input[value="${choice}"]`).check();
    await expect(root.locator(`.check-item[data-item="${item.id}"] .answer`)).toBeVisible();
  }
}

test('an element\'s answers reach the course page as bubbling, composed events; the after form reorders the options', async ({ page }) => {
  await openHost(page, '/check-element.html');
  await page.evaluate(() => {
    window.heard = [];
    // Inside another element's shadow root, as a page builder may put it.
    const host = document.createElement('div');
    host.id = 'host';
    document.getElementById('stage').append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const el = document.createElement('dropout-topk');
    for (const [n, v] of Object.entries({ view: 'check', lang: 'en', loading: 'eager' })) el.setAttribute(n, v);
    shadow.append(el);
    for (const type of ['answer', 'checkdone']) {
      document.addEventListener(type, (event) => window.heard.push({ type, target: event.target.id, detail: event.detail }));
    }
    return el.ready;
  });
  const el = page.locator('#host dropout-topk');
  await expect(el.locator('.check-item')).toHaveCount(CHECK_ITEMS.length);
  await answerAll(el, 'before', (i) => i % 2 === 0);
  const heard = await page.evaluate(() => window.heard);
  const answers = heard.filter((h) => h.type === 'answer');
  expect(answers).toHaveLength(CHECK_ITEMS.length);
  for (const [i, { target, detail }] of answers.entries()) {
    expect(target).toBe('host'); // retargeted: the event crossed the shadow root
    expect(detail).toMatchObject({ item: CHECK_ITEMS[i].id, phase: 'before', correct: i % 2 === 0 });
    expect(detail.correct).toBe(detail.choice === CHECK_ITEMS[i].answer);
    expect(detail.ms).toBeGreaterThanOrEqual(0);
  }
  expect(heard.filter((h) => h.type === 'checkdone').map((h) => h.detail)).toEqual([{ phase: 'before', score: 4, of: 8 }]);
  // A second choice on an answered question does not count.
  await expect(el.locator('.check-item').first().locator('input').first()).toBeDisabled();
  // Each reason points at the view that shows it: here, outside the page, a link that opens it.
  await expect(el.locator('.check-item[data-item="cut"] .answer a')).toHaveAttribute('href', /index\.html\?view=topk#topk-view$/);
  // The after form: the same questions, the options in reverse order.
  await el.evaluate((node) => { node.phase = 'after'; });
  await expect(el.locator('.check-item').first().locator('input').first()).toHaveValue(optionOrder('after')[0]);
  await expect(el.locator('.check-item .answer')).toHaveCount(0);
  await answerAll(el, 'after', () => true);
  await expect(el.locator('#check-compare caption')).toHaveText('Before: 4 of 8 right. After: 8 of 8.');
  const done = (await page.evaluate(() => window.heard)).filter((h) => h.type === 'checkdone').map((h) => h.detail);
  expect(done).toEqual([{ phase: 'before', score: 4, of: 8 }, { phase: 'after', score: 8, of: 8 }]);
});

test('the iframe page posts each answer and the finished check to its host window', async ({ page }) => {
  await page.route('**/check-iframe.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>course</title></head><body>
    <iframe id="demo" title="check" src="/embed.html?view=check&lang=en" style="width: 100%; height: 900px"></iframe>
    <script>window.posted = []; addEventListener('message', (e) => { if (String(e.data?.type).startsWith('dropout-topk:') && e.data.type !== 'dropout-topk:height') posted.push(e.data); });</script>
    </body></html>` }));
  await page.goto('/check-iframe.html');
  const frame = page.frameLocator('#demo');
  await expect(frame.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await answerAll(frame, 'before', () => true);
  await expect.poll(() => page.evaluate(() => window.posted.length)).toBe(CHECK_ITEMS.length + 1);
  const posted = await page.evaluate(() => window.posted);
  expect(posted[0]).toMatchObject({ type: 'dropout-topk:answer', item: CHECK_ITEMS[0].id, phase: 'before', choice: CHECK_ITEMS[0].answer, correct: true });
  expect(posted.at(-1)).toEqual({ type: 'dropout-topk:checkdone', phase: 'before', score: 8, of: 8 });
});

test('on the full page the check is a section of its own, and its answers stay for the tab', async ({ page }) => {
  await page.goto('/?lang=ja#check-view');
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  const item = page.locator('.check-item[data-item="inference"]');
  await item.locator(`input[value="${CHECK_ITEMS.find((i) => i.id === 'inference').answer}"]`).check();
  await expect(item.locator('.answer')).toContainText('正解です。');
  // On the page, the reason's link scrolls to the view.
  await expect(item.locator('.answer a')).toHaveAttribute('href', '#dropout-view');
  await page.reload();
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(page.locator('.check-item[data-item="inference"] .answer')).toContainText('正解です。');
  await expect(page.locator('#check-score')).toHaveText('8 問中 1 問に回答、1 問正解。');
});

test('the teacher\'s results: answers pasted or opened as a file show per question before and after, and the gain', async ({ page }) => {
  const requests = [];
  page.on('request', (request) => requests.push(request));
  await page.goto('/embed.html?view=results&lang=en');
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(page.locator('#results-view')).toBeVisible();
  const [first] = CHECK_ITEMS;
  // Two learners: one of two right before, both after; as the answer events give them.
  const answers = [
    { item: first.id, phase: 'before', choice: first.answer, correct: true, ms: 1000 },
    { item: first.id, phase: 'before', choice: 'a', correct: first.answer === 'a', ms: 1000 },
    { item: first.id, phase: 'after', choice: first.answer, correct: true, ms: 1000 },
    { item: first.id, phase: 'after', choice: first.answer, correct: true, ms: 1000 },
  ];
  const before = requests.length;
  await page.locator('#results-input').fill(JSON.stringify(answers));
  await page.locator('#results-show').click();
  const row = page.locator('#results-table tr').nth(1);
  await expect(row.locator('td')).toHaveText(['50%', '100%', '1.00']);
  await expect(page.locator('#results-summary')).toContainText('4 answers');
  await expect(page.locator('#results-chart li')).toHaveCount(CHECK_ITEMS.length);
  // The same from a CSV file.
  await page.locator('#results-file').setInputFiles({ name: 'class.csv', mimeType: 'text/csv',
    buffer: Buffer.from(`item,phase,correct\n${first.id},before,false\n${first.id},after,true\n`) });
  await expect(row.locator('td')).toHaveText(['0%', '100%', '1.00']);
  // Read in the page: nothing was sent anywhere. (The page may still fetch its own files, such as
  // the worker's module, but it posts nothing and asks no other origin.)
  const origin = new URL(page.url()).origin;
  const sent = requests.slice(before).filter((r) => r.method() !== 'GET' || new URL(r.url()).origin !== origin);
  expect(sent.map((r) => `${r.method()} ${r.url()}`)).toEqual([]);
});

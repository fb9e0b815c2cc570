// The SCORM 1.2 package (scripts/dist.sh writes dist/scorm/dropout-topk-check-scorm12.zip; run it
// first): unzipped and served on a port of its own, as an LMS serves a package it was given, with a
// stand-in LMS page on the same origin whose API is scorm-again's Scorm12API. The LMS opens the
// SCO in a frame; a learner answers both forms; the LMS's data then holds each answer as an
// interaction, the score and the lesson status, and the attempt is ended. Also: the manifest, and
// that every file the SCO (and the page its links open) asks for is in the zip.
import { test, expect } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECK_ITEMS, optionOrder } from '../../www/check-view.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ZIP = join(ROOT, 'dist/scorm/dropout-topk-check-scorm12.zip');
const PORT = Number(process.env.E2E_PORT ?? 8123) + 30;
const ORIGIN = `http://127.0.0.1:${PORT}`;

/** The stand-in LMS: scorm-again's SCORM 1.2 API as window.API, every call recorded, and the SCO
 * in a frame. The mastery score comes from the manifest, as an LMS hands it to the SCO. */
const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="scorm12.js"></script>
<script>
  window.calls = [];
  const api = new Scorm12API({ logLevel: 5, autocommit: false });
  for (const name of ['LMSInitialize', 'LMSFinish', 'LMSGetValue', 'LMSSetValue', 'LMSCommit']) {
    const original = api[name].bind(api);
    api[name] = (...args) => {
      const result = original(...args);
      calls.push({ name, args, result, error: String(api.LMSGetLastError()) });
      return result;
    };
  }
  const mastery = new URLSearchParams(location.search).get('mastery');
  api.loadFromJSON({ core: { student_id: 'learner-1', student_name: 'Learner, A' },
    student_data: mastery ? { mastery_score: mastery } : {} });
  window.API = api;
  /** What the LMS keeps (write-only fields included), as it would store it. */
  window.lmsData = () => JSON.parse(JSON.stringify(api.cmi));
</script></head>
<body><iframe id="sco" title="course" src="../scorm.html?lang=en" style="width: 100%; height: 900px"></iframe></body></html>`;

let folder;
let server;
let entries;
let manifestText;

test.beforeAll(async () => {
  if (!existsSync(ZIP)) throw new Error(`${ZIP} is missing: run scripts/dist.sh first`);
  folder = mkdtempSync(join(tmpdir(), 'scorm-'));
  execFileSync('python3', ['-m', 'zipfile', '-e', ZIP, folder]);
  entries = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', ZIP],
    { encoding: 'utf8' }).trim().split('\n');
  manifestText = readFileSync(join(folder, 'imsmanifest.xml'), 'utf8');
  mkdirSync(join(folder, 'lms'));
  copyFileSync(join(ROOT, 'node_modules/scorm-again/dist/scorm12.js'), join(folder, 'lms/scorm12.js'));
  writeFileSync(join(folder, 'lms/host.html'), HOST_PAGE);
  server = spawn('python3', ['scripts/serve.py', String(PORT), '--quiet', '--dir', folder], { cwd: ROOT, stdio: 'ignore' });
  for (let tries = 0; ; tries += 1) {
    if (await fetch(`${ORIGIN}/lms/host.html`).then((r) => r.ok, () => false)) break;
    if (tries > 100) throw new Error(`the package's server on port ${PORT} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

test.afterAll(() => {
  if (server) process.kill(server.pid);
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** The files of the package the pages of `context` ask for (the stand-in LMS's own left out). */
function recordRequests(context) {
  const asked = new Set();
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === ORIGIN && !url.pathname.startsWith('/lms/')) asked.add(decodeURIComponent(url.pathname.slice(1)));
  });
  return asked;
}

/** Answers every question of the shown form: right ones where `right(i)`, the first wrong otherwise. */
async function answerAll(root, phase, right) {
  for (const [i, item] of CHECK_ITEMS.entries()) {
    const choice = right(i) ? item.answer : optionOrder(phase).find((key) => key !== item.answer);
    await root.locator(`.check-item[data-item="${item.id}"] input[value="${choice}"]`).check();
    await expect(root.locator(`.check-item[data-item="${item.id}"] .answer`)).toBeVisible();
  }
}

/** The wrong option a learner picks in answerAll. */
const wrongChoice = (item, phase) => optionOrder(phase).find((key) => key !== item.answer);

/** The manifest's mastery score (adlcp:masteryscore). */
const masteryScore = () => /<adlcp:masteryscore>([^<]*)<\/adlcp:masteryscore>/.exec(manifestText)[1];

async function openLms(page) {
  await page.goto(`${ORIGIN}/lms/host.html?mastery=${masteryScore()}`);
  const frame = page.frameLocator('#sco');
  await expect(frame.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(frame.locator('.check-item')).toHaveCount(CHECK_ITEMS.length);
  return frame;
}

const called = (calls, name) => calls.filter((c) => c.name === name);

test('the manifest is SCORM 1.2\'s: one SCO, scorm.html, the mastery score, every file of the zip', async ({ page }) => {
  await page.goto(`${ORIGIN}/lms/host.html`); // any page: the browser parses the XML
  const manifest = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length) return { error: doc.documentElement.textContent };
    const all = (name) => [...doc.getElementsByTagNameNS('*', name)];
    const adlcp = 'http://www.adlnet.org/xsd/adlcp_rootv1p2';
    return {
      root: doc.documentElement.localName,
      ns: doc.documentElement.namespaceURI,
      schema: all('schema')[0]?.textContent,
      version: all('schemaversion')[0]?.textContent,
      organizations: all('organization').length,
      items: all('item').map((item) => item.getAttribute('identifierref')),
      mastery: all('masteryscore').map((m) => m.namespaceURI === adlcp && m.textContent),
      resources: all('resource').map((r) => ({ id: r.getAttribute('identifier'), href: r.getAttribute('href'),
        type: r.getAttributeNS(adlcp, 'scormtype') })),
      files: all('file').map((f) => f.getAttribute('href')),
    };
  }, manifestText);
  expect(manifest.error).toBeUndefined();
  expect(manifest).toMatchObject({ root: 'manifest', ns: 'http://www.imsproject.org/xsd/imscp_rootv1p1p2',
    schema: 'ADL SCORM', version: '1.2', organizations: 1, items: ['check-sco'], mastery: ['75'],
    resources: [{ id: 'check-sco', href: 'scorm.html', type: 'sco' }] });
  // The resource lists exactly the zip's files (the manifest itself aside).
  expect([...manifest.files].sort()).toEqual(entries.filter((e) => e !== 'imsmanifest.xml').sort());
  expect(entries[0]).toBe('imsmanifest.xml');
  for (const file of ['scorm.html', 'scorm.js', 'index.html', 'model.q8', 'pkg/dropout_topk_bg.wasm']) expect(entries).toContain(file);
  // Only what the SCO and its page need: no other backend, no twins, no npm file, no wheel.
  expect(entries.filter((e) => /^pkg\/ndarray\/|\.gz$|\.br$|^package\.json$|^scorm\/|^python\//.test(e))).toEqual([]);
});

test('the LMS keeps each answer as an interaction, each form\'s score and status; the after form ends the attempt', async ({ page, context }) => {
  const asked = recordRequests(context);
  const problems = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('console', (msg) => { if (['error', 'warning'].includes(msg.type())) problems.push(`${msg.text()} (${msg.location().url})`); });
  context.on('response', (response) => { if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`); });
  const frame = await openLms(page);

  let calls = await page.evaluate(() => window.calls);
  expect(called(calls, 'LMSInitialize')).toEqual([{ name: 'LMSInitialize', args: [''], result: 'true', error: '0' }]);
  expect(await page.evaluate(() => window.API.LMSGetValue('cmi.core.lesson_status'))).toBe('incomplete');

  // The before form: 3 of 8 right, below the mastery score.
  await answerAll(frame, 'before', (i) => i < 3);
  await expect.poll(() => page.evaluate(() => window.API.LMSGetValue('cmi.core.lesson_status'))).toBe('failed');
  let data = await page.evaluate(() => window.lmsData());
  expect(data.core.score).toEqual({ raw: '37.5', min: '0', max: '100' });
  expect(await page.evaluate(() => window.API.LMSGetValue('cmi.interactions._count'))).toBe(String(CHECK_ITEMS.length));
  calls = await page.evaluate(() => window.calls);
  expect(called(calls, 'LMSCommit').length).toBeGreaterThanOrEqual(CHECK_ITEMS.length + 1);
  expect(called(calls, 'LMSFinish')).toEqual([]); // the after form may follow
  expect(await page.evaluate(() => window.API.isTerminated())).toBe(false);

  // The check's links open the full page beside the SCO (from the package), and the attempt goes on.
  const [popup] = await Promise.all([context.waitForEvent('page'), frame.locator('.check-item[data-item="cut"] .answer a').click()]);
  await expect(popup.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  expect(new URL(popup.url()).pathname).toBe('/index.html');
  await popup.close();
  const [second] = await Promise.all([context.waitForEvent('page'), frame.locator('#check-next').click()]);
  await second.waitForLoadState();
  expect(new URL(second.url()).pathname).toBe('/index.html');
  await second.close();
  await expect(frame.locator('#check-items')).toBeVisible();
  expect(await page.evaluate(() => window.API.isTerminated())).toBe(false);

  // The after form: 6 of 8 right, the mastery score exactly.
  await frame.locator('input[name="phase"][value="after"]').check();
  await expect(frame.locator('.check-item .answer')).toHaveCount(0);
  await answerAll(frame, 'after', (i) => i < 6);
  await expect.poll(() => page.evaluate(() => window.API.isTerminated())).toBe(true);
  data = await page.evaluate(() => window.lmsData());
  expect(data.core.score).toEqual({ raw: '75', min: '0', max: '100' });
  expect(data.core.lesson_status).toBe('passed');
  expect(data.core.session_time).toMatch(/^\d{2,4}:\d\d:\d\d(\.\d{1,2})?$/); // as the LMS keeps it
  calls = await page.evaluate(() => window.calls);
  expect(called(calls, 'LMSFinish')).toEqual([{ name: 'LMSFinish', args: [''], result: 'true', error: '0' }]);
  const finishAt = calls.findIndex((c) => c.name === 'LMSFinish');
  expect(calls.slice(0, finishAt).at(-1)).toMatchObject({ name: 'LMSSetValue',
    args: ['cmi.core.session_time', expect.stringMatching(/^\d{4}:\d\d:\d\d\.\d\d$/)] });
  // The score and status were set, and committed, before the attempt ended.
  const lastStatus = calls.findLastIndex((c) => c.name === 'LMSSetValue' && c.args[0] === 'cmi.core.lesson_status');
  expect(calls[lastStatus].args[1]).toBe('passed');
  expect(calls.slice(lastStatus).some((c) => c.name === 'LMSCommit' && c.result === 'true')).toBe(true);
  // Every call the SCO made worked.
  expect(calls.filter((c) => c.error !== '0' || c.result === 'false')).toEqual([]);

  // Sixteen interactions: the before form's, then the after form's, in the order answered.
  const interactions = Object.values(data.interactions.childArray ?? data.interactions);
  expect(interactions).toHaveLength(2 * CHECK_ITEMS.length);
  const sent = (element) => calls.findLast((c) => c.name === 'LMSSetValue' && c.args[0] === element)?.args[1];
  for (const [n, record] of interactions.entries()) {
    const phase = n < CHECK_ITEMS.length ? 'before' : 'after';
    const i = n % CHECK_ITEMS.length;
    const item = CHECK_ITEMS[i];
    const right = phase === 'before' ? i < 3 : i < 6;
    expect(record, `interaction ${n}`).toMatchObject({
      id: item.id, type: 'choice', student_response: right ? item.answer : wrongChoice(item, phase),
      result: right ? 'correct' : 'wrong', correct_responses: { 0: { pattern: item.answer } },
    });
    expect(record.latency).toMatch(/^\d{2,4}:\d\d:\d\d(\.\d{1,2})?$/); // as the LMS keeps it
    // As the SCO sent them: a CMITimespan of four hour digits, and the time of day.
    expect(sent(`cmi.interactions.${n}.latency`)).toMatch(/^\d{4}:\d\d:\d\d\.\d\d$/);
    expect(sent(`cmi.interactions.${n}.time`)).toMatch(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/);
    expect(record.time).toBe(sent(`cmi.interactions.${n}.time`));
  }
  expect(problems).toEqual([]);

  // Every file the SCO and the page its links open asked for is in the package.
  expect([...asked].filter((path) => !entries.includes(path))).toEqual([]);
  for (const file of ['scorm.html', 'scorm.js', 'index.html', 'model.q8', 'pkg/dropout_topk.js', 'pkg/dropout_topk_bg.wasm', 'worker.js']) {
    expect([...asked]).toContain(file);
  }
});

test('leaving after the before form ends the attempt with its score; the LMS agrees on the status', async ({ page }) => {
  const frame = await openLms(page);
  await answerAll(frame, 'before', (i) => i % 4 !== 0); // 6 of 8
  await expect.poll(() => page.evaluate(() => window.API.LMSGetValue('cmi.core.lesson_status'))).toBe('passed');
  expect(await page.evaluate(() => window.API.isTerminated())).toBe(false);
  // The LMS closes the SCO (here: its frame goes).
  await page.evaluate(() => document.getElementById('sco').remove());
  await expect.poll(() => page.evaluate(() => window.API.isTerminated())).toBe(true);
  const data = await page.evaluate(() => window.lmsData());
  // scorm-again, as many LMSs, judges raw against the mastery score when the attempt ends: the same verdict.
  expect(data.core).toMatchObject({ lesson_status: 'passed', score: { raw: '75', min: '0', max: '100' } });
  expect(Object.values(data.interactions.childArray ?? data.interactions)).toHaveLength(CHECK_ITEMS.length);
  expect(called(await page.evaluate(() => window.calls), 'LMSFinish')).toHaveLength(1);
});

test('without an LMS the check works and says, on the console only, that nothing is recorded', async ({ page }) => {
  const problems = [];
  const infos = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('console', (msg) => {
    if (['error', 'warning'].includes(msg.type())) problems.push(msg.text());
    if (msg.type() === 'info') infos.push(msg.text());
  });
  await page.goto(`${ORIGIN}/scorm.html?lang=ja`);
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await answerAll(page, 'before', () => true);
  await expect(page.locator('#check-score')).toContainText('8');
  expect(infos.some((text) => /no LMS API found/.test(text))).toBe(true);
  await page.goto('about:blank'); // pagehide without an attempt: nothing to end
  expect(problems).toEqual([]);
});

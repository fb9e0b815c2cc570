// The learning check's answers as xAPI statements, received by a recording Learning Record Store
// (a small server on its own port, another origin than the page's, answering CORS preflights as a
// store does). Every statement it receives is checked with Learning Locker's validator
// (xapi-validation) and against what docs/learning-records.md says is sent: from a link (the
// iframe page), from an element's attributes, and from a cmi5 launch with its one-time fetch URL.
// Without launch parameters, nothing leaves the page's origin.
import { test, expect } from '@playwright/test';
import { createServer } from 'node:http';
import validation from 'xapi-validation';
import { CHECK_ITEMS, optionOrder } from '../../www/check-view.js';
import { openHost } from './cycles.mjs';

const validateStatement = validation.default ?? validation;

const PAGE_PORT = Number(process.env.E2E_PORT ?? 8123);
const LRS_PORT = PAGE_PORT + 20;
const LRS = `http://127.0.0.1:${LRS_PORT}`;
const ENDPOINT = `${LRS}/xapi/`; // with its trailing slash, as stores often write it
const AUTH = `Basic ${Buffer.from('check-key:write-only-secret').toString('base64')}`;
const ACTOR = { objectType: 'Agent', name: 'Ada', mbox: 'mailto:ada@example.org' };
const CHECK_ID = `http://127.0.0.1:${PAGE_PORT}/index.html?view=check`;
const PHASE_EXTENSION = `${CHECK_ID}#phase`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const VERB = (name) => `http://adlnet.gov/expapi/verbs/${name}`;

// cmi5: what the player gives the launch, and what it left in the store before launching.
const CMI5 = {
  registration: 'f2b9b8a4-51d4-4a0e-9c39-7f5e4a1b2c3d',
  activityId: 'https://courses.example.org/dropout-topk/check-au',
  actor: { objectType: 'Agent', account: { homePage: 'https://courses.example.org', name: 'learner-1625378' } },
  token: 'dG9rZW4=',
  sessionId: 'session-0c4f',
  publisherId: 'https://publisher.example.org/dropout-topk/check',
};

/** The recording store: every request it got (method, path, headers, JSON body), in order. */
const received = [];
let refuse = null; // an Authorization header the store refuses with 401
const fetched = new Set(); // fetch URLs used once already
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Experience-API-Version',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, OPTIONS',
};

function answer(res, status, body) {
  res.writeHead(status, { ...CORS, 'Content-Type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

const server = createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => { text += chunk; });
  req.on('end', () => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Max-Age': '0' });
      res.end();
      return;
    }
    const url = new URL(req.url, LRS);
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    received.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body, text });
    if (req.method === 'POST' && url.pathname.startsWith('/fetch/')) {
      // cmi5's one-time URL: the token once, then an error (with HTTP 200, as cmi5 says).
      if (fetched.has(url.pathname)) answer(res, 200, { 'error-code': '1', 'error-text': 'The authorization token has already been returned.' });
      else answer(res, 200, { 'auth-token': CMI5.token });
      fetched.add(url.pathname);
    } else if (req.method === 'GET' && url.pathname === '/xapi/activities/state') {
      if (url.searchParams.get('stateId') === 'LMS.LaunchData' && url.searchParams.get('registration') === CMI5.registration) {
        answer(res, 200, { launchMode: 'Normal', moveOn: 'Completed', contextTemplate: {
          extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': CMI5.sessionId },
          contextActivities: { grouping: [{ id: CMI5.publisherId, objectType: 'Activity' }] },
        } });
      } else {
        answer(res, 404, { error: 'no such state' });
      }
    } else if (req.method === 'POST' && url.pathname === '/xapi/statements') {
      if (refuse && req.headers.authorization === refuse) answer(res, 401, { error: 'bad credentials' });
      else answer(res, 200, [body?.id]);
    } else {
      answer(res, 404, { error: 'not here' });
    }
  });
});

test.beforeAll(() => new Promise((resolve) => server.listen(LRS_PORT, '127.0.0.1', resolve)));
test.afterAll(() => new Promise((resolve) => server.close(resolve)));
test.beforeEach(() => {
  received.length = 0;
  refuse = null;
});

/** The statements the store received, in the order it received them. */
const statements = () => received.filter((r) => r.method === 'POST' && r.path === '/xapi/statements');

/** Learning Locker's warnings about a statement, as readable lines (none for a valid one). */
const warnings = (statement) => validateStatement(statement).map((w) => `${w.path.join('.')}: ${w.name} ${JSON.stringify(w.data)}`);

/** Answers every question of the shown form: right ones where `right(i)`, the first wrong otherwise. */
async function answerAll(root, phase, right) {
  for (const [i, item] of CHECK_ITEMS.entries()) {
    const choice = right(i) ? item.answer : optionOrder(phase).find((key) => key !== item.answer);
    await root.locator(`.check-item[data-item="${item.id}"] input[value="${choice}"]`).check();
    await expect(root.locator(`.check-item[data-item="${item.id}"] .answer`)).toBeVisible();
  }
}

const link = (params) => `/embed.html?${new URLSearchParams({ view: 'check', lang: 'en', ...params })}`;

/**
 * Checks one form's nine statements (eight answers, then the score) as sent to the store.
 * @returns {string} the registration they share
 */
function checkForm(requests, { phase, right, checkId, auth, actor, registration }) {
  expect(requests).toHaveLength(CHECK_ITEMS.length + 1);
  for (const request of requests) {
    expect(warnings(request.body)).toEqual([]);
    expect(request.headers['x-experience-api-version']).toBe('1.0.3');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(request.headers.authorization).toBe(auth);
    expect(request.body.id).toMatch(UUID);
    expect(request.body.actor).toMatchObject(actor);
    expect(new Date(request.body.timestamp).getTime()).not.toBeNaN();
    expect(request.body.context.extensions[PHASE_EXTENSION]).toBe(phase);
    if (registration) expect(request.body.context.registration).toBe(registration);
    else expect(request.body.context.registration).toMatch(UUID);
  }
  const shared = requests[0].body.context.registration;
  expect(new Set(requests.map((r) => r.body.context.registration))).toEqual(new Set([shared]));
  for (const [i, item] of CHECK_ITEMS.entries()) {
    const { verb, object, result, context } = requests[i].body;
    const choice = right(i) ? item.answer : optionOrder(phase).find((key) => key !== item.answer);
    expect(verb).toEqual({ id: VERB('answered'), display: { 'en-US': 'answered' } });
    expect(object.id).toBe(`${checkId}#${item.id}`);
    expect(object.definition.type).toBe('http://adlnet.gov/expapi/activities/cmi.interaction');
    expect(object.definition.interactionType).toBe('choice');
    expect(object.definition.correctResponsesPattern).toEqual([item.answer]);
    expect(object.definition.choices.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(Object.keys(object.definition.name)).toEqual(['en']);
    expect(object.definition.choices[0].description.en).toBeTruthy();
    expect(result).toMatchObject({ success: right(i), response: choice });
    expect(result.duration).toMatch(/^PT\d+(\.\d{1,2})?S$/);
    expect(context.contextActivities.parent).toEqual([{ id: checkId, objectType: 'Activity' }]);
  }
  const done = requests.at(-1).body;
  const score = CHECK_ITEMS.filter((_, i) => right(i)).length;
  expect(done.verb.id).toBe(VERB('completed'));
  expect(done.object).toMatchObject({ id: checkId, definition: { type: 'http://adlnet.gov/expapi/activities/assessment' } });
  expect(done.result).toEqual({ score: { scaled: score / CHECK_ITEMS.length, raw: score, min: 0, max: CHECK_ITEMS.length }, completion: true });
  return shared;
}

test('a link\'s xapi-* parameters: each answer and the finished form reach the store, in order and valid', async ({ page }) => {
  await page.goto(link({ 'xapi-endpoint': ENDPOINT, 'xapi-auth': AUTH, 'xapi-actor': JSON.stringify(ACTOR) }));
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await answerAll(page, 'before', (i) => i % 2 === 0);
  await expect.poll(() => statements().length).toBe(CHECK_ITEMS.length + 1);
  // Nothing but statements was asked of a plain store (no token, no launch data).
  expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(statements().map(() => 'POST /xapi/statements'));
  checkForm(statements(), { phase: 'before', right: (i) => i % 2 === 0, checkId: CHECK_ID, auth: AUTH, actor: ACTOR });
  await expect(page.locator('#message')).toBeHidden();
  // The launch parameters stay in the link, so a reload goes on reporting to the same store.
  expect(new URL(page.url()).searchParams.get('xapi-endpoint')).toBe(ENDPOINT);
});

test('an element\'s xapi-* attributes: both forms reach the store under one registration for the tab', async ({ page }) => {
  // The host page comes from Playwright, not from a loopback address, so Chromium treats it as a
  // public page, and a public page reaches a store on the loopback (or a local network) only with
  // the reader's permission (Local Network Access): granted here, as the reader would.
  await page.context().grantPermissions(['local-network-access']);
  await openHost(page, '/xapi-element.html');
  await page.evaluate((attributes) => {
    const el = document.createElement('dropout-topk');
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    document.getElementById('stage').append(el);
    return el.ready;
  }, { view: 'check', lang: 'en', loading: 'eager', 'xapi-endpoint': ENDPOINT, 'xapi-auth': AUTH, 'xapi-actor': JSON.stringify(ACTOR) });
  const el = page.locator('dropout-topk');
  await expect(el.locator('.check-item')).toHaveCount(CHECK_ITEMS.length);
  await answerAll(el, 'before', (i) => i < 3);
  await expect.poll(() => statements().length).toBe(CHECK_ITEMS.length + 1);
  const registration = checkForm(statements(), { phase: 'before', right: (i) => i < 3, checkId: CHECK_ID, auth: AUTH, actor: ACTOR });
  await el.evaluate((node) => { node.phase = 'after'; });
  await answerAll(el, 'after', () => true);
  await expect.poll(() => statements().length).toBe(2 * (CHECK_ITEMS.length + 1));
  checkForm(statements().slice(CHECK_ITEMS.length + 1), { phase: 'after', right: () => true, checkId: CHECK_ID, auth: AUTH, actor: ACTOR, registration });
  expect(await page.evaluate(() => sessionStorage.getItem('dropout-topk:xapi:registration'))).toBe(registration);
});

test('a cmi5 launch: one token fetch, the launch data read, "initialized" first, then the answers under the launch\'s ids', async ({ page }) => {
  const fetchUrl = `${LRS}/fetch/k-${Date.now()}`;
  const launch = { endpoint: ENDPOINT, fetch: fetchUrl, actor: JSON.stringify(CMI5.actor), registration: CMI5.registration, activityId: CMI5.activityId };
  // xapi-* beside a full cmi5 launch are not used: cmi5 wins.
  await page.goto(link({ ...launch, 'xapi-endpoint': `${LRS}/elsewhere/`, 'xapi-auth': AUTH, 'xapi-actor': JSON.stringify(ACTOR) }));
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await answerAll(page, 'before', (i) => i !== 1);
  await expect.poll(() => statements().length).toBe(CHECK_ITEMS.length + 2);
  const basic = `Basic ${CMI5.token}`;
  // The order of requests: the token, the launch data, then the statements.
  expect(received.slice(0, 3).map((r) => `${r.method} ${r.path}`))
    .toEqual([`POST ${new URL(fetchUrl).pathname}`, 'GET /xapi/activities/state', 'POST /xapi/statements']);
  expect(received[0].text).toBe(''); // the fetch URL is posted to with no body
  const state = received[1];
  expect(state.headers.authorization).toBe(basic);
  expect(state.headers['x-experience-api-version']).toBe('1.0.3');
  expect(state.query).toMatchObject({ stateId: 'LMS.LaunchData', activityId: CMI5.activityId, registration: CMI5.registration });
  expect(JSON.parse(state.query.agent)).toEqual(CMI5.actor);
  expect(received.filter((r) => r.path.startsWith('/elsewhere'))).toEqual([]);
  const [initialized, ...rest] = statements();
  expect(warnings(initialized.body)).toEqual([]);
  expect(initialized.headers.authorization).toBe(basic);
  expect(initialized.body.verb.id).toBe(VERB('initialized'));
  expect(initialized.body.object.id).toBe(CMI5.activityId);
  expect(initialized.body.context.registration).toBe(CMI5.registration);
  expect(initialized.body.context.contextActivities.category).toEqual([{ id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5', objectType: 'Activity' }]);
  checkForm(rest, { phase: 'before', right: (i) => i !== 1, checkId: CMI5.activityId, auth: basic, actor: CMI5.actor, registration: CMI5.registration });
  for (const { body } of [initialized, ...rest]) {
    // The player's context template is kept in every statement: its session id and publisher id.
    expect(body.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid']).toBe(CMI5.sessionId);
    expect(body.context.contextActivities.grouping).toEqual([{ id: CMI5.publisherId, objectType: 'Activity' }]);
  }
  // Only "initialized" is marked as cmi5's own: the answers and the score are cmi5 "allowed" statements.
  expect(rest.filter((r) => r.body.context.contextActivities.category)).toEqual([]);

  // A reload of the same launch goes on with the token it has: no second fetch, no second "initialized".
  await page.reload();
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await page.locator('input[name="phase"][value="after"]').check();
  const first = CHECK_ITEMS[0];
  await page.locator(`.check-item[data-item="${first.id}"] input[value="${first.answer}"]`).check();
  await expect.poll(() => statements().length).toBe(CHECK_ITEMS.length + 3);
  const after = statements().at(-1);
  expect(after.headers.authorization).toBe(basic);
  expect(after.body).toMatchObject({ verb: { id: VERB('answered') }, object: { id: `${CMI5.activityId}#${first.id}` }, result: { success: true } });
  expect(after.body.context.extensions[PHASE_EXTENSION]).toBe('after');
  expect(received.filter((r) => r.path.startsWith('/fetch/'))).toHaveLength(1);
  expect(statements().filter((r) => r.body.verb.id === VERB('initialized'))).toHaveLength(1);
});

test('a store that cannot be used is told once, with the store and the HTTP status, and the answers stay on the page', async ({ page, browser }) => {
  // Refused credentials: one message naming the endpoint and the status, then nothing more is sent.
  refuse = 'Basic d3Jvbmc6a2V5';
  await page.goto(link({ 'xapi-endpoint': ENDPOINT, 'xapi-auth': refuse, 'xapi-actor': JSON.stringify(ACTOR) }));
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await answerAll(page, 'before', () => true);
  await expect(page.locator('#message-text')).toContainText(`${LRS}/xapi answered HTTP 401`);
  expect(statements()).toHaveLength(1);
  await expect(page.locator('#check-score')).toContainText('8');

  // A learner that is not an Agent: said at once, and no request at all.
  received.length = 0;
  const second = await browser.newPage({ baseURL: `http://127.0.0.1:${PAGE_PORT}` });
  await second.goto(link({ 'xapi-endpoint': ENDPOINT, 'xapi-auth': AUTH, 'xapi-actor': '{"name": "Ada"}' }));
  await expect(second.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await expect(second.locator('#message-text')).toContainText('xapi-actor must name the learner');
  await second.locator(`.check-item[data-item="${CHECK_ITEMS[0].id}"] input[value="a"]`).check();
  await expect(second.locator(`.check-item[data-item="${CHECK_ITEMS[0].id}"] .answer`)).toBeVisible();

  // A cmi5 fetch URL used already (a launch link opened a second time): the player's error is shown.
  const used = `${LRS}/fetch/used-${Date.now()}`;
  fetched.add(new URL(used).pathname);
  await second.goto(link({ endpoint: ENDPOINT, fetch: used, actor: JSON.stringify(CMI5.actor), registration: CMI5.registration, activityId: CMI5.activityId }));
  await expect(second.locator('#message-text')).toContainText('fetch URL', { timeout: 30_000 });
  await expect(second.locator('#message-text')).toContainText('error 1');
  expect(statements()).toEqual([]);
  await second.close();
});

test('without launch parameters nothing leaves the page\'s origin', async ({ page }) => {
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(link({}));
  await expect(page.locator('#status')).toHaveAttribute('data-i18n', 'app.ready', { timeout: 30_000 });
  await answerAll(page, 'before', () => true);
  await page.locator('input[name="phase"][value="after"]').check();
  await answerAll(page, 'after', (i) => i % 2 === 1);
  await expect(page.locator('#check-compare caption')).toBeVisible();
  const origin = new URL(page.url()).origin;
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((url) => /^https?:/.test(url) && new URL(url).origin !== origin)).toEqual([]);
  expect(requests.filter((url) => url.includes(`:${LRS_PORT}`))).toEqual([]);
  expect(received).toEqual([]);
});

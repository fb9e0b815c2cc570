// The learning check's answers as xAPI 1.0.3 statements, sent to a Learning Record Store when the
// page was told where one is, and to no one otherwise. Two ways to be told (docs/learning-records.md):
//
//   xapi-endpoint, xapi-auth, xapi-actor   a store the course author set up: its statements
//                                          endpoint, the Authorization header, the learner
//   endpoint, fetch, actor, registration,  a cmi5 launch: the player's store, a one-time URL that
//   activityId                             gives the session's token, the learner, the enrolment
//                                          and the check's activity id (these win over xapi-*)
//
// One "answered" statement per answer (a cmi.interaction of type choice) and one "completed"
// statement per finished form (before, after) with its score. A cmi5 launch first fetches the
// token once, reads the launch data the player left (its context template: the session id), and
// sends "initialized" before anything else. Statements leave one at a time, in the order they
// were made. The first failure is reported once, naming the store and the HTTP status, and the
// reporter sends nothing more (Reset starts a new one).

import { activityIri } from './load.js';

/** The xAPI version every request declares. */
export const XAPI_VERSION = '1.0.3';

/** The verbs sent: ADL's, with their English names. */
export const VERBS = Object.freeze({
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
  initialized: { id: 'http://adlnet.gov/expapi/verbs/initialized', display: { 'en-US': 'initialized' } },
});

/** Activity types: one question, and the check as a whole. */
export const ACTIVITY_TYPES = Object.freeze({
  question: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  check: 'http://adlnet.gov/expapi/activities/assessment',
});

/**
 * The context extension that says which form of the check a statement belongs to ('before' or
 * 'after'): the check page of this copy of the demo, at #phase.
 */
export const PHASE_EXTENSION = activityIri('index.html?view=check#phase');

/** cmi5's category activity, which marks the statements cmi5 itself defines (here: initialized). */
export const CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';

/** The launch parameters of each way, by name (state.js LAUNCH_PARAMETERS). */
const CMI5_PARAMETERS = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];

/** Where a tab keeps its registration (plain xAPI), and what a cmi5 session has done (per fetch URL). */
const REGISTRATION_KEY = 'dropout-topk:xapi:registration';
const CMI5_KEY = 'dropout-topk:cmi5:';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A reporter for the check, or null when the page was given no record store (or a store it
 * cannot use: then `onError` says why, and nothing is sent).
 * @param {Record<string, string>} launch the launch parameters as given (state.js LAUNCH_PARAMETERS)
 * @param {{checkId: string, lang: string | (() => string), onError?: (err: Error) => void}} options
 *   checkId: the check's activity id (an absolute IRI); lang: the page's language, the key of
 *   every language map (a function is asked each time)
 * @returns {null | {answered: (item: object, detail: object) => Promise<void>, completed: (detail: object) => Promise<void>}}
 *   each method's promise settles once its statement was sent, refused or skipped; it never rejects
 */
export function xapiReporter(launch = {}, { checkId, lang = 'en', onError = console.error } = {}) {
  let reported = false;
  const report = (err) => {
    if (reported) return;
    reported = true;
    try {
      onError(err);
    } catch (thrown) {
      console.error(thrown);
    }
  };
  const has = (name) => typeof launch?.[name] === 'string' && launch[name] !== '';
  // A full cmi5 launch wins; a part of one, with no xapi-endpoint beside it, is a mistake worth saying.
  const missing = CMI5_PARAMETERS.filter((name) => !has(name));
  const cmi5 = missing.length === 0 || (missing.length < CMI5_PARAMETERS.length && !has('xapi-endpoint'));
  if (!cmi5 && !has('xapi-endpoint')) return null;
  let session;
  try {
    session = cmi5 ? cmi5Session(launch, missing) : xapiSession(launch, checkId);
  } catch (err) {
    // Told at once, but after the check has finished building (the message box is there).
    Promise.resolve().then(() => report(err));
    return null;
  }
  // A cmi5 session is ready once its token is fetched; a failure there is reported right away.
  Promise.resolve(session).catch(report);
  const languageOf = typeof lang === 'function' ? lang : () => lang;
  let tail = Promise.resolve();
  let stopped = false;
  const send = (make) => {
    const timestamp = new Date().toISOString();
    const language = languageOf() || 'und';
    tail = tail.then(async () => {
      if (stopped) return;
      try {
        const ready = await session;
        await postStatement(ready, make(ready, { timestamp, language }));
      } catch (err) {
        stopped = true;
        report(err);
      }
    });
    return tail;
  };
  return {
    answered: (item, detail) => send((ready, at) => answeredStatement(ready, item, detail, at)),
    completed: (detail) => send((ready, at) => completedStatement(ready, detail, at)),
  };
}

/** A plain xAPI store: endpoint, Authorization and learner from the launch, a registration per tab. */
function xapiSession(launch, checkId) {
  const endpoint = endpointOf(launch['xapi-endpoint'], 'xapi-endpoint');
  if (!launch['xapi-actor']) throw new Error('xapi-endpoint is given but xapi-actor is not: the learner (an xAPI Agent as JSON) is missing, so no statements are sent.');
  const actor = agentOf(launch['xapi-actor'], 'xapi-actor');
  const headers = launch['xapi-auth'] ? { Authorization: launch['xapi-auth'] } : {};
  return { endpoint, headers, actor, registration: tabRegistration(), activityId: checkId, template: {} };
}

/** The registration of this tab: made once, kept in sessionStorage (in memory where there is none). */
let memoryRegistration = null;
function tabRegistration() {
  try {
    const kept = sessionStorage.getItem(REGISTRATION_KEY);
    if (kept && UUID.test(kept)) return kept;
    const made = uuid();
    sessionStorage.setItem(REGISTRATION_KEY, made);
    return made;
  } catch {
    memoryRegistration ??= uuid();
    return memoryRegistration;
  }
}

/** cmi5 sessions of this page by fetch URL: a Reset, or a second check, reuses the token. */
const cmi5Sessions = new Map();

/**
 * A cmi5 launch: checked at once, then (a promise) the token, the launch data and "initialized".
 * @param {Record<string, string>} launch
 * @param {string[]} missing the cmi5 parameters the launch lacks
 */
function cmi5Session(launch, missing) {
  if (missing.length) {
    throw new Error(`A cmi5 launch needs endpoint, fetch, actor, registration and activityId; ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing, so no statements are sent.`);
  }
  const endpoint = endpointOf(launch.endpoint, 'endpoint');
  const fetchUrl = urlOf(launch.fetch, 'fetch');
  const actor = agentOf(launch.actor, 'actor');
  if (!UUID.test(launch.registration)) throw new Error(`The cmi5 registration "${clip(launch.registration)}" is not a UUID, so no statements are sent.`);
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(launch.activityId)) throw new Error(`The cmi5 activityId "${clip(launch.activityId)}" is not an absolute IRI, so no statements are sent.`);
  const base = { endpoint, actor, registration: launch.registration, activityId: launch.activityId };
  const key = fetchUrl.href;
  if (!cmi5Sessions.has(key)) {
    const started = startCmi5(base, fetchUrl);
    cmi5Sessions.set(key, started);
    started.catch(() => cmi5Sessions.delete(key)); // not kept: a Reset tries again
  }
  return cmi5Sessions.get(key);
}

/** The token (fetched once per launch, kept for the tab), the context template, then "initialized". */
async function startCmi5(base, fetchUrl) {
  const kept = keptCmi5(fetchUrl.href);
  const token = kept.token ?? await fetchToken(fetchUrl);
  keepCmi5(fetchUrl.href, { token });
  const session = { ...base, headers: { Authorization: `Basic ${token}` } };
  session.template = await launchTemplate(session);
  if (!kept.initialized) {
    await postStatement(session, {
      id: uuid(),
      actor: session.actor,
      verb: VERBS.initialized,
      object: { objectType: 'Activity', id: session.activityId },
      context: contextOf(session, { category: [{ id: CMI5_CATEGORY, objectType: 'Activity' }] }),
      timestamp: new Date().toISOString(),
    });
    keepCmi5(fetchUrl.href, { token, initialized: true });
  }
  return session;
}

function keptCmi5(fetchUrl) {
  try {
    const kept = JSON.parse(sessionStorage.getItem(CMI5_KEY + fetchUrl) ?? '{}');
    return typeof kept?.token === 'string' ? kept : {};
  } catch {
    return {};
  }
}

function keepCmi5(fetchUrl, value) {
  try {
    sessionStorage.setItem(CMI5_KEY + fetchUrl, JSON.stringify(value));
  } catch {
    // No storage: a reload of the page cannot continue the session (the fetch URL answers once).
  }
}

/** POSTs to the fetch URL (no body) and returns its auth-token. */
async function fetchToken(fetchUrl) {
  const where = `The cmi5 fetch URL ${fetchUrl.origin}${fetchUrl.pathname}`;
  const response = await request(fetchUrl.href, { method: 'POST' }, where);
  if (!response.ok) throw new Error(`${where} answered HTTP ${statusOf(response)}${await bodySnippet(response)}, so no statements are sent.`);
  let data;
  try {
    data = await response.json();
  } catch {
    throw new Error(`${where} answered HTTP ${response.status} without JSON, so no statements are sent.`);
  }
  if (data?.['error-code'] !== undefined) {
    throw new Error(`${where} answered error ${data['error-code']}${data['error-text'] ? ` (${data['error-text']})` : ''}, so no statements are sent. A launch link works once: launch the check again from the course.`);
  }
  if (typeof data?.['auth-token'] !== 'string' || !data['auth-token']) throw new Error(`${where} answered HTTP ${response.status} without an auth-token, so no statements are sent.`);
  return data['auth-token'];
}

/** The contextTemplate of the LMS.LaunchData state the player left for this launch ({} if none). */
async function launchTemplate(session) {
  const url = new URL(`${session.endpoint}/activities/state`);
  url.search = new URLSearchParams({ stateId: 'LMS.LaunchData', activityId: session.activityId,
    agent: JSON.stringify(session.actor), registration: session.registration }).toString();
  const where = `The learning record store at ${session.endpoint}`;
  const response = await request(url.href, { headers: { ...session.headers, 'X-Experience-API-Version': XAPI_VERSION } }, where);
  if (response.status === 404) return {};
  if (!response.ok) throw new Error(`${where} answered HTTP ${statusOf(response)} to the request for the launch data${await bodySnippet(response)}, so no statements are sent.`);
  try {
    const template = (await response.json())?.contextTemplate;
    return template && typeof template === 'object' ? template : {};
  } catch {
    return {};
  }
}

/** Sends one statement; throws with the store and the HTTP status when it is not accepted. */
async function postStatement(session, statement) {
  const where = `The learning record store at ${session.endpoint}`;
  const response = await request(`${session.endpoint}/statements`, {
    method: 'POST',
    headers: { ...session.headers, 'Content-Type': 'application/json', 'X-Experience-API-Version': XAPI_VERSION },
    body: JSON.stringify(statement),
  }, where);
  if (!response.ok) {
    throw new Error(`${where} answered HTTP ${statusOf(response)} to a statement${await bodySnippet(response)}; the check's answers are no longer recorded.`);
  }
}

/** fetch, with a network failure (no answer, or one the browser withholds: CORS) worded. */
async function request(url, init, where) {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new Error(`${where} could not be reached (no HTTP status: ${err?.message ?? err}). It may be down, or not allow this page's origin (CORS); the check's answers are not recorded.`);
  }
}

function statusOf(response) {
  return response.statusText ? `${response.status} ${response.statusText}` : String(response.status);
}

async function bodySnippet(response) {
  try {
    const text = (await response.text()).trim();
    return text ? `: ${clip(text, 200)}` : '';
  } catch {
    return '';
  }
}

function clip(text, max = 60) {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** An http(s) URL from a parameter, or an error naming it. */
function urlOf(text, name) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name} "${clip(text)}" is not an absolute URL, so no statements are sent.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${name} "${clip(text)}" is not an http(s) URL, so no statements are sent.`);
  return url;
}

/** A store's endpoint without its trailing slashes: statements go to `${endpoint}/statements`. */
function endpointOf(text, name) {
  const url = urlOf(text, name);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The learner: an xAPI Agent from JSON, identified by exactly one of mbox, mbox_sha1sum, openid
 * or account (homePage and name).
 */
function agentOf(text, name) {
  let agent;
  try {
    agent = JSON.parse(text);
  } catch (err) {
    throw new Error(`${name} is not JSON (${err.message}); it should be an xAPI Agent such as {"mbox": "mailto:learner@example.org"}. No statements are sent.`);
  }
  if (!agent || typeof agent !== 'object' || Array.isArray(agent)) throw new Error(`${name} is not an xAPI Agent (a JSON object), so no statements are sent.`);
  if (agent.objectType !== undefined && agent.objectType !== 'Agent') throw new Error(`${name} has objectType "${clip(agent.objectType)}"; only an Agent (one learner) is sent. No statements are sent.`);
  const ids = ['mbox', 'mbox_sha1sum', 'openid', 'account'].filter((key) => agent[key] !== undefined);
  if (ids.length !== 1) {
    throw new Error(`${name} must name the learner by exactly one of mbox, mbox_sha1sum, openid or account; it has ${ids.length ? ids.join(' and ') : 'none'}. No statements are sent.`);
  }
  if (ids[0] === 'mbox' && !/^mailto:[^@\s]+@[^@\s]+$/.test(agent.mbox)) throw new Error(`${name}: mbox must be "mailto:" and an address, so no statements are sent.`);
  if (ids[0] === 'account' && (typeof agent.account?.homePage !== 'string' || typeof agent.account?.name !== 'string')) {
    throw new Error(`${name}: an account needs both homePage and name, so no statements are sent.`);
  }
  if (ids[0] !== 'mbox' && ids[0] !== 'account' && typeof agent[ids[0]] !== 'string') throw new Error(`${name}: ${ids[0]} must be a string, so no statements are sent.`);
  return { objectType: 'Agent', ...agent };
}

/**
 * A statement's context: the cmi5 context template (if any) kept as it is, with the registration,
 * the page's language, the given context activities and the phase added.
 */
function contextOf(session, activities, phase, language) {
  const template = session.template ?? {};
  const context = { ...template, registration: session.registration };
  if (language) context.language = language;
  // Each list as an array (xAPI also allows a lone activity; some stores accept only arrays).
  const lists = Object.fromEntries(Object.entries(template.contextActivities ?? {}).map(([kind, list]) => [kind, [list].flat()]));
  for (const [kind, list] of Object.entries(activities)) lists[kind] = [...(lists[kind] ?? []), ...list];
  if (Object.keys(lists).length) context.contextActivities = lists;
  const extensions = { ...(phase ? { [PHASE_EXTENSION]: phase } : {}), ...(template.extensions ?? {}) };
  if (Object.keys(extensions).length) context.extensions = extensions;
  return context;
}

/** A question's activity id: the check's with the question's id as its fragment (or a last segment). */
export function questionId(checkId, item) {
  return checkId.includes('#') ? `${checkId}/${item}` : `${checkId}#${item}`;
}

/** Milliseconds as an ISO 8601 duration in seconds, to the hundredth: 1250 → 'PT1.25S'. */
export function isoDuration(ms) {
  const seconds = Math.round(Math.max(0, ms) / 10) / 100;
  return `PT${seconds}S`;
}

/**
 * One answer.
 * @param {{id: string, question: string, options: Array<{key: string, text: string}>, answer: string}} item
 * @param {{item: string, phase: string, choice: string, correct: boolean, ms: number}} detail
 */
function answeredStatement(session, item, detail, { timestamp, language }) {
  const words = (text) => ({ [language]: text });
  const result = { success: detail.correct, response: detail.choice };
  if (Number.isFinite(detail.ms)) result.duration = isoDuration(detail.ms);
  return {
    id: uuid(),
    actor: session.actor,
    verb: VERBS.answered,
    object: {
      objectType: 'Activity',
      id: questionId(session.activityId, item.id),
      definition: {
        type: ACTIVITY_TYPES.question,
        name: words(item.question),
        description: words(item.question),
        interactionType: 'choice',
        correctResponsesPattern: [item.answer],
        choices: item.options.map((option) => ({ id: option.key, description: words(option.text) })),
      },
    },
    result,
    context: contextOf(session, { parent: [{ id: session.activityId, objectType: 'Activity' }] }, detail.phase, language),
    timestamp,
  };
}

/** A finished form: its score. */
function completedStatement(session, { phase, score, of }, { timestamp, language }) {
  return {
    id: uuid(),
    actor: session.actor,
    verb: VERBS.completed,
    object: { objectType: 'Activity', id: session.activityId, definition: { type: ACTIVITY_TYPES.check } },
    result: { score: { scaled: of > 0 ? score / of : 0, raw: score, min: 0, max: of }, completion: true },
    context: contextOf(session, {}, phase, language),
    timestamp,
  };
}

/** A random (version 4) UUID, also where crypto.randomUUID is missing (a page served over plain http). */
function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

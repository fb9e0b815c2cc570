// The settings: what each one means, its range and default, and how it is read from and written
// to a link. One name per setting: the same name is the URL key, the state field, the HTML id of
// its control and the attribute of the <dropout-topk> element.

/** The views a link, an embed or an element can name (`view`), in page order. */
export const VIEWS = ['topk', 'contrast', 'dropout', 'overfit', 'owntext', 'check', 'results'];

/**
 * The languages the page speaks, each under its own name (the language menu shows these). A
 * language is its dictionary, www/locales/<code>.js, its sample text for the own-text view,
 * www/corpus/<code>.txt, and its line here.
 */
export const LANGUAGES = Object.freeze({
  en: 'English',
  es: 'Español',
  ja: '日本語',
  ko: '한국어',
  zh: '简体中文',
});

/** Controls that `hide` can remove (classroom mode): each is an element with data-control. */
export const HIDEABLE = ['prompt', 'sampler', 'k', 'top_p', 'temperature', 'seed', 'sample', 'dropout_p', 'mode',
  'step', 'restart', 'overfit_p', 'mc_dropout', 'language', 'explain', 'phase'];

/**
 * The seed of every fresh model's initial weights and batch order: fixed, so that the sampling
 * seed is only ever a sampling seed, and a change a reader sees in a model comes from what the
 * view varies (the dropout rate, the mask stream), never from a reseeded start.
 */
export const MODEL_SEED = 42;

/**
 * Parameters a link (or an element's attributes) may carry that are not settings: where the
 * learning check's answers go. `xapi-*` name a Learning Record Store the course author set up;
 * the rest are the parameters a cmi5 player launches a page with. They are never written back
 * into the link and never kept.
 */
export const LAUNCH_PARAMETERS = Object.freeze(['xapi-endpoint', 'xapi-auth', 'xapi-actor',
  'endpoint', 'fetch', 'actor', 'registration', 'activityId']);

/** The longest prompt a link may carry (characters); the model reads only its last 32 anyway. */
export const PROMPT_MAX = 500;

/**
 * What each setting means, its range and its default. The core accepts wider ranges
 * (docs/semantics.md: k an integer >= 1, temperature > 0, top_p and dropout_p in [0, 1]); the
 * page narrows them to what its sliders offer, and k's maximum becomes the vocabulary size once
 * a model is loaded. `atStart`: the setting chooses what is built (an element rebuilds itself
 * when it changes); every other setting takes effect in the subscriptions of the views that read it.
 */
export const SETTINGS = Object.freeze({
  /** The view a link points at: the page scrolls to it, an embed shows only it. */
  view: { default: 'topk', values: VIEWS, atStart: true },
  /** Top-k: how many of the most likely characters stay in the draw (ties at the k-th stay too). */
  k: { default: 3, min: 1, max: 256, step: 1 },
  /** Temperature: logits are divided by it; 1 = unchanged, < 1 sharper, > 1 flatter. */
  temperature: { default: 1, min: 0.1, max: 3, step: 0.05 },
  /** Top-p (nucleus): keep the fewest most likely characters whose total reaches p. */
  top_p: { default: 0.9, min: 0.05, max: 1, step: 0.01 },
  /** Which cut the top-k view applies: 'top_k' or 'top_p'. */
  sampler: { default: 'top_k', values: ['top_k', 'top_p'] },
  /** Dropout rate of training steps (and of dropout left on at inference): 0 = off. */
  dropout_p: { default: 0.1, min: 0, max: 0.9, step: 0.01 },
  /** Dropout rate of the second copy in the overfitting view (the first copy stays at 0). */
  overfit_p: { default: 0.3, min: 0, max: 0.9, step: 0.01 },
  /** Sampling seed: the same seed and draw number give the same character (models have MODEL_SEED). */
  seed: { default: 42, min: 0, max: 4294967295, step: 1 },
  /** The text the top-k view continues. */
  prompt: { default: 'Mara walks to the ', maxLength: PROMPT_MAX },
  /** The dropout view's mode: 'train' (masks applied) or 'eval' (no dropout, no mask). */
  mode: { default: 'train', values: ['train', 'eval'] },
  /** Which form of the learning check is shown: before the page, or after it. */
  phase: { default: 'before', values: ['before', 'after'] },
  /** Whether the contrast view leaves dropout on at inference (Monte Carlo dropout). */
  mc_dropout: { default: false, values: [false, true] },
  /** The Burn backend the models run on (both are pure-Rust CPU backends, compiled to wasm). */
  backend: { default: 'flex', values: ['flex', 'ndarray'], atStart: true },
  /** The page's language; the default follows the browser. */
  lang: { default: 'en', values: Object.keys(LANGUAGES) },
  /** Controls to hide (classroom mode), a comma-separated list of names from HIDEABLE. */
  hide: { default: [], list: HIDEABLE },
});

/**
 * The value a setting takes from text (a URL parameter or an element attribute), or a problem.
 * @param {string} name
 * @param {string} text
 * A problem is a text key of the locales with its parameters (`range` is itself a key and
 * parameters), so the page words it in its own language.
 * @returns {{value?: unknown, problem?: {key: string, params: object}}}
 */
export function parseSetting(name, text) {
  const spec = SETTINGS[name];
  if (!spec) return { problem: { key: 'link.unknown', params: { name: clip(name) } } };
  if (spec.list) {
    const names = text.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = names.filter((n) => !spec.list.includes(n));
    const value = [...new Set(names.filter((n) => spec.list.includes(n)))];
    return bad.length
      ? { value, problem: { key: 'link.list', params: { name, bad: bad.map((b) => `“${clip(b)}”`).join(', '), known: spec.list.join(', ') } } }
      : { value };
  }
  if (spec.values) {
    const value = typeof spec.default === 'boolean'
      ? ({ true: true, 1: true, false: false, 0: false })[text]
      : spec.values.find((v) => v === text);
    return value === undefined
      ? { problem: { key: 'link.choice', params: { name, value: clip(text), values: spec.values.join(', ') } } }
      : { value };
  }
  if (typeof spec.default === 'number') {
    const n = text.trim() === '' ? NaN : Number(text);
    const range = { key: spec.step === 1 ? 'link.rangeInt' : 'link.rangeNum', params: { min: spec.min, max: spec.max } };
    if (!Number.isFinite(n)) return { problem: { key: 'link.notNumber', params: { name, value: clip(text), range } } };
    const value = clamp(spec, n);
    return value === n ? { value } : { value, problem: { key: 'link.range', params: { name, value: clip(text), range, used: value } } };
  }
  if (text.length > spec.maxLength) {
    return { value: text.slice(0, spec.maxLength), problem: { key: 'link.long', params: { name, max: spec.maxLength } } };
  }
  return { value: text };
}

function clip(text) {
  const s = String(text);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function clamp(spec, n) {
  const snapped = spec.step === 1 ? Math.round(n) : n;
  return Math.min(spec.max, Math.max(spec.min, snapped));
}

/**
 * A setting's value as a link (and an element's attribute) writes it: a list joined by commas.
 * @param {unknown} value
 * @returns {string}
 */
export function settingText(value) {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * Settings from a link's query string; every problem is listed, and a bad value keeps the default.
 * Launch parameters (LAUNCH_PARAMETERS) are returned apart, as given.
 * @param {string} search e.g. location.search
 * @returns {{values: Record<string, unknown>, problems: Array<{key: string, params: object}>, present: Set<string>,
 *   launch: Record<string, string>}}
 */
export function settingsFromQuery(search) {
  const values = {};
  const problems = [];
  const present = new Set();
  const launch = {};
  const params = new URLSearchParams(search);
  for (const name of new Set(params.keys())) {
    if (LAUNCH_PARAMETERS.includes(name)) {
      launch[name] = params.get(name);
      continue;
    }
    const all = params.getAll(name);
    if (all.length > 1) problems.push({ key: 'link.repeated', params: { name: clip(name), count: all.length } });
    const { value, problem } = parseSetting(name, all[0]);
    if (problem) problems.push(problem);
    if (value !== undefined) {
      values[name] = value;
      present.add(name);
    }
  }
  return { values, problems, present, launch };
}

/**
 * The query string of `state`: every setting that differs from its default, and those in `keep`
 * (the ones the opening link named), in the order of SETTINGS.
 * @param {Record<string, unknown>} state
 * @param {Set<string>} keep
 * @returns {string} "?k=1&temperature=0.5" or ""
 */
export function queryFromState(state, keep = new Set()) {
  const params = new URLSearchParams();
  for (const [name, spec] of Object.entries(SETTINGS)) {
    const value = state[name];
    const isDefault = spec.list ? value.length === 0 : value === spec.default;
    if (isDefault && !keep.has(name)) continue;
    params.set(name, settingText(value));
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/**
 * A fresh set of settings (one per demo on a page), its setter, and subscriptions: each part of
 * the demo names the settings it reads and is told when one of them changes.
 * @param {Record<string, unknown>} [initial] values already checked by parseSetting
 * @returns {{state: Record<string, any>, set: (name: string, value: unknown) => unknown,
 *   subscribe: (names: string[]|'*', listener: (name: string) => void) => () => void}}
 */
export function createState(initial = {}) {
  const state = Object.seal(Object.fromEntries(
    Object.entries(SETTINGS).map(([name, spec]) => [name, name in initial ? initial[name] : spec.default])));
  const listeners = new Set();
  /**
   * Cleans a proposed value for a setting: numbers are clamped to the range and snapped to whole
   * numbers where the setting is an integer; choices outside the allowed values keep the old value.
   */
  function set(name, value) {
    const spec = SETTINGS[name];
    if (!spec) throw new Error(`unknown setting ${name}`);
    const clean = cleanValue(spec, value, state[name]);
    const changed = clean !== state[name];
    state[name] = clean;
    if (changed) {
      for (const { names, listener } of [...listeners]) if (names === '*' || names.includes(name)) listener(name);
    }
    return clean;
  }
  /** Calls `listener(name)` after any of `names` ('*': any setting) changes; returns an unsubscribe. */
  function subscribe(names, listener) {
    const entry = { names, listener };
    listeners.add(entry);
    return () => listeners.delete(entry);
  }
  return { state, set, subscribe };
}

/** The value `value` becomes for a setting of `spec` whose value is now `old`. */
function cleanValue(spec, value, old) {
  if (spec.list) return Array.isArray(value) ? value.filter((v) => spec.list.includes(v)) : old;
  if (spec.values) return spec.values.includes(value) ? value : old;
  if (typeof spec.default === 'number') {
    const n = Number(value);
    return Number.isFinite(n) ? clamp(spec, n) : old;
  }
  return String(value).slice(0, spec.maxLength);
}

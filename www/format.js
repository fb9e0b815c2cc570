// How numbers and characters are written on the page: no NaN, visible spaces and newlines.

/**
 * A character as a label: space as "␣", newline as "↵", so invisible tokens can be read.
 * @param {string} ch one token of the vocabulary
 * @returns {string}
 */
export function tokenLabel(ch) {
  if (ch === ' ') return '␣';
  if (ch === '\n') return '↵';
  return ch;
}

/**
 * A number with a fixed count of decimals, or "–" for NaN and infinities; in the language of
 * `app` when given (its number()), else as JavaScript writes it.
 * @param {number} x
 * @param {number} digits
 * @param {{number: (x: number, digits: number) => string}} [app]
 * @returns {string}
 */
export function fixed(x, digits, app) {
  if (!Number.isFinite(x)) return '–';
  return app ? app.number(x, digits) : x.toFixed(digits);
}

/**
 * A probability as a percentage with one decimal ("<0.1%" for tiny non-zero values).
 * @param {number} p in [0, 1]
 * @param {{number: (x: number, digits: number) => string}} [app] formats for the demo's language
 * @returns {string}
 */
export function percent(p, app) {
  if (!Number.isFinite(p)) return '–';
  if (p > 0 && p < 0.0005) return '<0.1%';
  return `${fixed(p * 100, 1, app)}%`;
}

/**
 * A loss in nats per character with three decimals, or "–" when it could not be measured.
 * @param {number} loss
 * @param {{number: (x: number, digits: number) => string}} [app] formats for the demo's language
 * @returns {string}
 */
export function lossText(loss, app) {
  return fixed(loss, 3, app);
}

/**
 * The message of anything thrown (wasm-bindgen throws Error objects; be safe with others).
 * @param {unknown} err
 * @returns {string}
 */
export function errorMessage(err) {
  if (err instanceof Error) return err.message || String(err);
  return String(err);
}

/** Messages of the Rust core that have a translation (their English text is the core's own). */
const KNOWN_ERRORS = [
  [/^text cannot be trained on: it has (?<n>\d+) characters; at least (?<needed>\d+) are needed$/, 'error.tooShort'],
  [/^text cannot be trained on: it uses only one distinct character; at least two are needed$/, 'error.oneCharacter'],
  [/^text cannot be trained on: training needs at least (?<needed>\d+) characters, it has (?<n>\d+)$/, 'error.window'],
];

/**
 * The message of anything thrown, in the demo's language when it is one the dictionaries know
 * (the English dictionary words them exactly as the core does); any other message as it is.
 * @param {unknown} err
 * @param {{t: (key: string, params?: object) => string}} [app]
 * @returns {string}
 */
export function errorText(err, app) {
  const message = errorMessage(err);
  if (!app) return message;
  for (const [pattern, key] of KNOWN_ERRORS) {
    const match = message.match(pattern);
    if (match) return app.t(key, match.groups ?? {});
  }
  return message;
}

/**
 * Writes `text` into a live region or alert only when it differs from what is there: writing
 * the same text again would make screen readers announce it again.
 * @param {Element} element
 * @param {string} text
 */
export function setLiveText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

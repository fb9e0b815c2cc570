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
 * `fmt` when given (its number()), else as JavaScript writes it.
 * @param {number} x
 * @param {number} digits
 * @param {{number: (x: number, digits: number) => string}} [fmt]
 * @returns {string}
 */
export function fixed(x, digits, fmt) {
  if (!Number.isFinite(x)) return '–';
  return fmt ? fmt.number(x, digits) : x.toFixed(digits);
}

/**
 * A probability as a percentage, with one decimal unless told ("<0.1%" for tiny non-zero values),
 * as the demo's language writes it (its percent(), "12,5 %" in Spanish) when `fmt` has one.
 * @param {number} p in [0, 1]
 * @param {{number: Function, percent?: (p: number, digits: number) => string}} [fmt] formats for the demo's language
 * @param {number} [digits]
 * @returns {string}
 */
export function percent(p, fmt, digits = 1) {
  if (!Number.isFinite(p)) return '–';
  const least = 10 ** -(digits + 2); // the smallest share written, 0.1% at one decimal
  if (p > 0 && p < least / 2) return `<${percentText(least, digits, fmt)}`;
  return percentText(p, digits, fmt);
}

function percentText(p, digits, fmt) {
  return fmt?.percent ? fmt.percent(p, digits) : `${fixed(p * 100, digits, fmt)}%`;
}

/**
 * A loss in nats per character with three decimals, or "–" when it could not be measured.
 * @param {number} loss
 * @param {{number: (x: number, digits: number) => string}} [fmt] formats for the demo's language
 * @returns {string}
 */
export function lossText(loss, fmt) {
  return fixed(loss, 3, fmt);
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

/**
 * The message of anything thrown, in the demo's language: an error of the core carries a `code`
 * and `params` (web.rs), worded by the dictionary's `error.<code>`; any other message as it is.
 * An invalid argument's `allowed` is a code too, with its numbers beside it (`min`, `max`, ...),
 * worded by `error.allowed.<code>`, so no English phrase is left inside another language.
 * @param {unknown} err
 * @param {{t: (key: string, params?: object) => string}} [fmt]
 * @returns {string}
 */
export function errorText(err, fmt) {
  const code = err && typeof err === 'object' ? err.code : undefined;
  if (fmt && typeof code === 'string') {
    const params = { ...(err.params ?? {}) };
    if (typeof params.allowed === 'string') {
      const allowedKey = `error.allowed.${params.allowed}`;
      const allowed = fmt.t(allowedKey, params);
      // A range this page has no words for: the core's own English says it all.
      if (allowed === allowedKey) return errorMessage(err);
      params.allowed = allowed;
    }
    const key = `error.${code}`;
    const text = fmt.t(key, params);
    if (text !== key) return text;
  }
  return errorMessage(err);
}

/**
 * Number formatting for a language: `number(x, digits)` with a fixed count of decimals, "–" for
 * NaN and infinities.
 * @param {string} lang
 * @returns {(x: number, digits: number) => string}
 */
export function numberFormat(lang) {
  return (x, digits) => (Number.isFinite(x)
    ? x.toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })
    : '–');
}

/**
 * Percentages for a language: `percent(p, digits)` writes the share p (0.125) as the language
 * does ("12.5%", "12,5 %"), "–" for NaN and infinities.
 * @param {string} lang
 * @returns {(p: number, digits: number) => string}
 */
export function percentFormat(lang) {
  return (p, digits) => (Number.isFinite(p)
    ? p.toLocaleString(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })
    : '–');
}

/**
 * Shows a toggle button's state: its label and aria-pressed. Called in the press itself, so the
 * button answers at once, not a frame later.
 * @param {HTMLButtonElement} button
 * @param {boolean} pressed
 * @param {string} label what a press does now
 */
export function showPressed(button, pressed, label) {
  button.textContent = label;
  button.setAttribute('aria-pressed', String(pressed));
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

/**
 * The end of a text as a title quotes it: its last `max` characters at most (an ellipsis before
 * them), with trailing spaces shown as ␣, so a prompt that ends after a word shows it.
 * @param {string} text
 * @param {number} max
 */
export function visibleEnd(text, max) {
  const end = text.length > max ? `…${text.slice(-max)}` : text;
  return end.replace(/ +$/, (spaces) => '␣'.repeat(spaces.length));
}

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
 * A probability as a percentage with one decimal ("<0.1%" for tiny non-zero values).
 * @param {number} p in [0, 1]
 * @returns {string}
 */
export function percent(p) {
  if (!Number.isFinite(p)) return '–';
  if (p > 0 && p < 0.0005) return '<0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

/**
 * A loss in nats per character with three decimals, or "–" when it could not be measured.
 * @param {number} loss
 * @returns {string}
 */
export function lossText(loss) {
  return Number.isFinite(loss) ? loss.toFixed(3) : '–';
}

/**
 * A number with a fixed count of decimals, or "–" for NaN and infinities.
 * @param {number} x
 * @param {number} digits
 * @returns {string}
 */
export function fixed(x, digits) {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
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

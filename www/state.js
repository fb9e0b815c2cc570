// The page's settings: one state object, one name per setting (the same name is the HTML id).
//
// A later change will read and write these names in the URL; keeping every setting here, with its
// range and default, is what makes that a small change.

/**
 * What each setting means, its range and its default. Ranges are the semantics of the core
 * (semantics.md): k is an integer >= 1 (its slider's maximum becomes the vocabulary size once a
 * model is loaded), temperature > 0, top_p and dropout_p in [0, 1].
 */
export const SETTINGS = Object.freeze({
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
  /** Seed of draws and of fresh weights: the same seed and draw number give the same character. */
  seed: { default: 42, min: 0, max: 4294967295, step: 1 },
  /** The text the top-k view continues. */
  prompt: { default: 'The harbour is' },
  /** The dropout view's mode: 'train' (masks applied) or 'eval' (no dropout, no mask). */
  mode: { default: 'train', values: ['train', 'eval'] },
  /** Whether the contrast view leaves dropout on at inference (Monte Carlo dropout). */
  mc_dropout: { default: false, values: [false, true] },
});

/** The current value of every setting, keyed by the names of SETTINGS. */
export const state = Object.seal(Object.fromEntries(
  Object.entries(SETTINGS).map(([name, spec]) => [name, spec.default])));

/**
 * Cleans a proposed value for a setting: numbers are clamped to the range and snapped to whole
 * numbers where the setting is an integer; choices outside the allowed values keep the old value.
 * @param {keyof typeof SETTINGS} name
 * @param {unknown} value
 * @returns {string|number|boolean} the value stored
 */
export function setSetting(name, value) {
  const spec = SETTINGS[name];
  if (!spec) throw new Error(`unknown setting ${name}`);
  let clean;
  if (spec.values) {
    clean = spec.values.includes(value) ? value : state[name];
  } else if (typeof spec.default === 'number') {
    const n = Number(value);
    if (!Number.isFinite(n)) return state[name];
    clean = Math.min(spec.max, Math.max(spec.min, spec.step === 1 ? Math.round(n) : n));
  } else {
    clean = String(value);
  }
  state[name] = clean;
  return clean;
}

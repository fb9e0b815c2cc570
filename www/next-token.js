// The core's answer for one next character (web.rs nextToken) turned into what a view shows: bar
// rows and the words for the cut. Pure functions: the numbers come from the core, nothing here
// sorts, sums or draws again.
import { tokenLabel, percent } from './format.js';

/** The settings a next-token answer depends on (the core's nextToken reads these names). */
export const SAMPLING_SETTINGS = ['sampler', 'k', 'top_p', 'temperature', 'seed'];

/**
 * The settings of a next-token call, from the demo's state (the link's names).
 * @param {Record<string, unknown>} state
 * @param {number|null} [draw] the draw number, for a draw
 * @returns {object}
 */
export function samplingSettings(state, draw = null) {
  const settings = Object.fromEntries(SAMPLING_SETTINGS.map((name) => [name, state[name]]));
  return draw === null ? settings : { ...settings, draw };
}

/**
 * The text of the current cut, for the cut line and for announcements.
 * @param {{sampler: string, k: number, top_p: number}} state
 * @param {{kept: number, keptMass: number}} answer
 * @param {{t: Function, number: Function}} fmt
 * @returns {string}
 */
export function cutDescription(state, answer, fmt) {
  const { kept, keptMass } = answer;
  if (state.sampler === 'top_p') {
    return fmt.t('topk.cutTopP', { p: fmt.number(state.top_p, 2), kept, mass: percent(keptMass, fmt) });
  }
  const ties = kept > state.k ? fmt.t('topk.ties') : '';
  return fmt.t('topk.cutTopK', { k: state.k, kept, ties, mass: percent(keptMass, fmt) });
}

/**
 * Bar rows for a list: the first tokens of `order` (most likely first), with their probability
 * after temperature and before the cut, and after the cut (0 for a cut token, whose text also
 * gives what it had before).
 * @param {{probs: Float32Array, before: Float32Array, order: Uint32Array, kept: number}} answer
 * @param {string[]} vocab
 * @param {{minRows: number, sampled?: number|null, order?: ArrayLike<number>|null}} options
 *   sampled: the index to mark as drawn; order: a fixed order to show instead of the answer's
 * @param {{t: Function, number: Function}} fmt
 * @returns {import('./charts.js').BarRow[]}
 */
export function barRows(answer, vocab, { minRows, sampled = null, order = null }, fmt) {
  const { probs, before } = answer;
  // Every kept row and the first few cut ones, so the cut is always in sight.
  const count = Math.min(vocab.length, Math.max(minRows, answer.kept + 5));
  return Array.from((order ?? answer.order).slice(0, count), (index) => {
    const label = tokenLabel(vocab[index]);
    const kept = probs[index] > 0;
    const description = kept
      ? fmt.t('topk.barKept', { label, p: percent(probs[index], fmt), before: percent(before[index], fmt) })
      : fmt.t('topk.barCut', { label, before: percent(before[index], fmt) });
    // A cut bar can no longer be drawn: it reads 0%, with what it had before the cut.
    const value = kept ? percent(probs[index], fmt) : fmt.t('topk.barCutValue', { before: percent(before[index], fmt) });
    return {
      index, label, original: before[index], shown: probs[index], kept, sampled: index === sampled, value,
      description: index === sampled ? fmt.t('topk.barDrawn', { description }) : description,
    };
  });
}

/**
 * The kept characters of an answer as a draw lays them out: most likely first, each with its
 * probability after the cut (the stretches of a strip).
 * @param {{probs: Float32Array, order: Uint32Array}} answer
 * @param {string[]} vocab
 * @returns {Array<{index: number, label: string, share: number}>}
 */
export function keptSegments(answer, vocab) {
  return Array.from(answer.order).filter((i) => answer.probs[i] > 0)
    .map((index) => ({ index, label: tokenLabel(vocab[index]), share: answer.probs[index] }));
}

// The real core for the view-model tests: the wasm package the page loads (pkg/, built by
// `make pkg`), instantiated in Node, with the shipped weights. No stand-in: the view models are
// fed what the page feeds them.
import { readFileSync } from 'node:fs';
import { translator, factParams, loadLanguage } from '../../www/i18n.js';
import { numberFormat, percentFormat } from '../../www/format.js';
import { LANGUAGES } from '../../www/state.js';

const root = new URL('../../', import.meta.url);

// Every language's dictionary, as the page loads one before it writes in it.
await Promise.all(Object.keys(LANGUAGES).map((lang) => loadLanguage(lang)));

export const wasm = await import(new URL('pkg/dropout_topk.js', root));
await wasm.default({ module_or_path: readFileSync(new URL('pkg/dropout_topk_bg.wasm', root)) });

/** The shipped English model, as the page makes it. */
export function shippedModel(seed = 42) {
  return wasm.Demo.withWeights(readFileSync(new URL('www/model.q8', root)), 'flex', seed);
}

/** What a view model gets to write words with: the demo's translator, number and percent formats. */
export function formatter(lang = 'en') {
  return { t: translator(lang, factParams(wasm.facts(), lang)), number: numberFormat(lang), percent: percentFormat(lang) };
}

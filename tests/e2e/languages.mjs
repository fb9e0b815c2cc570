// The page's languages for the end-to-end tests, found from the one list (state.js LANGUAGES), and
// a reader of a page's words that finds the English left in a page of another language.
import { LANGUAGES } from '../../www/state.js';

/** Every language's dictionary, by code. */
export const DICTIONARIES = Object.fromEntries(await Promise.all(Object.keys(LANGUAGES)
  .map(async (lang) => [lang, (await import(`../../www/locales/${lang}.js`)).default])));

/** The languages other than English, in the menu's order. */
export const OTHER_LANGUAGES = Object.keys(LANGUAGES).filter((lang) => lang !== 'en');

/**
 * The English a page in another language keeps on purpose, lower case: the terms a learner meets
 * in papers, named once beside the language's own; names of people and software; units.
 */
export const TERMS = new Set([
  // Terms: the English name given beside the language's own.
  'dropout', 'inverted', 'top', 'sampling', 'temperature', 'greedy', 'decoding', 'nucleus', 'softmax', 'logit', 'transformer',
  'inference', 'overfitting', 'underfitting', 'adaptation', 'monte', 'carlo',
  // Authors of the papers cited, and the software the page is made with or compared to.
  'hinton', 'srivastava', 'vaswani', 'fan', 'lewis', 'dauphin', 'holtzman', 'gal', 'ghahramani',
  'rust', 'burn', 'webassembly', 'pytorch', 'mingpt', 'nanogpt', 'bert', 'dropconnect',
  // Units and symbols.
  'nat', 'nats', 'exp',
]);

/**
 * Where a page shows the model's own characters (bars, prompts, generated and drawn text, sample
 * texts, a model's vocabulary), the language menu (each language in its own name) and messages
 * the test judges apart. Text in quotation marks is the model's too (“…”, «…», 「…」).
 */
const MODEL_TEXT = ['#generated', '#prompt', '#own-text', '#own-info', '.tok', '.history', '#fixed-runs', '#message',
  'select', 'canvas', '.draws', '#sources', '.strip'].join(', ');
const QUOTED = /“[^”]*”|«[^»]*»|「[^」]*」|『[^』]*』/g;
const LATIN_WORD = /\p{Script=Latin}{3,}/gu;

/** The visible texts and text alternatives under a locator (an element's shadow root, if it has one). */
function pageTexts(locator) {
  return locator.evaluate((host, skipSelector) => {
    const root = host.shadowRoot ?? host;
    const out = [];
    const skip = (el) => el.closest(skipSelector);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!el || skip(el) || !el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
      if (el.closest('.sr-only') === null && el.closest('[hidden]')) continue;
      out.push(node.textContent);
    }
    for (const el of root.querySelectorAll('[aria-label], [aria-valuetext], [placeholder], [title], [alt]')) {
      if (skip(el)) continue;
      for (const a of ['aria-label', 'aria-valuetext', 'placeholder', 'title', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
    return out;
  }, MODEL_TEXT);
}

const wordsOf = (text) => (text.replace(QUOTED, ' ').match(LATIN_WORD) ?? []).map((w) => w.toLowerCase());

/** Whether a language is written in Latin letters (most letters of its dictionary are). */
function writtenInLatin(lang) {
  const text = Object.values(DICTIONARIES[lang]).join(' ').replace(/\{\w+\}/g, '');
  return (text.match(/\p{Script=Latin}/gu) ?? []).length > (text.match(/\p{L}/gu) ?? []).length / 2;
}

/**
 * The English words under `locator` in a page in `lang`: every word of Latin letters (three or
 * more) that is not one of TERMS and, for a language written in Latin letters, not one its own
 * dictionary uses. Empty when the page speaks only `lang`.
 * @param {import('@playwright/test').Locator} locator
 * @param {string} lang
 * @returns {Promise<string[]>}
 */
export async function englishWords(locator, lang) {
  const own = new Set(writtenInLatin(lang) ? Object.values(DICTIONARIES[lang]).flatMap(wordsOf) : []);
  const found = new Set((await pageTexts(locator)).flatMap(wordsOf).filter((word) => !TERMS.has(word) && !own.has(word)));
  return [...found].sort();
}

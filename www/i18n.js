// Languages: every label, message and explanatory text comes from a dictionary here, by key.
//
// Markup in the page names its text with data-i18n="key" (the element's content) and
// data-i18n-attr="attribute:key; ..." (attributes). Texts may use **bold** and *emphasis*; they
// are built as DOM nodes, never parsed as HTML.
import en from './locales/en.js';
import { LANGUAGES } from './state.js';

/** English is built in; another language's dictionary is fetched when a reader first asks for it. */
const dictionaries = { en };

/**
 * Loads the dictionary of `lang` (once); English stands in if it cannot be fetched.
 * @param {string} lang
 * @returns {Promise<Record<string, string>>}
 */
export async function loadLanguage(lang) {
  if (!dictionaries[lang] && lang in LANGUAGES) {
    try {
      dictionaries[lang] = (await import(`./locales/${lang}.js`)).default;
    } catch {
      return en; // offline or missing: the page stays readable in English
    }
  }
  return dictionaries[lang] ?? en;
}

/**
 * Marks elements whose text a view writes itself, in its render, so that a change of language
 * rewrites them there: the page's translation (applyTranslations) leaves them alone from now on.
 * @param {Array<Element|null|undefined>} elements
 */
export function writtenByView(elements) {
  for (const element of elements) element?.removeAttribute('data-i18n');
}

/**
 * The language the reader's browser asks for, if the page has it; English otherwise. A tag that
 * names another script than the page's language is written in (zh-TW, Traditional Chinese, where
 * the page's zh is Simplified) matches only if no tag the reader lists matches fully.
 * @returns {string} a key of LANGUAGES
 */
export function browserLanguage() {
  const wanted = (navigator.languages?.length ? navigator.languages : [navigator.language ?? 'en']).map(localeOf).filter(Boolean);
  const script = (locale) => locale.maximize().script;
  const full = wanted.find((locale) => locale.language in LANGUAGES && script(locale) === script(new Intl.Locale(locale.language)));
  return (full ?? wanted.find((locale) => locale.language in LANGUAGES))?.language ?? 'en';
}

/** The locale a language tag names, or null for a tag that is not one. */
function localeOf(tag) {
  try {
    return new Intl.Locale(String(tag));
  } catch {
    return null;
  }
}

/** Languages written from right to left, for browsers that cannot say (Intl.Locale textInfo). */
const RIGHT_TO_LEFT = new Set(['ar', 'ckb', 'dv', 'fa', 'he', 'ps', 'sd', 'ug', 'ur', 'yi']);

/**
 * The direction `lang` is written in, for the page's `dir`.
 * @param {string} lang
 * @returns {'ltr'|'rtl'}
 */
export function textDirection(lang) {
  const locale = localeOf(lang);
  if (!locale) return 'ltr';
  const info = typeof locale.getTextInfo === 'function' ? locale.getTextInfo() : locale.textInfo;
  return info?.direction ?? (RIGHT_TO_LEFT.has(locale.language) ? 'rtl' : 'ltr');
}

/**
 * The placeholders the texts use for the core's facts (web.rs `facts()`), so a text that states a
 * size or a count states the model's own.
 * @param {object|null} facts
 * @param {string} lang the language the numbers are written in
 * @returns {Record<string, number|string>} empty while the module has not loaded
 */
export function factParams(facts, lang) {
  if (!facts) return {};
  return { context: facts.context, width: facts.dModel, blocks: facts.nLayers,
    batch: facts.batchSize, maxVocab: facts.maxVocab, minChars: facts.minChars, evalEvery: facts.evalEvery,
    overfitChars: facts.overfitChars.toLocaleString(lang) };
}

/**
 * A function that gives the text of `key` in `lang` (English until `loadLanguage(lang)` has
 * loaded it), with {name} placeholders filled from `params`, then from `defaults` (a key the
 * language lacks falls back to English, then to the key itself; a placeholder with no value stays
 * as it is).
 * @param {string} lang
 * @param {Record<string, unknown>} [defaults] values for every text (the core's facts)
 * @returns {(key: string, params?: Record<string, unknown>) => string}
 */
export function translator(lang, defaults = {}) {
  const dict = dictionaries[lang] ?? en;
  return (key, params = {}) => {
    const text = dict[key] ?? en[key] ?? key;
    const values = { ...defaults, ...params };
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  };
}

/** A text with a placeholder left unfilled (its value is not known yet). */
const UNFILLED = /\{\w+\}/;

/**
 * Fills `element` with `text`, turning **bold** and *emphasis* into <strong> and <em> nodes.
 * @param {Element} element
 * @param {string} text
 */
export function setRichText(element, text) {
  const nodes = [];
  const pattern = /\*\*(.+?)\*\*|\*(.+?)\*/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    const node = document.createElement(match[1] !== undefined ? 'strong' : 'em');
    node.textContent = match[1] ?? match[2];
    nodes.push(node);
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  // The same words already there (the English markup, on the first translation) are left alone:
  // written again they would be painted again, and a browser would count the page's largest text
  // as appearing only then, after every script and the wasm.
  const fresh = document.createElement('span');
  fresh.append(...nodes);
  const same = (html) => html.replace(/\s+/g, ' ').trim();
  if (same(fresh.innerHTML) === same(element.innerHTML)) return;
  element.replaceChildren(...fresh.childNodes);
}

/**
 * Writes every data-i18n text and data-i18n-attr attribute under `root` in the language of `t`
 * (texts still waiting for a fact keep what the markup says).
 * @param {ParentNode} root
 * @param {(key: string) => string} t
 */
export function applyTranslations(root, t) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    // A text whose facts are not known yet keeps the markup's until they are.
    const text = t(element.dataset.i18n);
    if (!UNFILLED.test(text)) setRichText(element, text);
  }
  for (const element of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of element.dataset.i18nAttr.split(';')) {
      const [attribute, key] = pair.split(':').map((s) => s.trim());
      if (attribute && key) element.setAttribute(attribute, t(key));
    }
  }
}

// Texts: every language's dictionary and sample text, the core's facts in them, the core's errors
// in the reader's language, and numbers and directions as each language writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { wasm, formatter } from './core.mjs';
import { translator, browserLanguage, textDirection } from '../../www/i18n.js';
import en from '../../www/locales/en.js';
import { errorText, percent, fixed, tokenLabel } from '../../www/format.js';
import { SETTINGS, LANGUAGES } from '../../www/state.js';
import { lossAxes } from '../../www/training-run.js';
import { SAMPLE_CHARS } from '../../www/owntext-view.js';

const www = new URL('../../www/', import.meta.url);

/** Every language's dictionary, found from the one list of languages. */
const dictionaries = Object.fromEntries(await Promise.all(Object.keys(LANGUAGES)
  .map(async (lang) => [lang, (await import(`../../www/locales/${lang}.js`)).default])));

test('the languages are the dictionaries in www/locales, and each other than English has its sample text', () => {
  const files = (folder, ext) => readdirSync(new URL(folder, www)).filter((f) => f.endsWith(ext)).map((f) => f.slice(0, -ext.length));
  assert.deepEqual(files('locales/', '.js').sort(), Object.keys(LANGUAGES).sort(), 'a dictionary with no line in LANGUAGES, or the other way');
  const samples = new Set(files('corpus/', '.txt'));
  for (const lang of Object.keys(LANGUAGES).filter((l) => l !== 'en')) {
    assert.ok(samples.has(lang), `www/corpus/${lang}.txt: the own-text view offers it in ${lang}`);
    const text = readFileSync(new URL(`corpus/${lang}.txt`, www), 'utf8');
    assert.ok([...text].length >= 3000, `${lang}: ${[...text].length} characters`);
    // The part the sample button fills in is a text the core trains on.
    wasm.Demo.fromText(text.slice(0, SAMPLE_CHARS), 'flex', 1).free();
  }
});

const placeholders = (text) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));

test('every language has every text, with the same placeholders as English', () => {
  for (const [lang, words] of Object.entries(dictionaries)) {
    assert.deepEqual(Object.keys(words).sort(), Object.keys(en).sort(), lang);
    for (const key of Object.keys(en)) assert.deepEqual(placeholders(words[key]), placeholders(en[key]), `${lang}: ${key}`);
  }
});

test('sizes and counts in the texts are the core\'s', () => {
  const facts = wasm.facts();
  for (const lang of Object.keys(LANGUAGES)) {
    const { t } = formatter(lang);
    assert.match(t('app.intro'), new RegExp(`${facts.nLayers}\\D+${facts.dModel}\\D+${facts.context}`));
    assert.match(t('own.count', { n: 5 }), new RegExp(String(facts.minChars)));
    assert.match(t('dropout.explain3'), new RegExp(String(facts.batchSize)));
  }
  // A link's k may name any size the core's vocabulary can reach.
  assert.equal(SETTINGS.k.max, facts.maxVocab);
  // Before the core has loaded, a text with a fact keeps its placeholder (the markup's text stays).
  assert.match(translator('en')('own.count', { n: 5 }), /\{minChars\}/);
});

test('an error of the core is worded by its code; any other error keeps its message', () => {
  let short;
  try {
    wasm.Demo.fromText('x'.repeat(20) + 'y', 'flex', 1);
  } catch (err) {
    short = err;
  }
  assert.equal(short.code, 'text_too_short');
  assert.match(errorText(short, formatter('ja')), /21 文字/);
  assert.equal(errorText(short, formatter('en')), short.message, 'English words it as the core does');
  let badK;
  try {
    wasm.nextToken(new Float32Array([0, 1]), { k: 0 });
  } catch (err) {
    badK = err;
  }
  assert.equal(badK.code, 'invalid_argument');
  assert.equal(badK.params.name, 'k');
  assert.equal(errorText(new Error('plain'), formatter('ja')), 'plain');
  assert.equal(errorText('text', formatter('en')), 'text');
});

test('numbers, percentages and chart ticks are written as the language writes them', () => {
  for (const lang of Object.keys(LANGUAGES)) {
    const fmt = formatter(lang);
    const point = new Intl.NumberFormat(lang).formatToParts(1.5).find((p) => p.type === 'decimal').value;
    assert.equal(fmt.number(1, 2), `1${point}00`, lang);
    assert.equal(lossAxes(52, fmt).number(1.5, 1), `1${point}5`, lang);
    assert.match(percent(0.1234, fmt), new RegExp(`12\\${point}3`), lang);
    assert.match(percent(0.0001, fmt), new RegExp(`^<0\\${point}1`), lang);
  }
  assert.equal(formatter('es').number(0.9, 2), '0,90');
  assert.equal(percent(0.1234, formatter('es')), '12,3\u00a0%');
  assert.equal(percent(0.1234, formatter('en')), '12.3%');
});

test('the page takes the reader\'s language where it has it, and its direction', () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const asks = (languages) => {
    Object.defineProperty(globalThis, 'navigator', { value: { languages }, configurable: true });
    return browserLanguage();
  };
  try {
    for (const lang of Object.keys(LANGUAGES)) assert.equal(asks([lang]), lang);
    assert.equal(asks(['es-MX', 'en']), 'es');
    assert.equal(asks(['zh-CN']), 'zh');
    // Traditional Chinese: English if the reader reads it, Simplified Chinese rather than nothing.
    assert.equal(asks(['zh-TW', 'en']), 'en');
    assert.equal(asks(['zh-Hant']), 'zh');
    assert.equal(asks(['tlh', 'not a tag']), 'en');
  } finally {
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete globalThis.navigator;
  }
  for (const lang of Object.keys(LANGUAGES)) assert.equal(textDirection(lang), 'ltr');
  assert.equal(textDirection('ar'), 'rtl');
  assert.equal(textDirection('he'), 'rtl');
});

test('numbers are never NaN on screen, and invisible characters get a label', () => {
  const en = formatter('en');
  assert.equal(percent(NaN, en), '–');
  assert.equal(percent(0.0001, en), '<0.1%');
  assert.equal(percent(0.1234, en), '12.3%');
  assert.equal(fixed(Infinity, 2, en), '–');
  assert.equal(tokenLabel(' '), '␣');
  assert.equal(tokenLabel('\n'), '↵');
});

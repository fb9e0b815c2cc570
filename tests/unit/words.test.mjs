// Texts: both dictionaries, the core's facts in them, and the core's errors in the reader's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasm, formatter } from './core.mjs';
import { translator } from '../../www/i18n.js';
import en from '../../www/locales/en.js';
import { errorText, percent, fixed, tokenLabel } from '../../www/format.js';
import { SETTINGS, LANGUAGES } from '../../www/state.js';

/** Every language's dictionary, found from the one list of languages. */
const dictionaries = Object.fromEntries(await Promise.all(Object.keys(LANGUAGES)
  .map(async (lang) => [lang, (await import(`../../www/locales/${lang}.js`)).default])));

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

test('numbers are never NaN on screen, and invisible characters get a label', () => {
  const en = formatter('en');
  assert.equal(percent(NaN, en), '–');
  assert.equal(percent(0.0001, en), '<0.1%');
  assert.equal(percent(0.1234, en), '12.3%');
  assert.equal(fixed(Infinity, 2, en), '–');
  assert.equal(tokenLabel(' '), '␣');
  assert.equal(tokenLabel('\n'), '↵');
});

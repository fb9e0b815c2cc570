// Settings: reading a link, writing it back, and the per-demo subscriptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS, parseSetting, settingsFromQuery, queryFromState, createState } from '../../www/state.js';

test('a link is read with every problem listed and bad values left at their defaults', () => {
  const { values, problems, present } = settingsFromQuery('?k=7&temperature=nan&top_p=2&view=nope&k=9&zz=1');
  assert.equal(values.k, 7);
  assert.equal(values.top_p, 1, 'clamped to the range');
  assert.equal('temperature' in values, false);
  assert.deepEqual(problems.map((p) => p.key).sort(),
    ['link.choice', 'link.notNumber', 'link.range', 'link.repeated', 'link.unknown'].sort());
  assert.ok(present.has('k') && !present.has('temperature'));
});

test('integers snap, numbers clamp, choices and lists keep only known values', () => {
  assert.equal(parseSetting('k', '2.6').value, 3);
  assert.equal(parseSetting('seed', '-5').value, 0);
  assert.equal(parseSetting('mc_dropout', '1').value, true);
  assert.deepEqual(parseSetting('hide', 'k,bogus,k').value, ['k']);
  assert.equal(parseSetting('prompt', 'x'.repeat(600)).value.length, SETTINGS.prompt.maxLength);
});

test('the query names what differs from the defaults and what the link named', () => {
  const { state, set } = createState();
  assert.equal(queryFromState(state), '');
  set('k', 5);
  set('temperature', 0.5);
  assert.equal(queryFromState(state, new Set(['seed'])), '?k=5&temperature=0.5&seed=42');
  const again = settingsFromQuery(queryFromState(state)).values;
  assert.equal(again.k, 5);
  assert.equal(again.temperature, 0.5);
});

test('a subscriber hears only the settings it names, once per real change', () => {
  const { set, subscribe } = createState();
  const heard = [];
  const all = [];
  subscribe(['k', 'temperature'], (name) => heard.push(name));
  const stop = subscribe('*', (name) => all.push(name));
  set('k', 4);
  set('k', 4); // no change
  set('dropout_p', 0.5);
  set('temperature', 'warm'); // not a number: kept
  stop();
  set('temperature', 2);
  assert.deepEqual(heard, ['k', 'temperature']);
  assert.deepEqual(all, ['k', 'dropout_p']);
});

test('two demos keep their own settings', () => {
  const a = createState({ k: 2 });
  const b = createState();
  a.set('k', 9);
  assert.equal(b.state.k, SETTINGS.k.default);
  assert.equal(a.state.k, 9);
});

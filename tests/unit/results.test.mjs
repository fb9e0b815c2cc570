// The teacher's results: answers read from the three formats a course has them in, and the
// normalised gain computed as Hake defined it, g = (post − pre) / (1 − pre).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnswers, classResults, resultsViewModel } from '../../www/results-view.js';
import { CHECK_ITEMS } from '../../www/check-view.js';
import { formatter } from './core.mjs';

const [first, second] = CHECK_ITEMS.map((item) => item.id);

test('answers are read from event details, lines of JSON, a CSV and a statement export alike', () => {
  const events = [
    { item: first, phase: 'before', choice: 'a', correct: false, ms: 900 },
    { item: first, phase: 'after', choice: 'b', correct: true, ms: 700 },
    { type: 'dropout-topk:height', height: 300 }, // not an answer
  ];
  assert.deepEqual(parseAnswers(JSON.stringify(events)).answers.map(({ item, phase, correct }) => ({ item, phase, correct })),
    [{ item: first, phase: 'before', correct: false }, { item: first, phase: 'after', correct: true }]);
  assert.equal(parseAnswers(JSON.stringify(events)).skipped, 1);
  assert.equal(parseAnswers(events.map((e) => JSON.stringify(e)).join('\n')).answers.length, 2);
  const csv = `learner,item,phase,correct\n"Ada, L.",${first},before,false\nBo,${first},after,TRUE\nBo,${second},after,1`;
  assert.deepEqual(parseAnswers(csv).answers.map((a) => [a.learner, a.correct]), [['Ada, L.', false], ['Bo', true], ['Bo', true]]);
  const statement = (item, phase, success) => ({
    actor: { mbox: 'mailto:ada@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
    object: { id: `https://example.org/index.html?view=check&item=${item}` }, result: { success, response: 'b' },
    context: { extensions: { 'https://example.org/xapi/extensions/phase': phase } },
  });
  const completed = { verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://example.org/check' } };
  const exported = { statements: [statement(first, 'before', false), statement(second, 'after', true), completed], more: '' };
  const read = parseAnswers(JSON.stringify(exported));
  assert.deepEqual(read.answers.map(({ item, phase, correct }) => [item, phase, correct]), [[first, 'before', false], [second, 'after', true]]);
  assert.equal(read.skipped, 1);
  assert.deepEqual(parseAnswers('not answers at all').answers, []);
});

test('the normalised gain: per question and for the class, from the shares right before and after', () => {
  // Four learners: before, 1 of 4 right on the first question; after, 3 of 4.
  const answers = [
    ...[true, false, false, false].map((correct) => ({ item: first, phase: 'before', correct })),
    ...[true, true, true, false].map((correct) => ({ item: first, phase: 'after', correct })),
    { item: second, phase: 'before', correct: true },
    { item: second, phase: 'after', correct: true },
  ];
  const results = classResults(answers);
  const row = results.rows.find((r) => r.id === first);
  assert.equal(row.before, 0.25);
  assert.equal(row.after, 0.75);
  assert.ok(Math.abs(row.gain - (0.75 - 0.25) / (1 - 0.25)) < 1e-12);
  // All right before: no room to gain, so g is undefined rather than a division by zero.
  assert.equal(results.rows.find((r) => r.id === second).gain, null);
  // The class: 2 of 5 right before, 4 of 5 after.
  assert.ok(Math.abs(results.gain - (0.8 - 0.4) / (1 - 0.4)) < 1e-12);
  // Nothing on screen is NaN: unanswered questions read as a dash.
  const vm = resultsViewModel({ results, skipped: 0 }, formatter('en'));
  assert.ok(vm.rows.every((r) => !/NaN/.test(`${r.before}${r.after}${r.gain}`)));
  assert.equal(vm.rows.find((r) => r.number === 3).before, '–');
});

// The learning check: eight multiple-choice questions, each aimed at one way learners confuse the
// two kinds of randomness, answered before the page (phase "before") and again after it ("after",
// the same questions with their options in another order). Each answer is told at once, with why
// and the view that shows it (predict, then see). The answers stay in the tab only, and leave the
// element as its `answer` and `checkdone` events, which the iframe page and the notebook widget
// pass on to their hosts.
//
// checkViewModel turns the answers into plain data, renderCheck writes it, createCheckView wires it.
import { setLiveText } from './format.js';
import { VIEWS } from './state.js';
import { xapiReporter } from './xapi.js';
import { activityIri, pageUrl } from './load.js';

/**
 * The questions. `answer` is the right option; `see` is the view that shows why; `pinned` names
 * the tests that pin the right answer where it is a fact of the model. Texts: check.<id>.q, .a–.d,
 * .why in every dictionary.
 */
export const CHECK_ITEMS = Object.freeze([
  // The same prompt giving a different answer means the model changed.
  { id: 'redraw', answer: 'b', see: 'topk', pinned: 'tests/unit/check.test.mjs: one model, two seeds' },
  // Temperature is a creativity dial.
  { id: 'temperature', answer: 'c', see: 'topk', pinned: 'tests/unit/check.test.mjs: temperature' },
  // Greedy decoding gives the same text for every model.
  { id: 'greedy', answer: 'd', see: 'contrast', pinned: 'tests/unit/check.test.mjs: two models, greedy' },
  // Top-k keeps a fixed count where top-p adapts.
  { id: 'cut', answer: 'a', see: 'topk', pinned: 'tests/model.rs: the_harbour_is_leaves_one_character_within_top_p' },
  // Dropout acts when generating.
  { id: 'inference', answer: 'b', see: 'dropout', pinned: 'tests/unit/check.test.mjs: dropout off at inference' },
  // Dropout zeroes weights, or removes neurons for good.
  { id: 'zeroed', answer: 'c', see: 'dropout', pinned: 'tests/unit/check.test.mjs: a new mask each step' },
  // Why survivors are scaled by 1 / (1 - p).
  { id: 'scale', answer: 'a', see: 'dropout', pinned: 'tests/unit/check.test.mjs: the mean is kept' },
  // Which randomness made a given difference.
  { id: 'which', answer: 'b', see: 'contrast', pinned: 'tests/unit/check.test.mjs: two models, one seed' },
]);

/** The options of every question, in the order of the before form. */
export const OPTIONS = ['a', 'b', 'c', 'd'];

/** The two forms of the check. */
export const PHASES = ['before', 'after'];

/**
 * The options of a question in the order a phase shows them: the after form reverses them, so a
 * remembered position is no help and the right answer moves.
 * @param {'before'|'after'} phase
 * @returns {string[]}
 */
export function optionOrder(phase) {
  return phase === 'after' ? [...OPTIONS].reverse() : OPTIONS;
}

/**
 * The score of a phase.
 * @param {Record<string, {choice: string, correct: boolean}>} answers the phase's answers by item
 * @returns {{score: number, of: number, answered: number}}
 */
export function scoreOf(answers) {
  const given = Object.values(answers);
  return { score: given.filter((a) => a.correct).length, of: CHECK_ITEMS.length, answered: given.length };
}

/**
 * What the check shows.
 * @param {{phase: 'before'|'after', answers: {before: object, after: object}, pageViews: string[]}} input
 *   pageViews: the views this page holds (a "see it" link scrolls there; elsewhere it opens the page)
 * @param {{t: Function}} fmt
 */
export function checkViewModel({ phase, answers, pageViews }, fmt) {
  const mine = answers[phase];
  const items = CHECK_ITEMS.map((item, i) => {
    const given = mine[item.id];
    return {
      id: item.id,
      number: i + 1,
      question: fmt.t(`check.${item.id}.q`),
      options: optionOrder(phase).map((key) => ({ key, text: fmt.t(`check.${item.id}.${key}`), chosen: given?.choice === key,
        right: given ? key === item.answer : null })),
      verdict: given ? fmt.t(given.correct ? 'predict.right' : 'predict.wrong') : '',
      why: given ? fmt.t(`check.${item.id}.why`) : '',
      see: given ? { view: item.see, text: fmt.t('check.see', { view: fmt.t(`nav.${item.see}`) }), local: pageViews.includes(item.see) } : null,
    };
  });
  const before = scoreOf(answers.before);
  const after = scoreOf(answers.after);
  const done = (s) => s.answered === s.of;
  return {
    phase,
    items,
    score: fmt.t('check.score', { score: scoreOf(mine).score, of: CHECK_ITEMS.length, answered: scoreOf(mine).answered }),
    compare: done(before) && done(after)
      ? { text: fmt.t('check.compare', { before: before.score, after: after.score, of: before.of }),
        rows: CHECK_ITEMS.map((item, i) => ({ number: i + 1, before: answers.before[item.id].correct, after: answers.after[item.id].correct })) }
      : null,
    nextLabel: phase === 'before' && done(before) ? fmt.t('check.toPage') : '',
  };
}

/** Writes one question: its options as radio buttons, and once answered, the verdict and why. */
function renderItem(item, phase) {
  const fieldset = document.createElement('fieldset');
  fieldset.className = 'check-item';
  fieldset.dataset.item = item.id;
  const legend = document.createElement('legend');
  legend.textContent = `${item.number}. ${item.question}`;
  fieldset.append(legend);
  for (const option of item.options) {
    const label = document.createElement('label');
    label.className = 'check-option';
    if (option.right !== null) label.classList.add(option.right ? 'right' : option.chosen ? 'wrong' : 'other');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = `check-${phase}-${item.id}`;
    input.value = option.key;
    input.checked = option.chosen;
    input.disabled = option.right !== null; // answered: the first choice counts
    label.append(input, ` ${option.text}`);
    fieldset.append(label);
  }
  if (item.verdict) {
    const answer = document.createElement('p');
    answer.className = 'answer';
    const verdict = document.createElement('strong');
    verdict.textContent = item.verdict;
    const link = document.createElement('a');
    link.textContent = item.see.text;
    const href = item.see.local ? `#${item.see.view}-view` : pageUrl(`index.html?view=${item.see.view}#${item.see.view}-view`);
    if (href) link.href = href; // where there is no page to open (a notebook), the words stay
    answer.append(verdict, ` ${item.why} `, link);
    fieldset.append(answer);
  }
  return fieldset;
}

/** Writes the before-and-after table once both forms are done. */
function renderCompare(element, compare, t) {
  element.hidden = !compare;
  if (!compare) return;
  const caption = document.createElement('caption');
  caption.textContent = compare.text;
  const head = document.createElement('tr');
  for (const key of ['check.question', 'check.before', 'check.after']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = t(key);
    head.append(th);
  }
  const rows = compare.rows.map((row) => {
    const tr = document.createElement('tr');
    const cells = [String(row.number), t(row.before ? 'check.gotRight' : 'check.gotWrong'), t(row.after ? 'check.gotRight' : 'check.gotWrong')];
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  const table = document.createElement('table');
  table.append(caption, head, ...rows);
  element.replaceChildren(table);
}

/**
 * Writes the view model into the check's elements.
 * @param {object} els
 * @param {ReturnType<typeof checkViewModel>} vm
 * @param {{t: Function}} fmt
 */
export function renderCheck(els, vm, fmt) {
  for (const radio of els.phaseRadios) radio.checked = radio.value === vm.phase;
  els.items.replaceChildren(...vm.items.map((item) => renderItem(item, vm.phase)));
  setLiveText(els.score, vm.score);
  renderCompare(els.compare, vm.compare, fmt.t);
  els.next.hidden = !vm.nextLabel;
  els.next.textContent = vm.nextLabel;
}

/** The check's identifier as an xAPI activity (an IRI): the check's own page. */
const CHECK_ID = activityIri('index.html?view=check');

/**
 * A question in the reader's words, for a record store: its id, question, options and answer.
 * @returns {{id: string, question: string, options: Array<{key: string, text: string}>, answer: string}}
 */
export function itemWords(item, fmt) {
  return { id: item.id, question: fmt.t(`check.${item.id}.q`), answer: item.answer,
    options: OPTIONS.map((key) => ({ key, text: fmt.t(`check.${item.id}.${key}`) })) };
}

/** Where a tab keeps its answers: one entry per page (the element, the iframe and the page alike). */
const STORAGE_KEY = `dropout-topk:check:${typeof location === 'undefined' ? '' : location.pathname}`;

function keptAnswers() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (kept && typeof kept.before === 'object' && typeof kept.after === 'object') return kept;
  } catch {
    // No storage, or not ours: start empty.
  }
  return { before: {}, after: {} };
}

function keepAnswers(answers) {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(answers));
  } catch {
    // No storage: the answers last as long as the page.
  }
}

/**
 * Wires the check.
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void, answers: () => object}}
 */
export function createCheckView(demo) {
  const { $, state } = demo;
  const els = {
    items: $('check-items'), score: $('check-score'), compare: $('check-compare'), next: $('check-next'),
    phaseRadios: [...demo.root.querySelectorAll('input[name="phase"]')],
  };
  const answers = keptAnswers();
  // A Learning Record Store, when the author named one (or a cmi5 player launched the page).
  const reporter = xapiReporter(demo.launch, { checkId: CHECK_ID, lang: () => state.lang, onError: demo.showError });
  // When the current form was shown, or its last question answered: the time an answer took.
  let shownAt = performance.now();
  const pageViews = VIEWS.filter((view) => view !== 'check' && demo.$(`${view}-view`));

  const render = () => renderCheck(els, checkViewModel({ phase: state.phase, answers, pageViews }, demo), demo);
  const redraw = () => demo.requestRender('check', render);

  els.items.addEventListener('change', (event) => {
    const input = event.target;
    const fieldset = input.closest('[data-item]');
    if (!fieldset || input.type !== 'radio') return;
    const item = CHECK_ITEMS.find((i) => i.id === fieldset.dataset.item);
    const phase = state.phase;
    if (answers[phase][item.id]) return; // the first choice counts
    const correct = input.value === item.answer;
    // The time this question took: since the form was shown or the last question answered.
    const ms = Math.round(performance.now() - shownAt);
    shownAt = performance.now();
    answers[phase][item.id] = { choice: input.value, correct, ms };
    keepAnswers(answers);
    const detail = { item: item.id, phase, choice: input.value, correct, ms };
    demo.emit('answer', detail);
    reporter?.answered(itemWords(item, demo), detail);
    const { score, of, answered } = scoreOf(answers[phase]);
    if (answered === of) {
      demo.emit('checkdone', { phase, score, of });
      reporter?.completed({ phase, score, of });
    }
    redraw();
  });
  for (const radio of els.phaseRadios) radio.addEventListener('change', () => { if (radio.checked) demo.set('phase', radio.value); });
  els.next.addEventListener('click', () => {
    const target = demo.$('topk-view');
    if (target) target.scrollIntoView();
    else if (pageUrl('index.html')) location.href = pageUrl('index.html');
  });
  demo.subscribe(['phase'], () => { shownAt = performance.now(); });
  demo.subscribe(['phase', 'lang'], redraw);
  return { redraw, answers: () => structuredClone(answers) };
}

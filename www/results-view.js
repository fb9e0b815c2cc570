// The class at a glance, for the teacher (view=results): answers of the learning check, pasted or
// dropped as the element's events (JSON), a CSV, or a record store's statement export, shown per
// question before and after, with the normalised gain (Hake's g). Everything is computed in the
// page; nothing is uploaded.
//
// parseAnswers reads the three formats, classResults sums them up, resultsViewModel words them,
// renderResults writes them, createResultsView wires it.
import { CHECK_ITEMS } from './check-view.js';
import { percent, setLiveText } from './format.js';

/**
 * One answer as the check's `answer` event gives it (other fields are kept but not read).
 * @typedef {{item: string, phase: 'before'|'after', correct: boolean, learner?: string}} Answer
 */

const ITEM_IDS = new Set(CHECK_ITEMS.map((item) => item.id));

/** The item a statement's activity id names: `…&item=redraw`, `…#redraw` or `…/redraw`. */
function itemOfActivity(id) {
  const match = /(?:[?&]item=|#|\/)([a-z]+)$/.exec(String(id ?? ''));
  return match && ITEM_IDS.has(match[1]) ? match[1] : null;
}

/** An answer from an xAPI statement, or null if the statement is not one. */
function fromStatement(statement) {
  if (!String(statement?.verb?.id ?? '').endsWith('/answered')) return null;
  const item = itemOfActivity(statement.object?.id);
  const extensions = statement.context?.extensions ?? {};
  const phase = Object.entries(extensions).find(([key]) => /phase$/i.test(key))?.[1];
  if (!item || !['before', 'after'].includes(phase) || typeof statement.result?.success !== 'boolean') return null;
  const actor = statement.actor ?? {};
  return { item, phase, correct: statement.result.success, learner: actor.mbox ?? actor.account?.name ?? actor.name };
}

/** An answer from an event's detail, or null. */
function fromEvent(detail) {
  if (!detail || !ITEM_IDS.has(detail.item) || !['before', 'after'].includes(detail.phase) || typeof detail.correct !== 'boolean') return null;
  return { item: detail.item, phase: detail.phase, correct: detail.correct, learner: detail.learner };
}

/** The cells of one CSV line (commas, double quotes around a cell, "" for a quote inside). */
function csvCells(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/** Answers from a CSV with a header row naming at least `item`, `phase` and `correct`. */
function fromCsv(text) {
  const [head, ...lines] = text.split(/\r?\n/).filter((line) => line.trim());
  const columns = csvCells(head).map((name) => name.toLowerCase());
  const at = (name) => columns.indexOf(name);
  if (at('item') < 0 || at('phase') < 0 || at('correct') < 0) return null;
  return lines.map((line) => {
    const cells = csvCells(line);
    const correct = { true: true, 1: true, yes: true, false: false, 0: false, no: false }[cells[at('correct')]?.toLowerCase()];
    return fromEvent({ item: cells[at('item')], phase: cells[at('phase')], correct, learner: at('learner') >= 0 ? cells[at('learner')] : undefined });
  });
}

/**
 * Reads answers from pasted or dropped text: a JSON array (or lines of JSON) of the `answer`
 * events' details or of xAPI statements, an LRS's export (`{ statements: [...] }`), or a CSV.
 * @param {string} text
 * @returns {{answers: Answer[], skipped: number}} skipped: entries that are not answers
 */
export function parseAnswers(text) {
  const trimmed = text.trim();
  let entries = null;
  if (/^[[{]/.test(trimmed)) {
    try {
      const data = JSON.parse(trimmed);
      entries = Array.isArray(data) ? data : data.statements ?? [data];
    } catch {
      // Lines of JSON, one object each (as a log of events is often kept).
      try {
        entries = trimmed.split(/\r?\n/).filter((line) => line.trim()).map((line) => JSON.parse(line));
      } catch {
        entries = null;
      }
    }
  }
  const found = entries
    ? entries.map((entry) => (entry && typeof entry === 'object' && 'verb' in entry ? fromStatement(entry) : fromEvent(entry?.detail ?? entry)))
    : fromCsv(trimmed) ?? [];
  const answers = found.filter(Boolean);
  return { answers, skipped: found.length - answers.length };
}

/**
 * Per question and for the whole check: the share of right answers before and after, and the
 * normalised gain g = (after − before) / (1 − before) (Hake 1998), where both are known and
 * before < 1.
 * @param {Answer[]} answers
 */
export function classResults(answers) {
  const share = (list) => (list.length ? list.filter((a) => a.correct).length / list.length : null);
  const gain = (before, after) => (before === null || after === null || before >= 1 ? null : (after - before) / (1 - before));
  const rows = CHECK_ITEMS.map((item, i) => {
    const mine = answers.filter((a) => a.item === item.id);
    const before = mine.filter((a) => a.phase === 'before');
    const after = mine.filter((a) => a.phase === 'after');
    const [b, a] = [share(before), share(after)];
    return { id: item.id, number: i + 1, nBefore: before.length, nAfter: after.length, before: b, after: a, gain: gain(b, a) };
  });
  const all = (phase) => share(answers.filter((a) => a.phase === phase));
  const [before, after] = [all('before'), all('after')];
  return { rows, before, after, gain: gain(before, after), answers: answers.length };
}

/**
 * What the results view shows.
 * @param {{results: ReturnType<typeof classResults>|null, skipped: number, error?: string}} input
 * @param {{t: Function, number: Function}} fmt
 */
export function resultsViewModel({ results, skipped, error }, fmt) {
  const pct = (x) => (x === null ? '–' : percent(x, fmt, 0));
  const g = (x) => (x === null ? '–' : fmt.number(x, 2));
  if (!results) return { summary: error ?? fmt.t('results.empty'), rows: [] };
  return {
    summary: fmt.t('results.summary', { n: results.answers, before: pct(results.before), after: pct(results.after), gain: g(results.gain),
      skipped: skipped ? fmt.t('results.skipped', { n: skipped }) : '' }),
    rows: results.rows.map((row) => ({
      number: row.number, question: fmt.t(`check.${row.id}.q`), before: pct(row.before), after: pct(row.after), gain: g(row.gain),
      barBefore: row.before ?? 0, barAfter: row.after ?? 0, counts: fmt.t('results.counts', { before: row.nBefore, after: row.nAfter }),
    })),
  };
}

/** A bar of a share, as wide as the share (the numbers are in the table). */
function bar(kind, share) {
  const span = document.createElement('span');
  span.className = `result-bar ${kind}`;
  span.style.width = `${(share * 100).toFixed(1)}%`;
  return span;
}

/**
 * Writes the view model: the summary, a chart of before and after per question (the table is its
 * text alternative), and the table.
 */
export function renderResults(els, vm, fmt) {
  setLiveText(els.summary, vm.summary);
  els.chart.hidden = vm.rows.length === 0;
  els.table.hidden = vm.rows.length === 0;
  els.chart.replaceChildren(...vm.rows.map((row) => {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.className = 'result-label';
    label.textContent = String(row.number);
    const bars = document.createElement('span');
    bars.className = 'result-bars';
    bars.append(bar('before', row.barBefore), bar('after', row.barAfter));
    li.append(label, bars);
    return li;
  }));
  const head = document.createElement('tr');
  for (const key of ['check.question', 'check.before', 'check.after', 'results.gain']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = fmt.t(key);
    head.append(th);
  }
  const rows = vm.rows.map((row) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = `${row.number}. ${row.question}`;
    tr.append(th);
    for (const text of [row.before, row.after, row.gain]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    tr.title = row.counts;
    return tr;
  });
  const caption = document.createElement('caption');
  caption.textContent = fmt.t('results.caption');
  els.table.replaceChildren(caption, head, ...rows);
}

/**
 * Wires the results view: paste and Show, or drop a file.
 * @param {object} demo the demo's objects (app.js)
 * @returns {{redraw: () => void}}
 */
export function createResultsView(demo) {
  const { $ } = demo;
  const els = { input: $('results-input'), show: $('results-show'), file: $('results-file'), summary: $('results-summary'),
    chart: $('results-chart'), table: $('results-table'), drop: $('results-view') };
  // On the full page the section stays hidden: it is the teacher's page, opened as view=results.
  if (!demo.$('topk-view')) els.drop.hidden = false;
  let shown = { results: null, skipped: 0 };
  const render = () => renderResults(els, resultsViewModel(shown, demo), demo);
  const redraw = () => demo.requestRender('results', render);
  const read = (text) => {
    const { answers, skipped } = parseAnswers(text);
    shown = answers.length ? { results: classResults(answers), skipped }
      : { results: null, skipped, error: demo.t('results.none') };
    redraw();
  };
  els.show.addEventListener('click', () => read(els.input.value));
  els.file.addEventListener('change', async () => {
    const [file] = els.file.files;
    if (file) read(els.input.value = await file.text());
  });
  els.drop.addEventListener('dragover', (event) => event.preventDefault());
  els.drop.addEventListener('drop', async (event) => {
    event.preventDefault();
    const [file] = event.dataTransfer.files;
    if (file) read(els.input.value = await file.text());
  });
  demo.subscribe(['lang'], redraw);
  return { redraw };
}

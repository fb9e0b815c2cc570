// Lists the pages keep in two places, each checked against its one source: the modules a page
// preloads against the imports of its entry script (scripts/preload.mjs writes them), and the
// English texts written in index.html's markup against locales/en.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { checkPage, pages, preloadList, staleComputedImports } from '../../scripts/preload.mjs';
import en from '../../www/locales/en.js';

const www = new URL('../../www/', import.meta.url);

// --- Preloads -----------------------------------------------------------------------------------

test('each page preloads exactly the modules its entry script imports, in import order', () => {
  for (const page of ['index.html', 'embed.html']) assert.ok(pages().includes(page), `www/${page} has no modulepreload block`);
  for (const page of pages()) {
    const { problems, entries } = checkPage(page);
    assert.deepEqual(problems, [], `www/${page} (entry ${entries.join(', ')}) is out of date: `
      + `${problems.join('; ')}. Run node scripts/preload.mjs`);
  }
  assert.deepEqual(staleComputedImports(), []);
  // The wasm glue, imported from a computed address, follows the module that imports it.
  const list = preloadList(['main.js']);
  assert.equal(list[list.indexOf('app.js') + 1], 'pkg/dropout_topk.js');
});

test('the preload check names a module missing from a page, one it no longer imports, and a wrong order', () => {
  const root = mkdtempSync(join(tmpdir(), 'preload-'));
  try {
    const write = (path, text) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('www/main.js', "import { a } from './a.js';\nimport './views/b.js';\n// import { old } from './old.js';\nconst later = () => import('./lazy.js');\n");
    write('www/a.js', "export { c } from './c.js';\nexport const a = `import x from './not.js'`;\n");
    write('www/views/b.js', "import { a } from '../a.js';\nexport * from './d.js';\n");
    write('www/c.js', 'export const c = 1;\n');
    write('www/views/d.js', 'export const d = 1;\n');
    const page = (links) => `<!doctype html>\n<head>\n${links}\n<script type="module" src="main.js"></script>\n</head>\n`;
    const link = (href) => `<link rel="modulepreload" href="${href}">`;
    const fresh = [
      '<!-- modulepreload: written by scripts/preload.mjs from the imports of main.js -->',
      ...['a.js', 'c.js', 'views/b.js', 'views/d.js'].map(link),
      '<!-- /modulepreload -->',
    ].join('\n');

    write('www/index.html', page(fresh));
    assert.deepEqual(checkPage('index.html', { root }).problems, []);
    assert.deepEqual(checkPage('index.html', { root }).expected, ['a.js', 'c.js', 'views/b.js', 'views/d.js']);

    // A module dropped from the list, one renamed in the code but not in the list.
    write('www/index.html', page(fresh.replace(link('c.js'), link('c-old.js'))));
    const { problems, updated } = checkPage('index.html', { root });
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0], /not preloaded.*c\.js/);
    assert.match(problems[1], /no module imports it.*c-old\.js/);
    assert.equal(updated, page(fresh)); // what writing the page gives

    // The same modules in another order.
    write('www/index.html', page(fresh.replace(`${link('a.js')}\n${link('c.js')}`, `${link('c.js')}\n${link('a.js')}`)));
    assert.match(checkPage('index.html', { root }).problems.join(), /not in import order/);

    // Links without the marker comments (a page as written by hand): found, and reported.
    write('www/index.html', page(['a.js', 'c.js', 'views/b.js', 'views/d.js'].map(link).join('\n')));
    assert.match(checkPage('index.html', { root }).problems.join(), /no marker comments/);
    assert.equal(checkPage('index.html', { root }).updated, page(fresh));

    // An import of a file that is not there is an error, not a shorter list.
    write('www/views/d.js', "import './gone.js';\n");
    assert.throws(() => checkPage('index.html', { root }), /views\/d\.js imports views\/gone\.js/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// --- English texts in the markup ----------------------------------------------------------------

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style']);
const ESCAPABLE_RAW_TEXT = new Set(['title', 'textarea']);
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decode(text, where) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name) => {
    if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    if (!(name in ENTITIES)) throw new Error(`${where}: the entity ${whole} is not known to this test; add it to ENTITIES`);
    return ENTITIES[name];
  });
}

/** A node of the tree below, made by the parser or by the fake document the page's code writes to. */
function element(name, attrs = [], line = 0) {
  const dataset = {};
  for (const [attr, value] of attrs) {
    if (attr.startsWith('data-')) dataset[attr.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = value;
  }
  return {
    nodeType: 1, name, attrs, line, dataset, children: [], written: null,
    append(...nodes) { this.children.push(...nodes); },
    set textContent(text) { this.children = [{ nodeType: 3, data: String(text) }]; },
    get childNodes() { return [...this.children]; },
    get innerHTML() { return serialize(this.children); },
    replaceChildren(...nodes) { this.written = serialize(nodes); },
    setAttribute(attr, value) { (this.attributesWritten ??= {})[attr] = String(value); },
    getAttribute(attr) { return attrs.find(([a]) => a === attr)?.[1] ?? null; },
  };
}

const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/"/g, '&quot;');

/** Nodes as a browser's innerHTML writes them. */
function serialize(nodes) {
  return nodes.map((node) => {
    if (node.nodeType === 3) return escapeText(node.data);
    const attrs = node.attrs.map(([a, v]) => ` ${a}="${escapeAttr(v)}"`).join('');
    if (VOID.has(node.name)) return `<${node.name}${attrs}>`;
    const inner = RAW_TEXT.has(node.name) ? node.children.map((c) => c.data).join('') : serialize(node.children);
    return `<${node.name}${attrs}>${inner}</${node.name}>`;
  }).join('');
}

/**
 * The elements of an HTML file as a tree. Enough of HTML for the pages here: every element that
 * is not void is closed by its own end tag (a file that leaves one out is an error, by line).
 * @returns {object[]} every element, in document order
 */
function parseHtml(html, file) {
  const root = element('#root');
  const stack = [root];
  const all = [];
  const lineAt = (index) => html.slice(0, index).split('\n').length;
  const startTag = /<([a-zA-Z][\w-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/y;
  const attribute = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let i = 0;
  const text = (data) => { if (data) stack.at(-1).children.push({ nodeType: 3, data: decode(data, `${file} line ${lineAt(i)}`) }); };
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) { text(html.slice(i)); break; }
    text(html.slice(i, lt));
    i = lt;
    if (html.startsWith('<!--', i)) { i = html.indexOf('-->', i) + 3; continue; }
    if (html.startsWith('<!', i)) { i = html.indexOf('>', i) + 1; continue; }
    const end = /<\/([a-zA-Z][\w-]*)\s*>/y;
    end.lastIndex = i;
    const close = end.exec(html);
    if (close) {
      const name = close[1].toLowerCase();
      if (stack.at(-1).name !== name) {
        throw new Error(`${file} line ${lineAt(i)}: </${name}> closes <${stack.at(-1).name}> of line ${stack.at(-1).line}`);
      }
      stack.pop();
      i = end.lastIndex;
      continue;
    }
    startTag.lastIndex = i;
    const open = startTag.exec(html);
    if (!open) { text('<'); i += 1; continue; }
    const name = open[1].toLowerCase();
    const attrs = [...open[2].matchAll(attribute)].map((m) => [m[1].toLowerCase(), decode(m[2] ?? m[3] ?? m[4] ?? '', `${file} line ${lineAt(i)}`)]);
    const node = element(name, attrs, lineAt(i));
    stack.at(-1).children.push(node);
    all.push(node);
    i = startTag.lastIndex;
    if (VOID.has(name)) continue;
    if (RAW_TEXT.has(name) || ESCAPABLE_RAW_TEXT.has(name)) {
      const stop = html.toLowerCase().indexOf(`</${name}`, i);
      const content = html.slice(i, stop);
      node.children.push({ nodeType: 3, data: RAW_TEXT.has(name) ? content : decode(content, `${file} line ${lineAt(i)}`) });
      i = stop;
    }
    stack.push(node);
  }
  if (stack.length > 1) throw new Error(`${file}: <${stack.at(-1).name}> of line ${stack.at(-1).line} is never closed`);
  return all;
}

/** Whitespace as setRichText compares it (runs of white space are one space; none at the ends). */
const same = (s) => s.replace(/\s+/g, ' ').trim();

/**
 * What the page's own code (applyTranslations and setRichText in i18n.js) does to a page's markup
 * in English, run on a stand-in for the few DOM calls they make: each data-i18n element it would
 * rewrite and each data-i18n-attr attribute it would change, with the markup's text and en.js's.
 */
async function englishDifferences(file) {
  // The English texts as the page writes them once the core has loaded: its facts fill the
  // placeholders (the model's size, the counts), so a text with a {fact} is compared with the
  // fact written in, which is how the markup holds it. Before the core has loaded the page leaves
  // such a text as the markup has it; a {placeholder} that no fact fills (one the views fill in
  // later) leaves its element's markup alone for good, so it is not compared.
  const { wasm } = await import('./core.mjs');
  const { translator, factParams, applyTranslations } = await import('../../www/i18n.js');
  const t = translator('en', factParams(wasm.facts(), 'en'));
  const elements = parseHtml(readFileSync(new URL(file, www), 'utf8'), file);
  const fakeDocument = { createTextNode: (data) => ({ nodeType: 3, data: String(data) }), createElement: (name) => element(name) };
  const before = globalThis.document;
  globalThis.document = fakeDocument;
  try {
    applyTranslations({
      querySelectorAll(selector) {
        const attr = { '[data-i18n]': 'data-i18n', '[data-i18n-attr]': 'data-i18n-attr' }[selector];
        if (!attr) throw new Error(`the stand-in DOM of this test does not know the selector ${selector}`);
        return elements.filter((e) => e.getAttribute(attr) !== null);
      },
    }, t);
  } finally {
    globalThis.document = before;
  }
  const differences = [];
  for (const e of elements) {
    // setRichText leaves an element alone when its markup already says the same.
    if (e.written !== null) {
      differences.push({ line: e.line, key: e.dataset.i18n, html: same(e.innerHTML), en: same(e.written) });
    }
    for (const [attr, value] of Object.entries(e.attributesWritten ?? {})) {
      const key = e.dataset.i18nAttr.split(';').map((p) => p.split(':').map((s) => s.trim())).find(([a]) => a === attr)[1];
      const markup = e.getAttribute(attr);
      if (markup === null || same(markup) !== same(value)) {
        differences.push({ line: e.line, key, attr, html: markup === null ? '(no attribute)' : same(markup), en: same(value) });
      }
    }
  }
  return differences;
}

/** Where two texts first part, by character, for texts that look alike (a hyphen and U+2011). */
function firstDifference(a, b) {
  const x = [...a];
  const y = [...b];
  let k = 0;
  while (k < x.length && x[k] === y[k]) k += 1;
  const code = (c) => (c === undefined ? 'the end' : `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')} "${c}"`);
  return `first difference at character ${k + 1}: ${code(x[k])} in the markup, ${code(y[k])} in en.js`;
}

const report = (file, differences) => differences.map((d) => `${file} line ${d.line}, ${d.attr ? `${d.attr} of ` : ''}`
  + `"${d.key}"${d.key in en ? '' : ' (en.js has no such key)'}:\n    markup: ${d.html}\n    en.js:  ${d.en}\n    ${firstDifference(d.html, d.en)}`)
  .join('\n');

for (const file of ['index.html', 'embed.html']) {
  test(`the English texts in ${file} are en.js's, as the page writes them`, async () => {
    const differences = await englishDifferences(file);
    assert.equal(differences.length, 0, `${differences.length} texts differ:\n${report(file, differences)}`);
  });
}

test('the stand-in DOM sees what a browser sees: rich text, entities and whitespace', async () => {
  const [p] = parseHtml('<p data-i18n="k">A  <strong>bold</strong>\n word &amp; <em>more</em>&nbsp;</p>', 'test');
  assert.equal(same(p.innerHTML), 'A <strong>bold</strong> word &amp; <em>more</em>&nbsp;');
  assert.throws(() => parseHtml('<ul><li>one<li>two</ul>', 'test'), /test line 1: <\/ul> closes <li>/);
});

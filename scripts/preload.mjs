#!/usr/bin/env node
// The modulepreload links of the pages, written from the import graph. Each page (a www/*.html
// file with a modulepreload block) preloads every module its entry script imports statically,
// directly or through other modules, so the browser fetches them all at once instead of one
// level of imports at a time. The list is in the order the imports are met: depth first, each
// module's imports in the order its source names them, each module once.
//
//   node scripts/preload.mjs           rewrite the block of every page
//   node scripts/preload.mjs --check   change nothing; exit 1 and name the differences when a
//                                      page's block is not what the imports give
//
// The block sits between two comments, which this script writes too:
//   <!-- modulepreload: written by scripts/preload.mjs from the imports of main.js -->
//   <link rel="modulepreload" href="app.js">
//   ...
//   <!-- /modulepreload -->
// Anything else a page preloads (the wasm and the weights as fetches, in embed.html) stays outside
// the block, written by hand. Node only, no dependencies.
import { readFileSync, writeFileSync, existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, dirname, relative, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: www/ is the served folder, pkg/ is served as its pkg/ (see dist.sh). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Modules imported at start-up from a computed address, which no static import names: app.js
 * imports the wasm glue of the backend a link asks for (PACKAGES in app.js); the default
 * backend's, under pkg/, is preloaded (another backend's loads only when a link names it). Each is
 * preloaded right after the module that imports it, ahead of that module's static imports (it is
 * the largest module).
 */
export const COMPUTED_IMPORTS = [{ href: 'pkg/dropout_topk.js', importer: 'app.js' }];

const START = /<!-- modulepreload:[^]*?-->/;
const END = '<!-- /modulepreload -->';
const LINK = /^[ \t]*<link\s+rel="modulepreload"\s+href="([^"]*)"\s*\/?>[ \t]*$/;

/**
 * The file behind a served path (relative to the page's folder): pkg/... is the wasm package at
 * the repository's root, anything else is under www/.
 * @param {string} href
 * @param {string} root
 */
function fileOf(href, root) {
  return href.startsWith('pkg/') ? join(root, href) : join(root, 'www', href);
}

/**
 * The specifiers a module imports statically, in source order: `import ... from 'x'`,
 * `import 'x'` and `export ... from 'x'` statements, which in this project's modules start a
 * line (a clause may span lines). A dynamic `import('x')` is not one (it loads later, if at all),
 * and neither is a word in a comment, which starts with // or *.
 * @param {string} source
 * @returns {string[]}
 */
export function staticImports(source) {
  const statement = /^(?:import|export)\s*(?:[\w$*{},\s]*?\s*from\s*)?['"]([^'"]+)['"]/gm;
  return [...new Set([...source.matchAll(statement)].map((match) => match[1]))];
}

// --- The import graph ---------------------------------------------------------------------------

/**
 * The path, relative to the page's folder, that `specifier` names when imported by `from`.
 * @param {string} specifier
 * @param {string} from a served path such as 'app.js' or 'locales/en.js'
 */
function resolve(specifier, from) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    throw new Error(`${from} imports "${specifier}": only relative imports ("./...") can be preloaded`);
  }
  const url = new URL(specifier, `http://page/${from}`);
  if (url.origin !== 'http://page') throw new Error(`${from} imports "${specifier}", outside the page's folder`);
  return decodeURIComponent(url.pathname.slice(1));
}

/**
 * Every module `entries` load at start-up, in preload order (see the top of this file); the
 * entries themselves are not in it (their script elements load them).
 * @param {string[]} entries served paths of the page's module scripts
 * @param {string} [root]
 * @returns {string[]}
 */
export function preloadList(entries, root = ROOT) {
  const seen = new Set(entries);
  const order = [];
  const visit = (path, importer) => {
    const file = fileOf(path, root);
    const computed = COMPUTED_IMPORTS.filter((c) => c.importer === path).map((c) => c.href);
    let imports = [];
    if (existsSync(file)) {
      imports = staticImports(readFileSync(file, 'utf8')).map((s) => resolve(s, path));
    } else if (!path.startsWith('pkg/')) {
      // The wasm package is built (scripts/build-pkg.sh) and may be missing; a page's own module may not.
      throw new Error(`${importer ?? 'the page'} imports ${path}, which is not in www/`);
    }
    for (const next of [...computed, ...imports]) {
      if (seen.has(next)) continue;
      seen.add(next);
      order.push(next);
      visit(next, path);
    }
  };
  for (const entry of entries) visit(entry, null);
  return order;
}

/**
 * Each computed import whose importer no page loads any more (a module renamed or gone), in words.
 * @param {string} [root]
 * @returns {string[]}
 */
export function staleComputedImports(root = ROOT) {
  const loaded = new Set();
  for (const page of pages(root)) {
    const entries = entriesOf(readFileSync(join(root, 'www', page), 'utf8'), page);
    for (const path of [...entries, ...preloadList(entries, root)]) loaded.add(path);
  }
  return COMPUTED_IMPORTS.filter(({ importer }) => !loaded.has(importer))
    .map(({ href, importer }) => `${href} is preloaded after ${importer}, which no page loads: `
      + 'name its importer in COMPUTED_IMPORTS (scripts/preload.mjs)');
}

// --- The pages ----------------------------------------------------------------------------------

/**
 * The pages with a modulepreload block: every www/*.html with a marker or a modulepreload link.
 * @param {string} [root]
 * @returns {string[]} paths relative to www/
 */
export function pages(root = ROOT) {
  return readdirSync(join(root, 'www'))
    .filter((name) => name.endsWith('.html'))
    .filter((name) => /rel="modulepreload"|<!-- modulepreload:/.test(readFileSync(join(root, 'www', name), 'utf8')))
    .sort();
}

/**
 * The module scripts a page loads (its entries), from its <script type="module" src> elements.
 * @param {string} html
 * @param {string} [page] the page's path relative to www/, which relative sources start from
 * @returns {string[]}
 */
export function entriesOf(html, page = 'index.html') {
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
  return scripts
    .filter((attrs) => /\btype\s*=\s*["']?module\b/.test(attrs))
    .map((attrs) => /\bsrc\s*=\s*["']([^"']+)["']/.exec(attrs)?.[1])
    .filter(Boolean)
    .map((src) => resolve(src.startsWith('.') ? src : `./${src}`, page));
}

/**
 * Where a page's block is: the text between (and including) the markers; a page without them
 * yet has its run of modulepreload link lines taken as the block.
 * @param {string} html
 * @returns {{start: number, end: number, hrefs: string[], marked: boolean}|null}
 */
export function findBlock(html) {
  const start = START.exec(html);
  if (start) {
    const close = html.indexOf(END, start.index);
    if (close < 0) throw new Error(`"${start[0]}" has no "${END}" after it`);
    const inner = html.slice(start.index + start[0].length, close);
    const hrefs = inner.split(/\r?\n/).map((line) => LINK.exec(line)?.[1]).filter((h) => h !== undefined);
    return { start: start.index, end: close + END.length, hrefs, marked: true };
  }
  const lines = html.split('\n');
  let offset = 0;
  let first = -1;
  let count = 0;
  for (let k = 0; k < lines.length; k += 1) {
    if (LINK.test(lines[k].replace(/\r$/, ''))) {
      if (first < 0) first = k;
      count += 1;
    } else if (first >= 0) break;
  }
  if (first < 0) return null;
  for (let k = 0; k < first; k += 1) offset += lines[k].length + 1;
  const block = lines.slice(first, first + count);
  const length = block.reduce((sum, line) => sum + line.length + 1, 0) - 1;
  return { start: offset, end: offset + length, hrefs: block.map((l) => LINK.exec(l.replace(/\r$/, ''))[1]), marked: false };
}

/**
 * The block the script writes for `entries`.
 * @param {string[]} entries
 * @param {string[]} hrefs
 * @param {string} [eol]
 */
export function renderBlock(entries, hrefs, eol = '\n') {
  return [
    `<!-- modulepreload: written by scripts/preload.mjs from the imports of ${entries.join(', ')} -->`,
    ...hrefs.map((href) => `<link rel="modulepreload" href="${href}">`),
    END,
  ].join(eol);
}

/**
 * A page as it is and as the imports would write it, with the differences in words.
 * @param {string} page path relative to www/, e.g. 'index.html'
 * @param {{root?: string, html?: string}} [options] html: the page's text instead of the file's
 * @returns {{page: string, entries: string[], expected: string[], found: string[], html: string,
 *   updated: string, problems: string[]}}
 */
export function checkPage(page, { root = ROOT, html } = {}) {
  const file = join(root, 'www', page);
  html ??= readFileSync(file, 'utf8');
  const entries = entriesOf(html, page);
  if (!entries.length) throw new Error(`${page} loads no <script type="module" src>`);
  const expected = preloadList(entries, root);
  const block = findBlock(html);
  const eol = html.includes('\r\n') ? '\r\n' : '\n';
  const problems = [];
  if (!block) {
    problems.push('it has no modulepreload block');
    return { page, entries, expected, found: [], html, updated: html, problems };
  }
  const found = block.hrefs;
  const wanted = renderBlock(entries, expected, eol);
  const updated = html.slice(0, block.start) + wanted + html.slice(block.end);
  const missing = expected.filter((h) => !found.includes(h));
  const extra = found.filter((h) => !expected.includes(h));
  const twice = found.filter((h, k) => found.indexOf(h) !== k);
  if (missing.length) problems.push(`not preloaded, though imported: ${missing.join(', ')}`);
  if (extra.length) problems.push(`preloaded, though no module imports it: ${extra.join(', ')}`);
  if (twice.length) problems.push(`preloaded twice: ${[...new Set(twice)].join(', ')}`);
  if (!problems.length && found.join() !== expected.join()) {
    problems.push(`not in import order: found ${found.join(', ')}; the imports give ${expected.join(', ')}`);
  }
  if (!problems.length && updated !== html) {
    problems.push(block.marked ? 'its block is not written as the script writes it (the marker comments or the link lines)'
      : 'its links have no marker comments around them');
  }
  return { page, entries, expected, found, html, updated, problems };
}

function main(args) {
  const check = args.includes('--check');
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--check');
  if (unknown.length) {
    console.error(`unknown option ${unknown.join(' ')}; usage: node scripts/preload.mjs [--check] [page.html ...]`);
    return 2;
  }
  const named = args.filter((a) => !a.startsWith('-')).map((a) => relative(join(ROOT, 'www'), resolvePath(a)).split(sep).join('/'));
  const list = named.length ? named : pages();
  let stale = 0;
  for (const problem of staleComputedImports()) {
    stale += 1;
    console.error(problem);
  }
  for (const page of list) {
    const result = checkPage(page);
    if (!result.problems.length) {
      if (!check) console.log(`www/${page}: up to date (${result.expected.length} modules)`);
      continue;
    }
    if (check) {
      stale += 1;
      console.error(`www/${page} is out of date (node scripts/preload.mjs rewrites it):`);
      for (const problem of result.problems) console.error(`  ${problem}`);
    } else if (result.updated === result.html) {
      stale += 1;
      console.error(`www/${page}: ${result.problems.join('; ')}`);
    } else {
      writeFileSync(join(ROOT, 'www', page), result.updated);
      console.log(`www/${page}: written (${result.expected.length} modules)`);
    }
  }
  return stale ? 1 : 0;
}

// Run as a command (imported by a test, it only exports).
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`preload: ${err.message}`);
    process.exitCode = 2;
  }
}

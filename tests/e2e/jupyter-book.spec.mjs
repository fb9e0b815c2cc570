// The package in a Jupyter Book 2 (from PyPI, in the venv scripts/notebook.sh makes): the docs'
// `{anywidget}` snippet, pointing at the packaged module copied beside the page, built with no
// network. The site's content builds: the directive is read, the module is copied into the site
// byte for byte and the settings become the widget's model. The HTML build then stops where the
// docs say, fetching the theme, so the page's rendering is not tested here.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeSnippet } from './readme-snippets.mjs';
import { VENV, requireVenv, scratch, serverEnv } from './notebook-tools.mjs';

/** Every node of a MyST tree whose type is `type`. */
function nodes(tree, type) {
  if (Array.isArray(tree)) return tree.flatMap((child) => nodes(child, type));
  if (!tree || typeof tree !== 'object') return [];
  return [...(tree.type === type ? [tree] : []), ...Object.values(tree).flatMap((child) => nodes(child, type))];
}

test('the docs\' {anywidget} snippet in a Jupyter Book, offline: the packaged module and the settings reach the built site', () => {
  test.setTimeout(120_000);
  requireVenv();
  const { dir, folders } = scratch('dropout-topk-book-', ['book', 'home']);
  try {
    const python = join(VENV, 'bin/python');
    const esm = spawnSync(python, ['-c', 'import dropout_topk; print(dropout_topk.ESM)'], { encoding: 'utf8' }).stdout.trim();
    copyFileSync(esm, join(folders.book, 'dropout-topk.js'));
    const snippet = readmeSnippet('myst');
    writeFileSync(join(folders.book, 'index.md'), `# Two kinds of randomness\n\n${snippet}\n`);
    writeFileSync(join(folders.book, 'myst.yml'), 'version: 1\nproject:\n  title: Dropout and top-k\n  toc:\n    - file: index.md\nsite:\n  template: book-theme\n');
    const build = spawnSync(join(VENV, 'bin/jupyter-book'), ['build', '--site'], {
      cwd: folders.book, env: serverEnv(folders.home), encoding: 'utf8', timeout: 100_000 });
    const log = `${build.stdout}${build.stderr}`;
    // The content is built first; then the theme is asked for, which needs the network.
    expect(log).toContain('Built 1 page for project');
    expect(log).toContain('request to https://api.mystmd.org/templates/site/myst/book-theme failed');

    const page = JSON.parse(readFileSync(join(folders.book, '_build/site/content/index.json'), 'utf8'));
    const widgets = nodes(page, 'anywidget');
    expect(widgets).toHaveLength(1);
    const [widget] = widgets;
    expect(widget.model).toEqual(JSON.parse(snippet.split('\n')[1]));
    const copied = readFileSync(join(folders.book, '_build/site/public', widget.esm.replace(/^\//, '')));
    expect(copied.equals(readFileSync(esm))).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

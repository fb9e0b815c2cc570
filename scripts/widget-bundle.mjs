// Builds the notebook widget's one-file module for the Python package (python/entry.js):
// widget.js and every module it imports, bundled by esbuild, with the files the demo loads
// (gzipped, as base64) inside it. Writes, beside the package's Python module (git ignores them):
//   widget.js      the module
//   settings.json  the settings of www/state.js with their defaults, ranges and descriptions,
//                  from which the Python class declares its traits
//   _version.py    the crate's version
//
//   node scripts/widget-bundle.mjs
import { readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { build } from 'esbuild';
import { SETTINGS } from '../www/state.js';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'python/src/dropout_topk');
const out = join(dir, 'widget.js');

/** The backends the bundle carries (FILES): a setting's values in the notebook are these only. */
const BACKENDS = ['flex'];

/**
 * The files the demo fetches or imports by path (load.js fileUrl), with their types. The notebook
 * carries one backend, flex (the default); the languages' modules are bundled as code.
 */
const FILES = {
  'pkg/dropout_topk.js': ['pkg/dropout_topk.js', 'text/javascript'],
  'pkg/dropout_topk_bg.wasm': ['pkg/dropout_topk_bg.wasm', 'application/wasm'],
  'worker.js': ['www/worker.js', 'text/javascript'],
  'model.q8': ['www/model.q8', 'application/octet-stream'],
  'index.html': ['www/index.html', 'text/html'],
  'style.css': ['www/style.css', 'text/css'],
  ...Object.fromEntries(readdirSync(join(root, 'www/corpus')).filter((name) => name.endsWith('.txt'))
    .map((name) => [`corpus/${name}`, [`www/corpus/${name}`, 'text/plain; charset=utf-8']])),
};

const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)[1];

/** The virtual module `dropout-topk:files`: every file as {type, gzip: base64}, and the version. */
function filesModule() {
  const files = Object.fromEntries(Object.entries(FILES).map(([path, [source, type]]) => {
    const gzip = gzipSync(readFileSync(join(root, source)), { level: 9 }).toString('base64');
    return [path, { type, gzip }];
  }));
  return `export const VERSION = ${JSON.stringify(version)};\nexport const FILES = ${JSON.stringify(files)};\n`;
}

await build({
  entryPoints: [join(root, 'python/entry.js')],
  outfile: out,
  bundle: true,
  format: 'esm',
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  target: 'es2022',
  logLevel: 'warning',
  plugins: [{
    name: 'files',
    setup(b) {
      b.onResolve({ filter: /^dropout-topk:files$/ }, (args) => ({ path: args.path, namespace: 'files' }));
      b.onLoad({ filter: /.*/, namespace: 'files' }, () => ({ contents: filesModule(), loader: 'js' }));
    },
  }],
});
/** Each setting's spec, with the sentence that describes it in state.js as its help. */
function settingsJson() {
  const source = readFileSync(join(root, 'www/state.js'), 'utf8');
  const help = Object.fromEntries([...source.matchAll(/\/\*\* (.+?) \*\/\n {2}(\w+): \{/g)].map(([, text, name]) => [name, text]));
  const settings = Object.fromEntries(Object.entries(SETTINGS).map(([name, spec]) => {
    const values = name === 'backend' ? BACKENDS : spec.values;
    return [name, { ...spec, ...(values ? { values } : {}), help: help[name] }];
  }));
  return `${JSON.stringify(settings, null, 1)}\n`;
}
writeFileSync(join(dir, 'settings.json'), settingsJson());
writeFileSync(join(dir, '_version.py'), `__version__ = ${JSON.stringify(version)}\n`);
const size = statSync(out).size;
console.log(`widget: ${out.replace(root, '')}, ${(size / 1024).toFixed(0)} KB (${(gzipSync(readFileSync(out)).length / 1024).toFixed(0)} KB gzipped), version ${version}`);

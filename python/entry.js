// The notebook widget's module as the Python package ships it: widget.js, bundled into one file
// with every file the demo loads inside it (the wasm, the weights, the worker, the markup, the
// styles and the texts), so it needs no server. A notebook hands this module to the browser as
// one string, from which the browser makes a blob: there is no folder beside it to fetch from.
//
// The files are gzipped and written as base64 (scripts/widget-bundle.mjs); the first render
// unpacks them into blobs, and from then on the demo loads them by their paths (load.js fileUrl).
// Every widget on a page imports its own copy of this module, so the first copy keeps its render
// on globalThis and later copies use it: one wasm module and one training worker per page.
import { provideFiles } from '../www/load.js';
import widget from '../www/widget.js';
import { FILES, VERSION } from 'dropout-topk:files';

/**
 * The bundled files as blobs, by path.
 * @returns {Promise<Record<string, Blob>>}
 */
async function unpack() {
  const entries = await Promise.all(Object.entries(FILES).map(async ([path, { type, gzip }]) => {
    const bytes = Uint8Array.from(atob(gzip), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    const blob = new Blob([await new Response(stream).arrayBuffer()], { type });
    return [path, blob];
  }));
  return Object.fromEntries(entries);
}

let unpacked = null;

/** anywidget's render, once the files are in place. */
async function render(context) {
  unpacked ??= unpack().then(provideFiles).catch((err) => {
    unpacked = null;
    throw err;
  });
  await unpacked;
  return widget.render(context);
}

const KEY = Symbol.for(`dropout-topk.widget@${VERSION}`);
globalThis[KEY] ??= { render };

export default { render: (context) => globalThis[KEY].render(context) };

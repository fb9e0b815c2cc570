// The demo's own files, loaded from wherever they are served: the page's origin, or another one
// (a CDN serving the npm package). A file that cannot be loaded becomes an error naming the file
// and the cause, worded by the locales' `error.<code>` keys (format.js errorText).
import { errorMessage } from './format.js';

/** Where this module was loaded from: the folder of the demo's files when they are served. */
const HERE = import.meta.url;

/**
 * Files handed over by a bundle that carries them (the notebook widget, whose module is a blob
 * with no folder around it): their paths, relative to this folder, to object URLs.
 * @type {Map<string, string>}
 */
const provided = new Map();

/**
 * Makes `files` the demo's own, by path (`pkg/dropout_topk_bg.wasm`, `index.html`, …): from now on
 * fileUrl gives their object URLs. Used once, before the first demo starts.
 * @param {Record<string, Blob>} files
 */
export function provideFiles(files) {
  for (const [path, blob] of Object.entries(files)) {
    if (!provided.has(path)) provided.set(path, URL.createObjectURL(blob));
  }
}

/**
 * The URL of one of the demo's files, by its path in the folder (`model.q8`, `pkg/…`).
 * @param {string} path
 * @returns {string}
 */
export function fileUrl(path) {
  const url = provided.get(path) ?? pageUrl(path);
  if (!url) throw new LoadError('loadMissing', { file: path, origin: 'the widget bundle', status: '404' });
  return url;
}

/**
 * The URL of a page of this copy of the demo (index.html?view=…), or null when the demo is not
 * served from a folder (the notebook widget), where there is no page to open.
 * @param {string} path
 * @returns {string|null}
 */
export function pageUrl(path) {
  return /^(https?|file):/.test(HERE) ? new URL(path, HERE).href : null;
}

/** A file that could not be loaded: `code` is one of load*, `params` fill its text. */
export class LoadError extends Error {
  /**
   * @param {string} code
   * @param {{file: string, origin: string, status?: string, message?: string}} params
   */
  constructor(code, params) {
    super(`${params.file} from ${params.origin}: ${code}${params.status ? ` ${params.status}` : ''}${params.message ? ` (${params.message})` : ''}`);
    this.code = code;
    this.params = params;
  }
}

/**
 * Why `url` could not be loaded, found by asking for it again: a missing file, an HTTP error, a
 * host that does not allow other origins (no CORS header), a host that cannot be reached, or,
 * when the file arrives fine, the original error (the file itself is wrong).
 * @param {string} url
 * @param {unknown} err what loading it threw
 * @returns {Promise<LoadError>}
 */
export async function loadFailure(url, err) {
  const { origin, pathname } = new URL(url);
  const params = { file: pathname.split('/').pop() || pathname, origin };
  try {
    const response = await fetch(url, { cache: 'no-store' });
    if (response.status === 404) return new LoadError('loadMissing', { ...params, status: '404' });
    if (!response.ok) return new LoadError('loadHttp', { ...params, status: `${response.status} ${response.statusText}`.trim() });
    return new LoadError('loadOther', { ...params, message: errorMessage(err) });
  } catch {
    // A request the page may not read can still be made: if that succeeds, CORS is what failed.
    const reachable = await fetch(url, { mode: 'no-cors', cache: 'no-store' }).then(() => true, () => false);
    return new LoadError(reachable ? 'loadCors' : 'loadUnreachable', params);
  }
}

/**
 * Fetches `url` and checks the answer; any failure is a LoadError.
 * @param {string} url
 * @returns {Promise<Response>}
 */
export async function fetchFile(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw await loadFailure(url, err);
  }
  if (!response.ok) throw await loadFailure(url, new Error(`HTTP ${response.status}`));
  return response;
}

/**
 * Imports the module at `url`; any failure is a LoadError.
 * @param {string} url
 */
export async function importModule(url) {
  try {
    return await import(url);
  } catch (err) {
    throw await loadFailure(url, err);
  }
}

/**
 * A module worker running `url`. A worker's script must come from the page's origin, so a script
 * of another origin (a CDN) is started through a one-line module of the page's own (a blob) that
 * imports it; the import is a CORS request like any other module's.
 * @param {string} url
 * @returns {{worker: Worker, release: () => void}} release frees the bootstrap once the worker runs
 */
export function moduleWorker(url) {
  if (new URL(url).origin === location.origin) return { worker: new Worker(url, { type: 'module' }), release() {} };
  const bootstrap = URL.createObjectURL(new Blob([`import ${JSON.stringify(url)};\n`], { type: 'text/javascript' }));
  return { worker: new Worker(bootstrap, { type: 'module' }), release: () => URL.revokeObjectURL(bootstrap) };
}

/**
 * An identifier (an IRI) for something of this copy of the demo: its page's URL, or, where it is
 * not served from a folder, the same path under a name that can never be a real host.
 * @param {string} path
 * @returns {string}
 */
export function activityIri(path) {
  return pageUrl(path) ?? new URL(path, 'https://dropout-topk.invalid/').href;
}

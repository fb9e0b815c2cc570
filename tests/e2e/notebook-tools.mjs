// What the notebook tests (jupyter.spec.mjs, marimo.spec.mjs) share: the venv scripts/notebook.sh
// makes (the package from its wheel, JupyterLab and marimo from PyPI), starting and stopping a
// notebook server with nothing of the user's, and a browser that reaches no host but that server.
import { expect } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const VENV = join(ROOT, 'target/notebook-venv');
export const SCREENSHOTS = join(ROOT, 'test-results/screenshots');

/**
 * The browser resolves no host name at all, and the page's requests to any origin but `server`
 * are refused (listed in the array returned): the widget must work with no network.
 */
export const OFFLINE_ARGS = ['--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'];

/** Fails at once with what to run when the venv is missing. */
export function requireVenv() {
  if (!existsSync(join(VENV, 'bin/python'))) {
    throw new Error('target/notebook-venv is missing: run scripts/notebook.sh (the wheel, JupyterLab and marimo)');
  }
}

/** A temporary folder with the named sub-folders, for everything a server and its kernels write. */
export function scratch(prefix, names) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const folders = Object.fromEntries(names.map((name) => [name, join(dir, name)]));
  for (const folder of Object.values(folders)) mkdirSync(folder);
  return { dir, folders };
}

/**
 * The environment of a server: the venv first on PATH, its own HOME, and a proxy that nothing
 * answers for every host but this machine, so anything the server or a kernel fetches from
 * outside fails at once.
 */
export function serverEnv(home, extra = {}) {
  const refused = 'http://127.0.0.1:9';
  return {
    ...process.env,
    PATH: `${join(VENV, 'bin')}:${process.env.PATH}`,
    VIRTUAL_ENV: VENV,
    HOME: home,
    PYTHONNOUSERSITE: '1',
    http_proxy: refused, https_proxy: refused, HTTP_PROXY: refused, HTTPS_PROXY: refused,
    no_proxy: '127.0.0.1,localhost', NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  };
}

/** Starts `command` in a process group of its own, its output in `log` (shown if it stops). */
export function start(command, args, { env = process.env, log, cwd = ROOT }) {
  const out = openSync(log, 'w');
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.log = log;
  return child;
}

/** Waits until `url` answers 200, failing at once if `child` stops. */
export async function answers(child, url, timeout) {
  await expect.poll(async () => {
    if (child.exitCode !== null) throw new Error(`${child.spawnargs.join(' ')} stopped:\n${readFileSync(child.log, 'utf8')}`);
    return fetch(url).then((r) => r.status, () => 0);
  }, { timeout, message: `${url} answers` }).toBe(200);
}

/** Ends `child`'s process group: SIGTERM first (a server then shuts its kernels down), SIGKILL after 10 s. */
export async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  const signal = (name) => { try { process.kill(-child.pid, name); } catch { /* the group is gone */ } };
  signal('SIGTERM');
  const killer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

/** Processes whose command line names `folder` (kernels a killed server could not stop), killed. */
export function killStrays(folder) {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(folder)) process.kill(Number(pid), 'SIGKILL');
    } catch { /* gone meanwhile */ }
  }
}

/**
 * Collects the page's console errors, uncaught exceptions and failed responses in `errors`, and
 * refuses every request to an origin other than `origin` (listed in `refused`).
 * @returns {Promise<{errors: string[], refused: string[]}>}
 */
export async function watch(page, origin) {
  const errors = [];
  const refused = [];
  page.on('response', (response) => { if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`); });
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.context().route((url) => url.origin !== origin, (route) => {
    refused.push(route.request().url());
    return route.abort('connectionrefused');
  });
  return { errors, refused };
}

/** A Python literal (a cell's text output) as JSON, read by the venv's Python itself. */
export function pythonValue(text) {
  const json = execFileSync(join(VENV, 'bin/python'), ['-c', 'import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.read())))'],
    { input: text, encoding: 'utf8' });
  return JSON.parse(json);
}

/** The probabilities before the cut of the kept bars and of the first cut bar, from most likely. */
export function cutOf(widget) {
  return widget.locator('#bars li:not(.cutline)').evaluateAll((lis) => ({
    kept: lis.filter((li) => li.classList.contains('kept')).map((li) => Number(li.dataset.original)),
    firstCut: lis.filter((li) => li.classList.contains('cut')).map((li) => Number(li.dataset.original))[0],
  }));
}

/** Checks that exactly `k` characters are kept (more only if tied with the k-th), none cut above them. */
export async function expectCut(widget, k, timeout) {
  await expect.poll(async () => (await cutOf(widget)).kept.length, { timeout }).toBeGreaterThanOrEqual(k);
  const { kept, firstCut } = await cutOf(widget);
  for (const p of kept.slice(k)) expect(p).toBe(kept[k - 1]);
  expect(firstCut).toBeLessThan(kept[k - 1]);
}

// The two engines besides Chromium, each behind the same small interface, so one scenario
// (scenario.mjs) runs in both:
// - Firefox ESR (Debian's firefox-esr), driven over WebDriver BiDi by puppeteer-core;
// - WebKitGTK's MiniBrowser (Debian's webkit2gtk-driver), driven over WebDriver by
//   selenium-webdriver through WebKitWebDriver; it needs a display (run under xvfb-run).
// Nothing here downloads a browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const FIREFOX = '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/**
 * What a test needs of a browser.
 * @typedef {{
 *   name: string,
 *   goto: (url: string) => Promise<void>,
 *   evaluate: (expression: string) => Promise<any>,
 *   click: (selector: string) => Promise<void>,
 *   press: (selector: string, key: 'ArrowRight'|'ArrowLeft') => Promise<void>,
 *   errors: () => Promise<string[]>,
 *   close: () => Promise<void>,
 * }} Browser
 */

/**
 * Collects console errors and uncaught errors inside the page, for an engine whose driver cannot
 * report them. Installed before the page's own scripts run where the driver allows it.
 */
const RECORDER = `(() => {
  if (window.__engineErrors) return;
  window.__engineErrors = [];
  const original = console.error.bind(console);
  console.error = (...args) => { window.__engineErrors.push(args.map(String).join(' ')); original(...args); };
  addEventListener('error', (event) => window.__engineErrors.push(String(event.error ?? event.message)));
  addEventListener('unhandledrejection', (event) => window.__engineErrors.push(String(event.reason)));
})();`;

/**
 * Scrolls an element to the middle of the view at once (the page scrolls smoothly otherwise) and
 * resolves when its box has stayed put for two frames, so a click aimed at its centre lands on it
 * even while the page is still laying itself out (at most a second of frames).
 * @param {string} selector
 */
const settle = (selector) => `new Promise((resolve) => {
  const el = document.querySelector(${JSON.stringify(selector)});
  el.scrollIntoView({ block: 'center', behavior: 'instant' });
  let last = '';
  let same = 0;
  let frames = 0;
  const check = () => {
    const r = el.getBoundingClientRect();
    const now = [r.x, r.y, r.width, r.height].join();
    same = now === last ? same + 1 : 0;
    last = now;
    frames += 1;
    if (same >= 2 || frames > 60) resolve(true);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})`;

/** Chromium's command line here: headless, and no calls to a network this machine does not have. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Polls `expression` in the page until it is truthy and returns its value; fails naming `what`
 * after `patience` ms. A wait for a state of the page, never for time to pass.
 * @param {Browser} browser
 * @param {string} expression
 * @param {string} what
 */
export async function until(browser, expression, what, patience = 90_000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < patience) {
    try {
      last = await browser.evaluate(expression);
      if (last) return last;
    } catch (err) {
      if (/SyntaxError/.test(String(err))) throw err; // a mistake in the test, not a state
      last = err; // the page may be between documents
    }
    await sleep(50);
  }
  throw new Error(`${browser.name}: gave up waiting for ${what} (last: ${last})`);
}

/** @returns {Promise<Browser>} Debian's Chromium, headless, through Playwright (for the benchmark) */
export async function openChromium() {
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return {
    name: `Chromium ${browser.version()}`,
    goto: async (url) => { await page.goto(url, { waitUntil: 'domcontentloaded' }); },
    evaluate: (expression) => page.evaluate(expression),
    click: (selector) => page.locator(selector).click(),
    press: (selector, key) => page.locator(selector).press(key),
    errors: async () => errors,
    close: () => browser.close(),
  };
}

/** @returns {Promise<Browser>} Firefox ESR, headless, over WebDriver BiDi */
export async function openFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // A closed network: no updates, telemetry or remote settings.
    extraPrefsFirefox: { 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false, 'network.captive-portal-service.enabled': false },
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return {
    name: `Firefox ${(await browser.version()).replace(/^firefox\//i, '')}`,
    goto: async (url) => { await page.goto(url, { waitUntil: 'domcontentloaded' }); },
    evaluate: (expression) => page.evaluate(expression),
    click: async (selector) => {
      await page.evaluate(settle(selector));
      await page.click(selector);
    },
    press: async (selector, key) => {
      await page.focus(selector);
      await page.keyboard.press(key);
    },
    errors: async () => errors,
    close: () => browser.close(),
  };
}

/** Starts WebKitWebDriver on a free port and resolves with its address once it answers. */
async function startWebKitDriver() {
  for (let attempt = 0; ; attempt++) {
    // A random port, and another if that one is taken (the driver then exits at once).
    const port = 4400 + Math.floor(Math.random() * 500);
    const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    for (let tries = 0; driver.exitCode === null && tries <= 200; tries++) {
      try {
        const response = await fetch(`${url}/status`);
        if (response.ok && driver.exitCode === null) return { driver, url };
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    driver.kill();
    if (attempt === 4) throw new Error(`WebKitWebDriver did not start (last on ${url})`);
  }
}

/** @returns {Promise<Browser>} WebKitGTK's MiniBrowser over WebDriver (needs a display: xvfb-run) */
export async function openWebKit() {
  if (!existsSync(MINIBROWSER)) throw new Error(`no ${MINIBROWSER}: run scripts/setup.sh test`);
  const { Builder, Key, By } = await import('selenium-webdriver');
  const { driver: server, url } = await startWebKitDriver();
  let driver;
  try {
    driver = await new Builder()
      .usingServer(url)
      .withCapabilities({
        browserName: 'MiniBrowser',
        // Return from navigation at once, so a test can act at the first moment; WebKit counts
        // the worker's loads as the page's, so waiting for any load state could wait for them.
        pageLoadStrategy: 'none',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      })
      .build();
  } catch (err) {
    server.kill();
    throw err;
  }
  await driver.manage().window().setRect({ width: 1280, height: 900 });
  await driver.manage().setTimeouts({ pageLoad: 60_000, script: 60_000 });
  const capabilities = await driver.getCapabilities();
  const keys = { ArrowRight: Key.ARROW_RIGHT, ArrowLeft: Key.ARROW_LEFT };
  const element = async (selector) => {
    await driver.executeScript(`return ${settle(selector)};`);
    return driver.findElement(By.css(selector));
  };
  return {
    name: `WebKitGTK ${capabilities.get('browserVersion') ?? ''}`.trim(),
    goto: async (url) => {
      const marker = `goto-${Math.random()}`;
      // The page being left carries a marker, so the new document is recognised when it is there.
      await driver.executeScript(`window.__leaving = '${marker}';`).catch(() => {});
      await driver.get(url);
      // Classic WebDriver has no script that runs before the page's own: install the recorder
      // as soon as the new document has parsed. An error before this point stops start-up,
      // which the scenario sees as a page that never gets ready.
      await until({ name: 'WebKitGTK', evaluate: (e) => driver.executeScript(`return (${e});`) },
        `window.__leaving !== '${marker}' && document.readyState !== 'loading'`, `the new document of ${url}`);
      await driver.executeScript(RECORDER);
    },
    evaluate: (expression) => driver.executeScript(`return (${expression});`),
    click: async (selector) => (await element(selector)).click(),
    press: async (selector, key) => (await element(selector)).sendKeys(keys[key]),
    errors: () => driver.executeScript('return window.__engineErrors ?? ["the error recorder is missing"];'),
    close: async () => {
      try {
        await driver.quit();
      } finally {
        server.kill();
      }
    },
  };
}

// Elements added to a page and removed again, as a notebook does on every re-run of a cell: the
// add-and-remove test (lifecycle.spec.mjs) and `make bench` drive the same cycles. Each cycle adds
// one element per view (and a second top-k view), waits until all six run, removes them, and
// counts what is left of them: demos not closed, this thread's wasm models not freed, the worker's
// models, its error listeners. At the cycles asked for it measures the host page's JS heap (after
// a garbage collection: Chromium started with --js-flags=--expose-gc) and both wasm memories.

/** Chromium flags the cycles need: a callable gc() and unrounded heap sizes. */
export const MEMORY_ARGS = ['--js-flags=--expose-gc', '--enable-precise-memory-info'];

/** The views of the six elements of a cycle. */
export const CYCLE_VIEWS = ['topk', 'contrast', 'dropout', 'overfit', 'owntext', 'topk'];

/** The host page: the element's script and an empty stage. */
export const HOST_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cycles</title></head>
<body><script type="module" src="/component.js"></script><main id="stage"></main></body></html>`;

/**
 * Opens the host page at `url` (served by Playwright on the demo's own origin).
 * @param {import('@playwright/test').Page} page
 * @param {string} url on the origin that serves component.js
 */
export async function openHost(page, url) {
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: HOST_PAGE }));
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('dropout-topk'));
}

/**
 * Runs `cycles` add-and-remove cycles in the page.
 * @param {import('@playwright/test').Page} page on the host page
 * @param {number} cycles
 * @param {number[]} measureAt cycles after which memory is measured
 * @returns {Promise<{leftOver: Array<object>, memory: Array<{cycle: number, heap: number, worker: number, main: number}>}>}
 *   leftOver: per cycle, what was left of its elements once removed
 */
export function runCycles(page, cycles, measureAt) {
  return page.evaluate(async ({ cycles, measureAt, views }) => {
    const stage = document.getElementById('stage');
    const leftOver = [];
    const memory = [];
    for (let cycle = 1; cycle <= cycles; cycle += 1) {
      const elements = views.map((view) => {
        const el = document.createElement('dropout-topk');
        for (const [name, value] of Object.entries({ view, lang: 'en', loading: 'eager' })) el.setAttribute(name, value);
        stage.append(el);
        return el;
      });
      await Promise.all(elements.map((el) => el.ready));
      const demos = elements.map((el) => el.demo);
      const { training } = demos[0];
      const mainMemory = demos[0].memoryBytes;
      for (const el of elements) el.remove();
      await Promise.resolve(); // the elements close in a microtask (a move would reconnect first)
      // A round trip: the worker has handled every free sent before it.
      const workerModels = await training.modelCount();
      leftOver.push({
        cycle,
        open: demos.filter((demo) => !demo.closed).length,
        handles: demos.filter((demo) => demo.shipped.handle.__wbg_ptr !== 0).length,
        pageModels: training.models.size,
        workerModels,
        errorListeners: training.errorListeners.size,
        attached: elements.filter((el) => el.demo !== null || el.shadowRoot.childNodes.length > 0).length,
      });
      if (measureAt.includes(cycle)) {
        globalThis.gc?.();
        globalThis.gc?.();
        memory.push({ cycle, heap: performance.memory?.usedJSHeapSize ?? NaN, worker: await training.memory(), main: mainMemory() });
      }
    }
    return { leftOver, memory };
  }, { cycles, measureAt, views: CYCLE_VIEWS });
}

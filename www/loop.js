// The page's one animation-frame loop: redraws are coalesced, so many input events cost one
// redraw, and cheap per-frame animations (generated characters) take their turn.
//
// Input handlers only change state and call requestRender; nothing heavy runs inside an event, so
// dragging a slider never queues work. Training does not run here at all: it runs in the
// training worker (worker.js), whose reports only ask for a redraw. The loop only
// schedules: each request carries the error handler of the demo that made it.

const renders = new Map();
const animations = new Map(); // tick -> its error handler
let frameRequested = false;

/**
 * Render time (ms) after which a frame runs no further render; the others wait for the next frame. So
 * one slow render (the first one, say, while the engine still compiles) cannot hold back the rest of
 * the page, and the first distribution is shown without waiting for every view.
 */
const FRAME_BUDGET_MS = 10;

/** Time (ms) of each kind of render: the last and the longest, for measuring. */
export const renderTiming = {};

/** Listeners called at the end of every frame that ran (see onFrame). */
const frameListeners = new Set();

/**
 * Calls `listener(now)` at the end of each animation frame this loop runs, after its renders (for
 * measuring input-to-frame latency; the benchmark uses it).
 * @param {(now: number) => void} listener
 * @returns {() => void} removes the listener
 */
export function onFrame(listener) {
  frameListeners.add(listener);
  return () => frameListeners.delete(listener);
}

/** Where an error goes when the request named no handler. */
const logError = (err) => { console.error(err); };

function schedule() {
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(frame);
  }
}

/**
 * Asks for `render` to run once in the next animation frame; asking again before then with the
 * same key replaces the earlier request, so many input events cost one redraw.
 * @param {string} key
 * @param {() => void} render
 * @param {(err: unknown) => void} [onError] what happens if `render` throws
 */
export function requestRender(key, render, onError = logError) {
  renders.set(key, { render, onError });
  schedule();
}

/**
 * Forgets the renders asked for under keys that start with `prefix`, and their timings (a demo
 * that closes).
 * @param {string} prefix
 */
export function forgetRenders(prefix) {
  for (const key of [...renders.keys()]) if (key.startsWith(prefix)) renders.delete(key);
  for (const key of Object.keys(renderTiming)) if (key.startsWith(prefix)) delete renderTiming[key];
}

/** @returns {number} redraws asked for and not yet run (0: every view shows the current state) */
export function rendersPending() {
  return renders.size;
}

/**
 * Runs `tick` once per frame until it returns false or is removed (inference animations, which
 * are cheap: one forward pass each). A tick that throws is removed and its error handed on.
 * @param {() => boolean} tick
 * @param {(err: unknown) => void} [onError]
 */
export function addAnimation(tick, onError = logError) {
  animations.set(tick, onError);
  schedule();
}

/** @param {() => boolean} tick */
export function removeAnimation(tick) {
  animations.delete(tick);
}

function frame() {
  frameRequested = false;
  for (const [tick, onError] of [...animations]) {
    try {
      if (!tick()) animations.delete(tick);
    } catch (err) {
      animations.delete(tick);
      onError(err);
    }
  }
  const pending = [...renders.entries()];
  renders.clear();
  const start = performance.now();
  for (const [index, [key, { render, onError }]] of pending.entries()) {
    if (index > 0 && performance.now() - start > FRAME_BUDGET_MS) {
      // The frame is full: the rest go first in the next one (unless asked for again meanwhile,
      // which keeps the newer request).
      const later = [...renders.entries()];
      renders.clear();
      for (const [k, d] of [...pending.slice(index), ...later]) renders.set(k, d);
      break;
    }
    const t0 = performance.now();
    try {
      render();
    } catch (err) {
      onError(err);
    }
    const ms = performance.now() - t0;
    const timing = renderTiming[key] ?? (renderTiming[key] = { last: 0, max: 0, count: 0 });
    timing.last = ms;
    timing.max = Math.max(timing.max, ms);
    timing.count += 1;
  }
  if (frameListeners.size) {
    const now = performance.now();
    for (const listener of frameListeners) listener(now);
  }
  if (animations.size > 0 || renders.size > 0) schedule();
}

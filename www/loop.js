// The page's one animation-frame loop: redraws are coalesced, so many input events cost one
// redraw, and cheap per-frame animations (inference draws) take their turn.
//
// Input handlers only change state and call requestDraw; nothing heavy runs inside an event, so
// dragging a slider never queues work. Training does not run here at all: it runs in the
// training worker (train-worker.js), whose reports only ask for a redraw.

const draws = new Map();
const animations = new Set();
let frameRequested = false;

/** Training-step timings in the worker, for display: the first, the last and a running mean (ms). */
export const stepTiming = { first: NaN, last: NaN, mean: NaN, count: 0 };

/**
 * Draw time (ms) after which a frame runs no further draw; the others wait for the next frame. So
 * one slow draw (the first one, say, while the engine still compiles) cannot hold back the rest of
 * the page, and the first distribution is shown without waiting for every view.
 */
const FRAME_BUDGET_MS = 10;

/** Time (ms) of each kind of redraw: the last and the longest, for measuring. */
export const drawTiming = {};

/** Listeners called at the end of every frame that ran (see onFrame). */
const frameListeners = new Set();

/**
 * Calls `listener(now)` at the end of each animation frame this loop runs, after its draws (for
 * measuring input-to-frame latency; the benchmark uses it).
 * @param {(now: number) => void} listener
 * @returns {() => void} removes the listener
 */
export function onFrame(listener) {
  frameListeners.add(listener);
  return () => frameListeners.delete(listener);
}

/** @type {(err: unknown) => void} */
let onError = (err) => { console.warn(err); };

/**
 * Sets what happens to an error thrown by a draw or an animation.
 * @param {(err: unknown) => void} handler
 */
export function setErrorHandler(handler) {
  onError = handler;
}

function schedule() {
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(frame);
  }
}

/**
 * Asks for `draw` to run once in the next animation frame; asking again before then with the
 * same key replaces the earlier request, so many input events cost one redraw.
 * @param {string} key
 * @param {() => void} draw
 */
export function requestDraw(key, draw) {
  draws.set(key, draw);
  schedule();
}

/** @returns {number} redraws asked for and not yet run (0: every view shows the current state) */
export function drawsPending() {
  return draws.size;
}

/**
 * Runs `tick` once per frame until it returns false or is removed (inference animations, which
 * are cheap: one forward pass each).
 * @param {() => boolean} tick
 */
export function addAnimation(tick) {
  animations.add(tick);
  schedule();
}

/** @param {() => boolean} tick */
export function removeAnimation(tick) {
  animations.delete(tick);
}

/**
 * Records the time of one training step (measured in the worker around trainStep).
 * @param {number} ms
 */
export function recordStep(ms) {
  if (stepTiming.count === 0) stepTiming.first = ms;
  stepTiming.last = ms;
  stepTiming.count += 1;
  stepTiming.mean = stepTiming.count === 1 ? ms : stepTiming.mean + (ms - stepTiming.mean) / stepTiming.count;
}

function frame() {
  frameRequested = false;
  for (const tick of [...animations]) {
    try {
      if (!tick()) animations.delete(tick);
    } catch (err) {
      animations.delete(tick);
      onError(err);
    }
  }
  const pending = [...draws.entries()];
  draws.clear();
  const start = performance.now();
  for (const [index, [key, draw]] of pending.entries()) {
    if (index > 0 && performance.now() - start > FRAME_BUDGET_MS) {
      // The frame is full: the rest go first in the next one (unless asked for again meanwhile,
      // which keeps the newer request).
      const later = [...draws.entries()];
      draws.clear();
      for (const [k, d] of [...pending.slice(index), ...later]) draws.set(k, d);
      break;
    }
    const t0 = performance.now();
    try {
      draw();
    } catch (err) {
      onError(err);
    }
    const ms = performance.now() - t0;
    const timing = drawTiming[key] ?? (drawTiming[key] = { last: 0, max: 0, count: 0 });
    timing.last = ms;
    timing.max = Math.max(timing.max, ms);
    timing.count += 1;
  }
  if (frameListeners.size) {
    const now = performance.now();
    for (const listener of frameListeners) listener(now);
  }
  if (animations.size > 0 || draws.size > 0) schedule();
}

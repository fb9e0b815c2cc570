// The page's one animation-frame loop: redraws are coalesced, and training runs at most one
// step per frame, whichever views are playing.
//
// Input handlers only change state and call requestDraw; nothing heavy runs inside an event, so
// dragging a slider never queues work. Playing views register a training job; each frame runs
// one unit of work (a step, or a loss measurement) of one job, taking turns, then the redraws.

/** A step slower than this (ms) already uses most of a 60 Hz frame: still one step per frame. */
export const FRAME_BUDGET_MS = 12;

const draws = new Map();
const animations = new Set();
const jobs = [];
let turn = 0;
let frameRequested = false;

/** Step timings of the page, for display: the last and a running mean (ms). */
export const stepTiming = { last: NaN, mean: NaN, count: 0, overBudget: 0 };

/** @type {(err: unknown) => void} */
let onError = (err) => { console.warn(err); };

/**
 * Sets what happens to an error thrown by a draw, an animation or a job.
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
 * Registers a playing training job: `job()` does one unit of work (one training step or one
 * loss measurement). Jobs take turns, one unit per frame in all.
 * @param {() => void} job
 */
export function addTrainingJob(job) {
  if (!jobs.includes(job)) jobs.push(job);
  schedule();
}

/** @param {() => void} job */
export function removeTrainingJob(job) {
  const i = jobs.indexOf(job);
  if (i >= 0) jobs.splice(i, 1);
}

/**
 * Times one call to `trainStep` (performance.now around it) and records it.
 * @template T
 * @param {() => T} step
 * @returns {T}
 */
export function timeStep(step) {
  const t0 = performance.now();
  const result = step();
  const ms = performance.now() - t0;
  stepTiming.last = ms;
  stepTiming.count += 1;
  stepTiming.mean = stepTiming.count === 1 ? ms : stepTiming.mean + (ms - stepTiming.mean) / stepTiming.count;
  if (ms > FRAME_BUDGET_MS) stepTiming.overBudget += 1;
  return result;
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
  if (jobs.length > 0) {
    turn = (turn + 1) % jobs.length;
    const job = jobs[turn];
    try {
      job();
    } catch (err) {
      removeTrainingJob(job);
      onError(err);
    }
  }
  const pending = [...draws.values()];
  draws.clear();
  for (const draw of pending) {
    try {
      draw();
    } catch (err) {
      onError(err);
    }
  }
  if (animations.size > 0 || jobs.length > 0 || draws.size > 0) schedule();
}

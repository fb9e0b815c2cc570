// The learning check as a SCORM 1.2 SCO (see docs/scorm.md): the check alone, as the iframe page
// shows it (view=check), whose answers go to the LMS that launched it through the LMS's `API`
// object. Each answer is an interaction (cmi.interactions.n), each finished form a score and a
// lesson status, and the attempt ends (LMSFinish) when the after form is done or the page is left.
// Without an LMS (the page opened on its own, or the API out of reach) the check works as
// anywhere else and nothing is recorded.
import { linkSettings, mountPage } from './app.js';
import { viewMarkup } from './markup.js';
import { CHECK_ITEMS } from './check-view.js';

/**
 * The share of right answers that passes (6 of 8). scripts/dist.sh writes it into imsmanifest.xml
 * as adlcp:masteryscore (in percent), which the LMS hands back as cmi.student_data.mastery_score;
 * the score is reported in percent too (cmi.core.score.raw of 0–100), the scale an LMS compares
 * the mastery score with.
 */
export const MASTERY_SCORE = 0.75;

/** How many windows up from this one the API is looked for (ADL's own search stops at 7). */
const MAX_LEVELS = 10;

/**
 * The SCORM 1.2 API object of `win` or one of its parents, or null. A window of another origin
 * cannot be read; it is passed over.
 * @param {Window|null} win
 */
function findAPIFrom(win) {
  for (let level = 0; win && level <= MAX_LEVELS; level += 1) {
    try {
      if (win.API && typeof win.API.LMSInitialize === 'function') return win.API;
    } catch {
      // Another origin's window: not the LMS's.
    }
    if (win.parent === win) break;
    win = win.parent;
  }
  return null;
}

/** The LMS's API the standard way: this window and its parents, then the opener and its parents. */
function findAPI() {
  try {
    return findAPIFrom(window) ?? findAPIFrom(window.opener ?? null);
  } catch {
    return null;
  }
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/**
 * A duration as a SCORM 1.2 CMITimespan, HHHH:MM:SS.SS (at most 9999 hours).
 * @param {number} ms
 */
export function timespan(ms) {
  const centiseconds = Math.min(Math.max(0, Math.round(Number(ms) / 10) || 0), 9999 * 360000 + 359999);
  const hours = Math.floor(centiseconds / 360000);
  const minutes = Math.floor(centiseconds / 6000) % 60;
  const seconds = (centiseconds % 6000) / 100;
  return `${pad(hours, 4)}:${pad(minutes)}:${seconds.toFixed(2).padStart(5, '0')}`;
}

/**
 * A time of day as a SCORM 1.2 CMITime, HH:MM:SS (the learner's clock).
 * @param {Date} date
 */
export function clockTime(date) {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Calls `name`: `ok` when the LMS says it worked (its result, and LMSGetLastError at '0'). */
function lmsCall(api, name, ...args) {
  let result;
  let code = '0';
  try {
    result = api[name](...args);
    code = String(api.LMSGetLastError() ?? '0');
  } catch (err) {
    console.warn(`SCORM: ${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) threw`, err);
    return { ok: false, result };
  }
  const ok = code === '0' && (name === 'LMSGetValue' || String(result) === 'true');
  if (!ok) {
    let words = '';
    try {
      words = `${api.LMSGetErrorString(code)}${api.LMSGetDiagnostic(code) ? ` (${api.LMSGetDiagnostic(code)})` : ''}`;
    } catch {
      // The error's words are extra.
    }
    console.warn(`SCORM: ${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) failed: error ${code} ${words}`);
  }
  return { ok, result };
}

/**
 * Writes one answer's fields of an interaction through `field(name, value)`; the id first, since
 * it makes the interaction. False when the LMS refuses the id.
 */
function writeInteraction(field, { item, choice, correct, ms }) {
  const right = CHECK_ITEMS.find((i) => i.id === item)?.answer;
  if (!field('id', item)) return false;
  field('type', 'choice');
  if (right) field('correct_responses.0.pattern', right);
  field('student_response', choice);
  field('result', correct ? 'correct' : 'wrong');
  field('latency', timespan(ms));
  field('time', clockTime(new Date()));
  return true;
}

/**
 * The share of right answers that passes: the LMS's mastery score (the manifest's
 * adlcp:masteryscore, 0–100) decides, as it will when it judges the score itself; this SCO's own
 * stands in when the LMS gives none.
 * @param {string|null} given the LMS's cmi.student_data.mastery_score
 */
function masteryOf(given) {
  const percent = Number.parseFloat(given ?? '');
  return Number.isFinite(percent) && percent >= 0 && percent <= 100 ? percent / 100 : MASTERY_SCORE;
}

/**
 * One attempt with the LMS: its calls, each checked with LMSGetLastError, and what the check
 * records. Every method returns quietly once the attempt is over or when the LMS refuses a call
 * (the reason goes to the console); none throws.
 * @param {object|null} api the LMS's API object, or null (nothing is recorded)
 */
function scormSession(api) {
  let open = false;
  let recording = false; // an attempt is open, and not in review
  let startedAt = 0;
  let nextInteraction = 0;
  let interactions = false; // whether the LMS keeps cmi.interactions
  let mastery = MASTERY_SCORE;

  const call = (name, ...args) => lmsCall(api, name, ...args);
  const get = (element) => {
    const { ok, result } = call('LMSGetValue', element);
    return ok ? String(result ?? '') : null;
  };
  const set = (element, value) => call('LMSSetValue', element, String(value)).ok;
  const commit = () => call('LMSCommit', '').ok;

  return {
    /** Starts the attempt; false when there is no LMS or it refuses. */
    start() {
      if (!api) {
        console.info('SCORM: no LMS API found (window.API in this window, its parents or its opener); '
          + 'the check works, but nothing is recorded.');
        return false;
      }
      if (!call('LMSInitialize', '').ok) {
        console.info('SCORM: the LMS did not start the attempt; nothing is recorded.');
        return false;
      }
      open = true;
      startedAt = performance.now();
      // Review: the LMS shows an attempt already made, and keeps nothing new.
      if (get('cmi.core.lesson_mode') === 'review') {
        console.info('SCORM: review mode; the answers are not recorded.');
        return true;
      }
      const count = Number(get('cmi.interactions._count') ?? NaN);
      interactions = Number.isInteger(count) && count >= 0;
      nextInteraction = interactions ? count : 0;
      mastery = masteryOf(get('cmi.student_data.mastery_score'));
      if (['not attempted', ''].includes(get('cmi.core.lesson_status') ?? '')) set('cmi.core.lesson_status', 'incomplete');
      commit();
      recording = true;
      return true;
    },
    /** Writes one answer as the next interaction. */
    answered({ item, choice, correct, ms }) {
      if (!open || !recording || !interactions) return;
      const n = nextInteraction;
      nextInteraction += 1;
      if (writeInteraction((name, value) => set(`cmi.interactions.${n}.${name}`, value), { item, choice, correct, ms })) commit();
    },
    /** Writes a finished form's score and whether it passes; the later form's replaces the earlier's. */
    finished({ score, of }) {
      if (!open || !recording || !(of > 0)) return;
      const percent = Math.round((10000 * score) / of) / 100;
      set('cmi.core.score.raw', percent);
      set('cmi.core.score.min', 0);
      set('cmi.core.score.max', 100);
      // Compared as the LMS compares them: the reported score with the mastery score in percent.
      set('cmi.core.lesson_status', percent >= Math.round(mastery * 10000) / 100 ? 'passed' : 'failed');
      commit();
    },
    /** Ends the attempt: the time spent, then LMSFinish. Later calls do nothing. */
    finish() {
      if (!open) return;
      open = false;
      set('cmi.core.session_time', timespan(performance.now() - startedAt));
      call('LMSFinish', '');
    },
  };
}

const session = scormSession(findAPI());
session.start();
// Leaving the page ends the attempt (the LMS closing the SCO's frame or window, or the learner
// going elsewhere).
window.addEventListener('pagehide', () => session.finish());

/** Calls `fn` and keeps any error of it to the console: the check must not fail because of the LMS. */
const quietly = (fn) => (...args) => {
  try {
    fn(...args);
  } catch (err) {
    console.warn('SCORM: an answer could not be recorded', err);
  }
};

// The check's links to the full page (each answer's "see it", the button after the before form)
// open it beside the check: going there in this window would end the attempt.
window.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest('#check-next')) {
    event.stopPropagation(); // before the check's own handler, which goes there in this window
    window.open(new URL('index.html', import.meta.url).href, '_blank', 'noopener');
    return;
  }
  const link = target?.closest('a[href]');
  if (link && new URL(link.href, location.href).pathname !== location.pathname) {
    link.target = '_blank';
    link.rel = 'noopener';
  }
}, true);

const settings = linkSettings();
settings.values.view = 'check';
const root = document.getElementById('scorm-root');
root.replaceChildren(...await viewMarkup('check'));

await mountPage(settings, {
  onStart(demo) {
    // Called again after a Reset, with the new demo: the attempt goes on.
    demo.on('answer', quietly((detail) => session.answered(detail)));
    demo.on('checkdone', quietly((detail) => {
      session.finished(detail);
      // The after form is the last thing the check asks: the attempt ends with it. After the
      // before form it stays open for the after form (leaving the page ends it, with the before
      // form's score).
      if (detail.phase === 'after') session.finish();
    }));
  },
});

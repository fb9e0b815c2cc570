// The iframe embed: one view (view=topk by default) with the settings of the link, and its
// height sent to the host page so the iframe can fit it (see docs/embedding.md). Its settings
// last as long as the browser tab: a host that unloads the iframe and loads it again (reveal.js
// does when its slide is left and shown again) finds them as they were left.
import { linkSettings, mountPage } from './app.js';
import { viewMarkup } from './markup.js';
import { SETTINGS, parseSetting, queryFromState } from './state.js';

/** The message the host page receives: { type, height } in CSS pixels. */
const HEIGHT_MESSAGE = 'dropout-topk:height';

/** Where the tab keeps this embed's settings: one entry per page and link the host put in the src
 * (read now, before the page writes its settings into its own link). */
const STORAGE_KEY = `dropout-topk:settings:${location.pathname}${location.search}`;

/** Every setting is kept, so one moved back to its default also wins over the link's value. */
const ALL_SETTINGS = new Set(Object.keys(SETTINGS));

/**
 * The settings kept for this embed, as a link's query string; '' when there are none or the
 * tab's storage cannot be used (a sandboxed iframe, storage turned off).
 * @returns {string}
 */
function keptQuery() {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * Keeps the settings of `state` for this embed; without usable storage they last as long as the
 * page does.
 * @param {Record<string, unknown>} state
 */
function keep(state) {
  try {
    sessionStorage.setItem(STORAGE_KEY, queryFromState(state, ALL_SETTINGS));
  } catch {
    // No storage: nothing is kept.
  }
}

const settings = linkSettings();
// Kept settings win over the link's. Each is read as a link's is, and one that is not clean (not
// a value of its setting, out of range, unknown) is dropped: the link's value stays.
for (const [name, text] of new URLSearchParams(keptQuery())) {
  const { value, problem } = parseSetting(name, text);
  if (!problem) settings.values[name] = value;
}
const root = document.getElementById('embed-root');
root.replaceChildren(...await viewMarkup(settings.values.view ?? 'topk'));

// Tell the host page the height whenever it changes (the views grow as they fill in).
let reported = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== reported && window.parent !== window) {
    reported = height;
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  }
}).observe(document.documentElement);

await mountPage(settings, {
  onStart(demo) {
    keep(demo.state); // the settings as the demo started, with any change made while it loaded
    demo.subscribe('*', () => keep(demo.state));
    // The learning check's answers go to the host page as the element's events carry them.
    for (const type of ['answer', 'checkdone']) {
      demo.on(type, (detail) => {
        if (window.parent !== window) window.parent.postMessage({ type: `dropout-topk:${type}`, ...detail }, '*');
      });
    }
  },
});

// The iframe embed: one view (view=topk by default) with the settings of the link, and its
// height sent to the host page so the iframe can fit it (see README, "Embedding").
import { settingsFromQuery, queryFromState } from './state.js';
import { browserLanguage } from './i18n.js';
import { mountDemo } from './app.js';
import { viewMarkup } from './markup.js';

/** The message the host page receives: { type, height } in CSS pixels. */
const HEIGHT_MESSAGE = 'dropout-topk:height';

const { values, problems, present } = settingsFromQuery(location.search);
if (!present.has('lang')) values.lang = browserLanguage();
const root = document.getElementById('embed-root');
root.replaceChildren(...await viewMarkup(values.view ?? 'topk'));

// Tell the host page the height whenever it changes (the views grow as they fill in).
let reported = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== reported && window.parent !== window) {
    reported = height;
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  }
}).observe(document.documentElement);

const app = await mountDemo(document, {
  initial: values,
  problems,
  onChange(state) {
    const query = queryFromState(state, present);
    if (query !== location.search) history.replaceState(history.state, '', `${location.pathname}${query}`);
  },
});
// Anything thrown later, in Rust (a panic surfaces as an exception) or in the page, is shown.
window.addEventListener('error', (event) => app.showError(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => app.showError(event.reason));
window.dropoutTopK = { app, state: app.state, setSetting: app.set, ...app.timing };

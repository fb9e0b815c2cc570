// The full page: settings come from the link, every change is written back into it (without
// adding history entries), and a link that names a view scrolls to it.
import { settingsFromQuery, queryFromState } from './state.js';
import { browserLanguage } from './i18n.js';
import { mountDemo } from './app.js';

const { values, problems, present } = settingsFromQuery(location.search);
if (!present.has('lang')) values.lang = browserLanguage();

const app = await mountDemo(document, {
  initial: values,
  problems,
  onChange(state) {
    const query = queryFromState(state, present);
    if (query !== location.search) history.replaceState(history.state, '', `${location.pathname}${query}${location.hash}`);
  },
});
if (present.has('view') && !location.hash) document.getElementById(`${app.state.view}-view`)?.scrollIntoView();

// For tests and for measuring: this page's demo, its settings and timings.
// Anything thrown later, in Rust (a panic surfaces as an exception) or in the page, is shown.
window.addEventListener('error', (event) => app.showError(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => app.showError(event.reason));
window.dropoutTopK = { app, state: app.state, setSetting: app.set, ...app.timing };

// The full page: settings come from the link and are written back into it, and a link that
// names a view scrolls to it.
import { linkSettings, mountPage } from './app.js';

const settings = linkSettings();
const demo = await mountPage(settings);
if (settings.present.has('view') && !location.hash) {
  // After the first frame has drawn the views above it, so their height no longer moves it.
  requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById(`${demo.state.view}-view`)?.scrollIntoView()));
}

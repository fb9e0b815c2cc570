// The iframe embed: one view (view=topk by default) with the settings of the link, and its
// height sent to the host page so the iframe can fit it (see README, "Embedding").
import { linkSettings, mountPage } from './app.js';
import { viewMarkup } from './markup.js';

/** The message the host page receives: { type, height } in CSS pixels. */
const HEIGHT_MESSAGE = 'dropout-topk:height';

const settings = linkSettings();
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

await mountPage(settings);

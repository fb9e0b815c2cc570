// The web component: <script type="module" src=".../component.js"></script>, then
// <dropout-topk view="topk" k="5" lang="ja"></dropout-topk>. Attributes use the link's names
// (state.js); each element keeps its own settings and models, and all share one wasm module.
import { SETTINGS, VIEWS, parseSetting } from './state.js';
import { browserLanguage } from './i18n.js';
import { mountDemo } from './app.js';
import { viewMarkup } from './markup.js';

class DropoutTopK extends HTMLElement {
  static get observedAttributes() {
    return Object.keys(SETTINGS);
  }

  async connectedCallback() {
    if (this.shadowRoot) return;
    const shadow = this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('style.css', import.meta.url).href;
    const initial = {};
    const problems = [];
    for (const name of this.getAttributeNames()) {
      if (!(name in SETTINGS)) continue;
      const { value, problem } = parseSetting(name, this.getAttribute(name));
      if (value !== undefined) initial[name] = value;
      if (problem) problems.push(problem);
    }
    initial.lang ??= browserLanguage();
    const view = VIEWS.includes(initial.view) ? initial.view : 'topk';
    const body = document.createElement('div');
    body.className = 'component';
    body.append(...await viewMarkup(view));
    shadow.append(style, body);
    this.app = await mountDemo(shadow, { initial, problems });
    this.dispatchEvent(new CustomEvent('ready'));
  }

  /** A changed attribute changes the setting of the same name (the views that read it redraw). */
  attributeChangedCallback(name, old, text) {
    if (!this.app?.views || text === null || old === text) return;
    const { value } = parseSetting(name, text);
    if (value !== undefined) this.app.set(name, value);
  }
}

if (!customElements.get('dropout-topk')) customElements.define('dropout-topk', DropoutTopK);

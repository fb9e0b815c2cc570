// The web component: <script type="module" src=".../component.js"></script>, then
// <dropout-topk view="topk" k="5" lang="ja"></dropout-topk>. Attributes use the link's names
// (state.js); each element keeps its own settings and models, and all share one wasm module.
//
// An element starts its models when it nears the viewport (loading="eager": at once). Its
// settings are properties under the same names (el.k = 10), reflected to the attributes, and it
// fires events that bubble out of any shadow root: `sample`, `step`, `answer`, `checkdone`,
// `settingschange`, `ready`.
import { SETTINGS, VIEWS, LAUNCH_PARAMETERS, parseSetting, settingText } from './state.js';
import { browserLanguage, translator } from './i18n.js';
import { prepareDemo, problemText, startDemo } from './app.js';
import { viewMarkup } from './markup.js';
import { errorText } from './format.js';
import { fetchFile, fileUrl } from './load.js';

/** How far outside the viewport an element starts loading, so it is ready when it scrolls in. */
const START_MARGIN = '800px 0px';

const NAMES = Object.keys(SETTINGS);

let styles = null;

/**
 * The page's stylesheet, once per page, for the elements' shadow roots. A rem is the host page's
 * root font size, which some sites shrink (mdBook sets 62.5%, 10 px): inside an element every
 * rem length becomes `--rem`, the root size but at least 16 px. (Media queries keep theirs:
 * there a rem is the browser's default size anyway.)
 * @returns {Promise<CSSStyleSheet>}
 */
function elementStyles() {
  styles ??= Promise.resolve('style.css').then((path) => fetchFile(fileUrl(path))).then(async (response) => {
    const lines = (await response.text()).split('\n')
      .map((line) => (line.startsWith('@') ? line : line.replace(/(\d*\.?\d+)rem\b/g, 'calc($1 * var(--rem))')));
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`:host { --rem: max(1rem, 16px); }\n${lines.join('\n')}`);
    return sheet;
  }).catch((err) => {
    styles = null; // not kept: the next element tries again
    throw err;
  });
  return styles;
}

class DropoutTopK extends HTMLElement {
  static get observedAttributes() {
    return NAMES;
  }

  constructor() {
    super();
    /** The demo (app.js), once its markup is in; its views run once `ready` has resolved. */
    this.demo = null;
    /** Resolves with the element when its views are running. */
    this.ready = new Promise((resolve) => { this.started = resolve; });
  }

  async connectedCallback() {
    if (this.shadowRoot?.hasChildNodes()) return; // moved within the page: it keeps running
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const initial = {};
    const problems = [];
    for (const name of this.getAttributeNames()) {
      if (!(name in SETTINGS)) continue;
      const { value, problem } = parseSetting(name, this.getAttribute(name));
      if (value !== undefined) initial[name] = value;
      if (problem) problems.push(problem);
    }
    initial.lang ??= browserLanguage();
    // Where the learning check's answers go: the launch parameters, as attributes of the same names.
    const launch = Object.fromEntries(LAUNCH_PARAMETERS.filter((name) => this.hasAttribute(name))
      .map((name) => [name, this.getAttribute(name)]));
    const view = VIEWS.includes(initial.view) ? initial.view : 'topk';
    const body = document.createElement('div');
    body.className = 'component';
    shadow.append(body);
    try {
      shadow.adoptedStyleSheets = [await elementStyles()];
      body.append(...await viewMarkup(view));
    } catch (err) {
      // Without its markup there is no message box: the reason goes where the demo would be.
      const t = translator('en');
      body.textContent = t('app.wasmFailed', { message: errorText(err, { t }) });
      console.error(err);
      return;
    }
    if (!this.isConnected) { // removed while its markup loaded
      shadow.replaceChildren();
      return;
    }
    const demo = prepareDemo(shadow, { initial, launch, onChange: (state, name) => this.changed(name), restart: () => this.restart() });
    this.demo = demo;
    for (const type of ['sample', 'step', 'answer', 'checkdone']) demo.on(type, (detail) => this.fire(type, detail));
    if (this.getAttribute('loading') !== 'eager') await this.nearViewport();
    if (this.demo !== demo) return; // removed while it waited
    await startDemo(demo, problems);
    if (this.demo !== demo) {
      demo.close(); // removed while it started
      return;
    }
    this.started(this);
    this.fire('ready', {});
  }

  /**
   * Removed from the page (not moved: a move reconnects it at once), the element lets go of
   * everything its demo made (demo.close); put back, it starts afresh with the settings its
   * attributes carry.
   */
  disconnectedCallback() {
    queueMicrotask(() => {
      if (this.isConnected || !this.demo) return;
      this.stop();
    });
  }

  /** Closes the demo and empties the element. */
  stop() {
    this.demo.close();
    this.demo = null;
    this.shadowRoot.replaceChildren();
    this.ready = new Promise((resolve) => { this.started = resolve; });
  }

  /**
   * Builds the demo afresh in place (Reset, or a new `view` or `backend`), with the settings its
   * attributes carry (they reflect the settings as they are). The host page is not touched.
   */
  restart() {
    if (!this.demo) return;
    this.stop();
    this.connectedCallback();
  }

  /** Resolves when the element comes within START_MARGIN of the viewport. */
  nearViewport() {
    this.demo.setStatus('app.waiting');
    return new Promise((resolve) => {
      const observer = this.demo.observe(new IntersectionObserver((entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        resolve();
      }, { rootMargin: START_MARGIN }), this);
    });
  }

  /** Fires `type` from the element, bubbling and crossing shadow roots. */
  fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** A setting changed (by a control, a property or an attribute): reflect it and tell the page. */
  changed(name) {
    if (!this.demo) return;
    this.reflect(name);
    this.fire('settingschange', { name, value: structuredClone(this.demo.state[name]), settings: structuredClone(this.demo.state) });
  }

  /** Writes a setting's value into its attribute (without reading it back as a change). */
  reflect(name) {
    if (!this.demo) return; // rebuilding: the attribute already says what the new demo reads
    const text = settingText(this.demo.state[name]);
    if (this.getAttribute(name) === text) return;
    this.reflecting = true;
    this.setAttribute(name, text);
    this.reflecting = false;
  }

  /** A changed attribute changes the setting of the same name (the views that read it redraw). */
  attributeChangedCallback(name, old, text) {
    if (this.reflecting || !this.demo || text === null || old === text) return;
    this.setSetting(name, text);
  }

  /**
   * Sets a setting from a property or an attribute. A bad value is named in the demo's message
   * box and replaced as a link's would be (clamped, or the old value kept).
   */
  setSetting(name, value) {
    const text = settingText(value);
    if (!this.demo) {
      this.setAttribute(name, text); // read when the demo is made
      return;
    }
    const { value: parsed, problem } = parseSetting(name, text);
    if (problem) this.demo.showMessage(problemText(this.demo, problem), { reset: false });
    if (parsed !== undefined) this.demo.set(name, parsed);
    this.reflect(name); // a bad or clamped value leaves the attribute showing the value in use
  }

  /** Draws one character, as the top-k view's Sample does (its `sample` event carries it). */
  async sample() {
    await this.ready;
    this.shadowRoot.getElementById('sample')?.click();
  }

  /** Takes one training step, as the dropout view's Step does (its `step` event carries it). */
  async step() {
    await this.ready;
    this.shadowRoot.getElementById('dropout-step')?.click();
  }
}

// Every setting is a property of the same name.
for (const name of NAMES) {
  Object.defineProperty(DropoutTopK.prototype, name, {
    get() {
      if (this.demo) return structuredClone(this.demo.state[name]);
      const text = this.getAttribute(name);
      const parsed = text === null ? undefined : parseSetting(name, text).value;
      return parsed ?? structuredClone(SETTINGS[name].default);
    },
    set(value) {
      this.setSetting(name, value);
    },
    enumerable: true,
  });
}

if (!customElements.get('dropout-topk')) customElements.define('dropout-topk', DropoutTopK);

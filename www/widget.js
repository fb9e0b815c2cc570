// The demo as a notebook widget: an anywidget front end (https://anywidget.dev), so it runs in
// JupyterLab, Jupyter Notebook, VS Code and marimo. The Python class (python/, `dropout_topk.Demo`)
// declares a trait per setting, under the link's names; each is synced both ways with the
// element's property of the same name, and a trait left at None (`lang`) leaves the element's own
// default until the reader picks a value. `last_sample` and `answers` are written here only: the
// character the reader last drew, as the element's `sample` event gives it, and the learning
// check's answers, as its `answer` events give them. Python's `sample()` and `step()` arrive as
// custom messages and press the element's buttons.
import { SETTINGS, settingText } from './state.js';
import './component.js';

/** Front-end module contract of anywidget: render draws the widget into `el`. */
export default {
  render({ model, el }) {
    const demo = document.createElement('dropout-topk');
    // Keys pressed in the widget are the widget's: without this, JupyterLab's notebook shortcuts
    // (a, b, m, x, the arrows) act on the cell, as the key's target (the element) has focus.
    demo.setAttribute('data-lm-suppress-shortcuts', '');
    // Only the settings the Python class declares are synced; the others keep their defaults.
    const synced = Object.keys(SETTINGS).filter((name) => model.get(name) !== undefined);
    // A host with no kernel behind it (a MyST page) may not take changes back: the widget still works.
    const write = (name, value) => {
      model.set(name, value);
      try {
        model.save_changes();
      } catch { /* nothing to save to */ }
    };
    const given = (name) => model.get(name) !== null;
    for (const name of synced.filter(given)) demo.setAttribute(name, settingText(model.get(name)));
    const offs = synced.map((name) => {
      const update = () => { if (given(name)) demo[name] = model.get(name); };
      model.on(`change:${name}`, update);
      return () => model.off(`change:${name}`, update);
    });
    const command = ({ command: name }) => {
      if (name === 'sample' || name === 'step') demo[name]();
    };
    model.on('msg:custom', command);
    offs.push(() => model.off('msg:custom', command));
    demo.addEventListener('settingschange', ({ detail: { name, value } }) => {
      if (!synced.includes(name) || settingText(model.get(name)) === settingText(value)) return;
      write(name, value);
    });
    demo.addEventListener('sample', ({ detail }) => write('last_sample', detail));
    // The learning check's answers, in the order given, when the Python class declares `answers`.
    demo.addEventListener('answer', ({ detail }) => {
      if (model.get('answers') !== undefined) write('answers', [...(model.get('answers') ?? []), detail]);
    });
    el.append(demo);
    return () => {
      offs.forEach((off) => off());
      demo.remove();
    };
  },
};

// A range input bound to a setting by its one name (state.js): the input, its <output> and its
// spoken value follow the state, and moving it sets the state. Every slider of every view is one.

/**
 * The text a slider shows and speaks for a value.
 * @param {string} symbol what the value is called ("k", "T", "p")
 * @param {number} value
 * @param {number} digits decimals shown (0 for an integer)
 * @param {(x: number, digits: number) => string} number formats in the demo's language
 * @returns {{shown: string, spoken: string}}
 */
export function sliderText(symbol, value, digits, number) {
  const shown = digits ? number(value, digits) : String(value);
  return { shown, spoken: `${symbol} = ${shown}` };
}

/**
 * Binds the slider `#id` (and its output `#id-value`) under the demo's root to the setting
 * `name` (`id` is the setting's name unless a second slider of the same setting needs its own).
 * Moving it sets the setting; the demo's subscribers redraw.
 * @param {{$: (id: string) => HTMLElement|null, state: object, set: Function, number: Function}} demo
 * @param {string} name a setting of state.js
 * @param {{symbol: string, digits?: number, id?: string}} options
 * @returns {{input: HTMLInputElement, render: (options?: {disabled?: boolean, max?: number}) => void}|null}
 */
export function bindSlider(demo, name, { symbol, digits = 2, id = name }) {
  const input = demo.$(id);
  const output = demo.$(`${id}-value`);
  if (!input) return null;
  input.addEventListener('input', () => demo.set(name, Number(input.value)));
  return {
    input,
    /** Shows the setting's value; `max` and `disabled` when the view says so. */
    render({ disabled, max } = {}) {
      if (max !== undefined) input.max = String(max);
      if (disabled !== undefined) input.disabled = disabled;
      const value = demo.state[name];
      const { shown, spoken } = sliderText(symbol, value, digits, demo.number);
      input.value = String(value);
      if (output) output.value = shown;
      input.setAttribute('aria-valuetext', spoken);
    },
  };
}

// The training worker: every model that trains lives here, off the page's main thread, so a
// training step (tens of milliseconds in wasm) never holds up a slider, a click or a frame.
//
// The page sends commands (see trainer.js); playing models take turns, one step per task, and
// after each step the worker posts a report: the loss, the step time, a loss measurement when one
// is due, and, when the page has asked for them, the masks that step applied.

/** Steps between two loss measurements with dropout off (training and validation parts). */
const EVAL_EVERY = 10;
/** Throwaway steps after the first model is created (see warmUp). */
const WARM_UP_STEPS = 3;

/** @type {Map<number, {demo: Demo, generation: number, playing: boolean, observe: boolean, wantSites: boolean}>} */
const models = new Map();
let ready = null;
let Demo = null; // the binding's class, from the module the page chose
let englishText = ''; // the text built into the module (for the warm-up)
let memory = null; // the instance's memory, for the benchmark's growth check
let turn = 0;
let warmedUp = false;
let scheduled = false;
// A message to ourselves runs the next step as a new task, after any command already queued.
const tick = new MessageChannel();
tick.port1.onmessage = playOne;

function schedule() {
  if (!scheduled && [...models.values()].some((m) => m.playing)) {
    scheduled = true;
    tick.port2.postMessage(null);
  }
}

function message(err) {
  return err instanceof Error ? err.message : String(err);
}

/** Training and validation loss with dropout off (NaN when a part is too short to measure). */
function measure(demo) {
  return { step: demo.steps(), train: demo.trainingLoss(), valid: demo.validationLoss() };
}

/** The sites of the last observed step, as transferable arrays. */
function readSites(demo) {
  const sites = [];
  for (let i = 0; i < demo.siteCount(); i++) {
    sites.push({ info: demo.siteInfo(i), mask: demo.siteMask(i), draws: demo.siteDraws(i),
      before: demo.siteBefore(i), after: demo.siteAfter(i) });
  }
  return sites;
}

/** One training step of model `id`, reported to the page. */
function step(id, model) {
  const observe = model.observe && model.wantSites;
  const t0 = performance.now();
  const result = model.demo.trainStep(observe);
  const ms = performance.now() - t0;
  const report = { type: 'report', id, generation: model.generation, step: result.step, loss: result.loss,
    gradNorm: result.gradNorm, ms };
  const transfer = [];
  if (observe) {
    model.wantSites = false;
    report.sites = readSites(model.demo);
    for (const site of report.sites) transfer.push(site.mask.buffer, site.draws.buffer, site.before.buffer, site.after.buffer);
  }
  if (result.step % EVAL_EVERY === 0) report.measured = measure(model.demo);
  postMessage(report, transfer);
}

function playOne() {
  scheduled = false;
  const playing = [...models.entries()].filter(([, m]) => m.playing);
  if (!playing.length) return;
  turn = (turn + 1) % playing.length;
  const [id, model] = playing[turn];
  try {
    step(id, model);
  } catch (err) {
    model.playing = false;
    postMessage({ type: 'error', id, generation: model.generation, message: message(err) });
  }
  schedule();
}

/**
 * A few throwaway observed steps on a scratch model, run once, right after the first model is
 * created. Some engines compile a wasm function only when it is first called (WebKit's first step
 * took about 2 s, its later ones 35 ms), so the reader's first Step would pay for it; done here, it
 * is paid while the reader is still reading. A press that arrives meanwhile waits its turn.
 * @param {{backend: string, seed: number}} msg the first create command
 */
function warmUp(msg) {
  warmedUp = true;
  const t0 = performance.now();
  let scratch;
  try {
    scratch = Demo.fromText(englishText, msg.backend, msg.seed);
    for (let i = 0; i < WARM_UP_STEPS; i++) scratch.trainStep(true);
  } catch {
    // Only a warm-up: the real models report their own errors.
  } finally {
    scratch?.free();
  }
  postMessage({ type: 'warmed', ms: performance.now() - t0 });
}

function get(id) {
  const model = models.get(id);
  if (!model) throw new Error(`no model ${id} in the training worker`);
  return model;
}

/** Runs one command; its return value (and transferables) answer the page's request. */
function handle(msg) {
  switch (msg.type) {
    case 'create': {
      const demo = msg.weights
        ? Demo.withWeights(msg.weights, msg.backend, msg.seed)
        : Demo.fromText(msg.text, msg.backend, msg.seed);
      if (msg.limitChars) demo.limitTrainingText(msg.limitChars);
      demo.setDropout(msg.dropout_p);
      models.get(msg.id)?.demo.free();
      models.set(msg.id, { demo, generation: msg.generation, playing: false, observe: Boolean(msg.observe), wantSites: true });
      return { value: { vocab: demo.vocab(), measured: measure(demo) } };
    }
    case 'free':
      models.get(msg.id)?.demo.free();
      models.delete(msg.id);
      return {};
    case 'setDropout':
      get(msg.id).demo.setDropout(msg.p);
      return {};
    case 'play':
      get(msg.id).playing = msg.playing;
      schedule();
      return {};
    case 'wantSites':
      get(msg.id).wantSites = true;
      return {};
    case 'step': {
      const model = get(msg.id);
      for (let i = 0; i < msg.count; i++) {
        if (msg.observe) model.wantSites = true;
        step(msg.id, model);
      }
      return {};
    }
    case 'logits': {
      const { demo } = get(msg.id);
      const logits = msg.mcDraw === null || msg.mcDraw === undefined
        ? demo.logits(msg.prompt)
        : demo.mcDropoutLogits(msg.prompt, msg.mcDraw);
      return { value: logits, transfer: [logits.buffer] };
    }
    case 'memory':
      return { value: memory.buffer.byteLength };
    case 'weights': {
      const bytes = get(msg.id).demo.weights();
      return { value: bytes, transfer: [bytes.buffer] };
    }
    default:
      throw new Error(`unknown command ${msg.type}`);
  }
}

self.onmessage = async ({ data: msg }) => {
  if (msg.type === 'init') {
    // The page hands over the module it compiled (and its binding), so the wasm is fetched and
    // compiled once.
    ready = import(msg.glue).then(async (binding) => {
      memory = (await binding.default({ module_or_path: msg.module })).memory;
      Demo = binding.Demo;
      englishText = binding.englishText();
    });
  }
  let reply;
  try {
    await ready;
    reply = msg.type === 'init' ? {} : handle(msg);
  } catch (err) {
    if (msg.request !== undefined) postMessage({ type: 'reply', request: msg.request, error: message(err) });
    else postMessage({ type: 'error', id: msg.id, generation: models.get(msg.id)?.generation, message: message(err) });
    return;
  }
  if (msg.request !== undefined) {
    postMessage({ type: 'reply', request: msg.request, value: reply.value }, reply.transfer ?? []);
  }
  // After the reply, so the page's model is ready at once and only a press waits.
  if (msg.type === 'create' && !warmedUp) warmUp(msg);
};

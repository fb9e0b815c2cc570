// The training worker: every model that trains lives here, off the page's main thread, so a
// training step (tens of milliseconds in wasm) never holds up a slider, a click or a frame.
//
// The page sends commands (see training-worker.js); playing models take turns, one step per task, and
// after each step the worker posts the core's report as it came (web.rs trainStep: the loss and,
// when the page has asked for them, the masks that step applied), plus the step's time.
//
// A loss measurement starts every few steps. Where the page runs a second copy of this worker to
// measure (`measureApart`), the report hands it over: the weights at its step, which that copy
// loads into its own copy of the model and measures (`measureWeights`), so the steps here never
// wait for it. Otherwise it is taken here a piece after each later step (web.rs measurePiece), and
// when no model plays, the worker ends the ones under way a piece per task and posts each as
// `measured`.

/** Throwaway steps after the first model is created (see warmUp). */
const WARM_UP_STEPS = 3;

/** @type {Map<number, {handle: Demo, generation: number, playing: boolean, p: number, observe: boolean, wantSites: boolean}>} */
const models = new Map();
let ready = null;
let Demo = null; // the binding's class, from the module the page chose
let englishText = ''; // the text built into the module (for the warm-up)
let memory = null; // the instance's memory, for the benchmark's growth check
let turn = 0;
let warmedUp = false;
let scheduled = false;
let measureApart = false; // measurements are handed to the page's measuring worker
// A message to ourselves runs the next step as a new task, after any command already queued.
const tick = new MessageChannel();
tick.port1.onmessage = playOne;

function schedule() {
  if (!scheduled && [...models.values()].some((m) => m.playing || m.handle.measuring())) {
    scheduled = true;
    tick.port2.postMessage(null);
  }
}

/** An error as it crosses to the page: its message, and the core's code and params if any. */
function errorData(err) {
  if (err instanceof Error) return { message: err.message || String(err), code: err.code, params: err.params };
  return { message: String(err) };
}

/** The typed arrays of a report, handed over rather than copied. */
function buffers(report) {
  const sites = report.sites.flatMap((site) => [site.mask.buffer, site.draws.buffer, site.before.buffer, site.after.buffer]);
  return report.handedOver ? [...sites, report.handedOver.weights.buffer] : sites;
}

/** One training step of model `id` at its dropout rate, reported to the page. */
function step(id, model) {
  const observe = model.observe && model.wantSites;
  const t0 = performance.now();
  const report = model.handle.trainStep(model.p, observe);
  report.ms = performance.now() - t0;
  // The loss measurement under way: handed over whole, or a piece of it taken here, timed apart
  // (report.ms is the step's own time).
  if (measureApart) report.handedOver = model.handle.handOverMeasurement();
  else report.measured ??= model.handle.measurePiece();
  report.rate = model.p; // the dropout rate the step trained at
  if (observe) model.wantSites = false;
  postMessage({ type: 'report', id, generation: model.generation, report }, buffers(report));
}

function playOne() {
  scheduled = false;
  const playing = [...models.entries()].filter(([, m]) => m.playing);
  if (!playing.length) {
    measureOne();
  } else {
    turn = (turn + 1) % playing.length;
    const [id, model] = playing[turn];
    try {
      step(id, model);
    } catch (err) {
      model.playing = false;
      postMessage({ type: 'error', id, generation: model.generation, error: errorData(err) });
    }
  }
  schedule();
}

/** With no model playing: a piece of one model's loss measurement, posted once it ends. */
function measureOne() {
  const entry = [...models.entries()].find(([, m]) => m.handle.measuring());
  if (!entry) return;
  const [id, model] = entry;
  const measured = model.handle.measurePiece();
  if (measured) postMessage({ type: 'measured', id, generation: model.generation, measured });
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
    for (let i = 0; i < WARM_UP_STEPS; i++) scratch.trainStep(0.1, true);
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

/** The commands: each returns its answer (and transferables) for the page's request. */
const COMMANDS = {
  create(msg) {
    const handle = msg.weights
      ? Demo.withWeights(msg.weights, msg.backend, msg.seed)
      : Demo.fromText(msg.text, msg.backend, msg.seed);
    if (msg.limitChars) handle.limitTrainingText(msg.limitChars);
    if (msg.maskStream) handle.setMaskStream(msg.maskStream);
    if (msg.learningRate) handle.setLearningRate(msg.learningRate);
    models.get(msg.id)?.handle.free();
    models.set(msg.id, { handle, generation: msg.generation, playing: false, p: 0, observe: Boolean(msg.observe), wantSites: true });
    // A copy made to measure another worker's weights has nothing of its own to measure yet.
    return { value: { vocab: handle.vocab(), measured: msg.copy ? null : handle.measure() } };
  },
  /** The losses of weights handed over by the training worker, at the step they are of. */
  measureWeights(msg) {
    const { handle } = get(msg.id);
    handle.loadWeights(msg.weights);
    return { value: { ...handle.measure(), step: msg.step } };
  },
  free(msg) {
    models.get(msg.id)?.handle.free();
    models.delete(msg.id);
    return {};
  },
  setDropout(msg) {
    // A rate sent before the model exists is for its play, which will carry its own.
    const model = models.get(msg.id);
    if (model) model.p = msg.p;
    return {};
  },
  play(msg) {
    const model = get(msg.id);
    model.playing = msg.playing;
    if (msg.p !== undefined) model.p = msg.p;
    schedule();
    return {};
  },
  wantSites(msg) {
    get(msg.id).wantSites = true;
    return {};
  },
  step(msg) {
    const model = get(msg.id);
    model.p = msg.p;
    for (let i = 0; i < msg.count; i++) {
      if (msg.observe) model.wantSites = true;
      step(msg.id, model);
    }
    schedule(); // ends a measurement the steps started, if no model plays
    return {};
  },
  logits(msg) {
    const { handle } = get(msg.id);
    const logits = msg.mc ? handle.mcDropoutLogits(msg.prompt, msg.mc.p, msg.mc.seed, msg.mc.draw) : handle.logits(msg.prompt);
    return { value: logits, transfer: [logits.buffer] };
  },
  generate(msg) {
    return { value: get(msg.id).handle.generate(msg.prompt, msg.settings, msg.length) };
  },
  memory() {
    return { value: memory.buffer.byteLength };
  },
  /** How many models the worker holds (every closed demo's are freed). */
  count() {
    return { value: models.size };
  },
  weights(msg) {
    const bytes = get(msg.id).handle.weights();
    return { value: bytes, transfer: [bytes.buffer] };
  },
};

/** Runs one command; its return value (and transferables) answer the page's request. */
function handle(msg) {
  const command = COMMANDS[msg.type];
  if (!command) throw new Error(`unknown command ${msg.type}`);
  return command(msg);
}

self.onmessage = async ({ data: msg }) => {
  if (msg.type === 'init') {
    // The page hands over the module it compiled (and its binding), so the wasm is fetched and
    // compiled once.
    measureApart = Boolean(msg.measureApart);
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
    if (msg.request !== undefined) postMessage({ type: 'reply', request: msg.request, error: errorData(err) });
    else postMessage({ type: 'error', id: msg.id, generation: models.get(msg.id)?.generation, error: errorData(err) });
    return;
  }
  if (msg.request !== undefined) {
    postMessage({ type: 'reply', request: msg.request, value: reply.value }, reply.transfer ?? []);
  }
  // After the reply, so the page's model is ready at once and only a press waits.
  if (msg.type === 'create' && !msg.copy && !warmedUp) warmUp(msg);
};

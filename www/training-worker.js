// The page's side of the training worker (worker.js): models that train are handles here,
// their steps run in the worker, and each step's report comes back to the model's own listener.
// One worker serves every demo on a page; an error of one model reaches that model's demo only.
// Where the device has a core to spare, a second copy of the worker measures the losses of the
// weights the first hands over, on copies of its models (TrainingWorker.measureHandedOver).
import { fileUrl, loadFailure, moduleWorker } from './load.js';

/**
 * A step's report: what the core's trainStep returned (web.rs), plus the step's time in the worker.
 * @typedef {{step: number, loss: number, ms: number, rate: number,
 *   sites: Array<{kind: string, block: number|null, shape: number[], p: number, units: number, dropped: number,
 *     scale: number, mask: Uint8Array, draws: Float32Array, before: Float32Array, after: Float32Array,
 *     live: Uint8Array|null}>,
 *   measured: {step: number, train: number, valid: number}|null}} StepReport
 */

/**
 * Starts the worker with the page's compiled wasm module.
 * @param {WebAssembly.Module} module
 * @param {string} glue the URL of the module's JS binding (pkg/…/dropout_topk.js)
 * @returns {TrainingWorker}
 */
export function startTrainingWorker(module, glue) {
  const script = fileUrl('worker.js');
  // Loss measurements go to a second worker where the device has a core for it (see worker.js).
  const measureApart = (navigator.hardwareConcurrency ?? 1) > 1;
  const training = startWorker(script, { type: 'init', module, glue, measureApart });
  if (measureApart) training.startMeasurer = () => startWorker(script, { type: 'init', module, glue });
  return training;
}

/** A worker running `script`, sent `init` first (it instantiates the module, then runs what follows in order). */
function startWorker(script, init) {
  const { worker, release } = moduleWorker(script);
  const training = new TrainingWorker(worker, script);
  training.request(init).then(release, (err) => training.fail(err));
  return training;
}

/**
 * Asks a worker to make a model from `options`; the weights, if any, are copied and the copy handed
 * over, so the caller's stay usable.
 * @param {TrainingWorker} worker
 * @param {{id: number, generation: number, copy?: boolean}} which
 * @param {object} options as RemoteModel.create takes them
 */
function requestCreate(worker, which, options) {
  const weights = options.weights?.slice();
  return worker.request({ type: 'create', ...which, ...options, weights }, weights ? [weights.buffer] : []);
}

/** The worker and the models in it. */
export class TrainingWorker {
  /**
   * @param {Worker} worker
   * @param {string} script the worker's URL, to say what failed if it cannot start
   */
  constructor(worker, script) {
    this.worker = worker;
    this.models = new Map();
    this.pending = new Map();
    this.nextRequest = 0;
    this.nextId = 0;
    /** How long the worker's warm-up took (ms), once it has run (see worker.js). */
    this.warmUpMs = NaN;
    /** Listeners for errors of the worker itself (each demo adds one): a crash concerns them all. */
    this.errorListeners = new Set();
    /** @type {(() => TrainingWorker)|null} starts the worker that measures handed-over weights */
    this.startMeasurer = null;
    /** @type {TrainingWorker|null} that worker, once a measurement has been handed over */
    this.measurer = null;
    worker.onmessage = ({ data }) => this.receive(data);
    this.started = false; // set once the worker has answered
    worker.onerror = async (event) => {
      event.preventDefault();
      // Before its first answer, an error is its script failing to load: find out why.
      const err = this.started
        ? new Error(`the training worker failed: ${event.message || 'unknown error'}`)
        : await loadFailure(script, new Error(event.message || 'the worker did not start'));
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
      this.fail(err);
    };
  }

  /**
   * Listens for errors of the worker outside any model's request.
   * @param {(err: Error) => void} listener
   * @returns {() => void} removes the listener
   */
  onError(listener) {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** @param {Error} err reported to every listener (the console when there is none) */
  fail(err) {
    if (!this.errorListeners.size) console.error(err);
    for (const listener of this.errorListeners) listener(err);
  }

  /**
   * Sends a command and resolves with the worker's answer.
   * @param {object} msg
   * @param {Transferable[]} [transfer]
   * @returns {Promise<any>}
   */
  request(msg, transfer = []) {
    const request = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pending.set(request, { resolve, reject });
      this.worker.postMessage({ ...msg, request }, transfer);
    });
  }

  /** Sends a command that needs no answer. */
  send(msg) {
    this.worker.postMessage(msg);
  }

  receive(data) {
    this.started = true;
    if (data.type === 'reply') {
      const pending = this.pending.get(data.request);
      this.pending.delete(data.request);
      if (!pending) return;
      if (data.error !== undefined) pending.reject(Object.assign(new Error(data.error.message), data.error));
      else pending.resolve(data.value);
      return;
    }
    if (data.type === 'warmed') {
      this.warmUpMs = data.ms;
      return;
    }
    const model = this.models.get(data.id);
    // Reports of a model that was re-created or freed since are dropped.
    if (data.id !== undefined && !model) return;
    if (model && data.generation !== model.generation) return;
    if (data.type === 'report') {
      const { handedOver, ...report } = data.report;
      if (handedOver && model) this.measureHandedOver(model, handedOver);
      model?.onReport(report);
    } else if (data.type === 'measured') {
      model?.onMeasured(data.measured);
    } else if (data.type === 'error') {
      const err = Object.assign(new Error(data.error.message), data.error);
      if (model) model.onError(err);
      else this.fail(err);
    }
  }

  /**
   * Measures a model's weights handed over at a step, in the measuring worker (started on first
   * use), on a copy of the model made as the model was; the losses reach the model's onMeasured.
   * @param {RemoteModel} model
   * @param {{step: number, weights: Uint8Array}} handedOver
   */
  measureHandedOver(model, { step, weights }) {
    if (!this.measurer) {
      this.measurer = this.startMeasurer();
      this.measurer.onError((err) => this.fail(err));
    }
    const { generation } = model;
    if (model.copied !== generation) {
      model.copied = generation;
      requestCreate(this.measurer, { id: model.id, generation, copy: true }, model.options)
        .catch((err) => model.generation === generation && model.onError(err));
    }
    this.measurer.request({ type: 'measureWeights', id: model.id, step, weights }, [weights.buffer]).then(
      (measured) => model.generation === generation && model.onMeasured(measured),
      (err) => model.generation === generation && model.onError(err),
    );
  }

  /** @returns {Promise<number>} bytes of the worker's wasm memory */
  memory() {
    return this.request({ type: 'memory' });
  }

  /** @returns {Promise<number>} how many models the worker holds (with their copies that measure) */
  async modelCount() {
    const [own, copies] = await Promise.all([this.request({ type: 'count' }), this.measurer?.modelCount() ?? 0]);
    return own + copies;
  }

  /** @returns {RemoteModel} a handle for a model that does not exist yet (see RemoteModel.create) */
  model() {
    const model = new RemoteModel(this, this.nextId++);
    this.models.set(model.id, model);
    return model;
  }
}

/** One model in the worker. Create it, then step it or let it play; reports arrive in onReport. */
export class RemoteModel {
  constructor(training, id) {
    this.training = training;
    this.id = id;
    this.generation = 0;
    /** @type {(report: StepReport) => void} */
    this.onReport = () => {};
    /** @type {(measured: {step: number, train: number, valid: number}) => void} a loss measurement that ended while no model played */
    this.onMeasured = () => {};
    /** @type {(err: Error) => void} */
    this.onError = (err) => training.fail(err);
    /** Settles (never rejects) once the latest create has been answered. */
    this.created = Promise.resolve();
    /** How the latest create made it (a copy that measures is made the same way). */
    this.options = null;
    /** The generation whose copy the measuring worker holds, if any. */
    this.copied = undefined;
  }

  /**
   * (Re)creates the model: fresh weights from `seed` on `text`, or the shipped weights.
   * @param {{text?: string, weights?: Uint8Array, backend: string, seed: number, limitChars?: number,
   *   maskStream?: number, learningRate?: number, observe?: boolean}} options maskStream: which stream its
   *   dropout masks come from; learningRate: Adam's step size, if not a fresh model's
   * @returns {Promise<{vocab: string[], measured: {step: number, train: number, valid: number}}>}
   */
  create(options) {
    if (this.freed) return Promise.reject(new Error('this model was freed: its demo has closed'));
    this.generation += 1;
    this.options = options;
    const answer = requestCreate(this.training, { id: this.id, generation: this.generation }, options);
    this.created = answer.then(() => {}, () => {});
    return answer;
  }

  /**
   * Starts or stops training in turns with the other playing models.
   * @param {boolean} playing
   * @param {number} [p] the dropout rate of the steps it plays
   */
  play(playing, p) {
    this.training.send({ type: 'play', id: this.id, playing, p });
  }

  /** @param {number} p the dropout rate of the steps it plays from now on */
  setDropout(p) {
    this.training.send({ type: 'setDropout', id: this.id, p });
  }

  /** Asks for the masks of the next step (the page has drawn the last ones). */
  wantSites() {
    this.training.send({ type: 'wantSites', id: this.id });
  }

  /**
   * Runs `count` steps now at dropout rate p; their reports arrive before this resolves.
   * @param {number} p
   * @param {{count?: number, observe?: boolean}} [options] observe: report every step's masks
   */
  step(p, { count = 1, observe = false } = {}) {
    return this.training.request({ type: 'step', id: this.id, count, observe, p });
  }

  /**
   * Next-character logits after `prompt`: dropout off, or left on at rate p with the masks of
   * `seed` and draw number `draw` (Monte Carlo dropout).
   * @param {string} prompt
   * @param {{p: number, seed: number, draw: number}|null} [mc]
   * @returns {Promise<Float32Array>}
   */
  logits(prompt, mc = null) {
    return this.training.request({ type: 'logits', id: this.id, prompt, mc });
  }

  /**
   * `length` characters after `prompt`, drawn under `settings` (the link's names, with a seed).
   * @returns {Promise<string>}
   */
  generate(prompt, settings, length) {
    return this.training.request({ type: 'generate', id: this.id, prompt, settings, length });
  }

  /** @returns {Promise<Uint8Array>} the model's weights (burnpack bytes) */
  weights() {
    return this.training.request({ type: 'weights', id: this.id });
  }

  /** Removes the model from the worker; its reports stop. */
  free() {
    this.freed = true;
    this.generation += 1;
    this.training.models.delete(this.id);
    this.training.send({ type: 'free', id: this.id });
    if (this.copied !== undefined) this.training.measurer.send({ type: 'free', id: this.id });
  }
}

// The page's side of the training worker (train-worker.js): models that train are handles here,
// their steps run in the worker, and each step's report comes back as an event.
import { recordStep } from './loop.js';

/**
 * A step's report.
 * @typedef {{step: number, loss: number, gradNorm: number, ms: number,
 *   sites?: Array<{info: object, mask: Uint8Array, draws: Float32Array, before: Float32Array, after: Float32Array}>,
 *   measured?: {step: number, train: number, valid: number}}} StepReport
 */

/**
 * Starts the worker with the page's compiled wasm module.
 * @param {WebAssembly.Module} module
 * @param {string} glue the URL of the module's JS binding (pkg/…/dropout_topk.js)
 * @returns {Trainer}
 */
export function startTrainer(module, glue) {
  const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
  const trainer = new Trainer(worker);
  // The first message: the worker instantiates the module, then runs what follows in order.
  trainer.request({ type: 'init', module, glue }).catch((err) => trainer.onError(err));
  return trainer;
}

/** The worker and the models in it. */
export class Trainer {
  /**
   * @param {Worker} worker
   */
  constructor(worker) {
    this.worker = worker;
    this.models = new Map();
    this.pending = new Map();
    this.nextRequest = 0;
    this.nextId = 0;
    /** How long the worker's warm-up took (ms), once it has run (see train-worker.js). */
    this.warmUpMs = NaN;
    /** Called with an error the worker reports outside any request (or a crashed worker). */
    this.onError = (err) => console.error(err);
    worker.onmessage = ({ data }) => this.receive(data);
    worker.onerror = (event) => {
      event.preventDefault();
      const err = new Error(`the training worker failed: ${event.message || 'it could not start'}`);
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
      this.onError(err);
    };
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
    if (data.type === 'reply') {
      const pending = this.pending.get(data.request);
      this.pending.delete(data.request);
      if (!pending) return;
      if (data.error !== undefined) pending.reject(new Error(data.error));
      else pending.resolve(data.value);
      return;
    }
    if (data.type === 'warmed') {
      this.warmUpMs = data.ms;
      return;
    }
    const model = this.models.get(data.id);
    // Reports of a model that was re-created or freed since are dropped.
    if (model && data.generation !== model.generation) return;
    if (data.type === 'report') {
      recordStep(data.ms);
      model?.onReport(data);
    } else if (data.type === 'error') {
      const err = new Error(data.message);
      if (model) model.onError(err);
      else this.onError(err);
    }
  }

  /** @returns {Promise<number>} bytes of the worker's wasm memory */
  memory() {
    return this.request({ type: 'memory' });
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
  constructor(trainer, id) {
    this.trainer = trainer;
    this.id = id;
    this.generation = 0;
    /** @type {(report: StepReport) => void} */
    this.onReport = () => {};
    /** @type {(err: Error) => void} */
    this.onError = (err) => trainer.onError(err);
    /** Settles (never rejects) once the latest create has been answered. */
    this.created = Promise.resolve();
  }

  /**
   * (Re)creates the model: fresh weights from `seed` on `text`, or the shipped weights.
   * @param {{text?: string, weights?: Uint8Array, backend: string, seed: number, dropout_p: number, limitChars?: number, observe?: boolean}} options
   * @returns {Promise<{vocab: string[], measured: {step: number, train: number, valid: number}}>}
   */
  create(options) {
    this.generation += 1;
    const weights = options.weights ? options.weights.slice() : undefined;
    const answer = this.trainer.request({ type: 'create', id: this.id, generation: this.generation, ...options, weights },
      weights ? [weights.buffer] : []);
    this.created = answer.then(() => {}, () => {});
    return answer;
  }

  /** @param {number} p the dropout rate of the next steps */
  setDropout(p) {
    this.trainer.send({ type: 'setDropout', id: this.id, p });
  }

  /** @param {boolean} playing */
  play(playing) {
    this.trainer.send({ type: 'play', id: this.id, playing });
  }

  /** Asks for the masks of the next step (the page has drawn the last ones). */
  wantSites() {
    this.trainer.send({ type: 'wantSites', id: this.id });
  }

  /**
   * Runs `count` steps now; their reports arrive before this resolves.
   * @param {number} [count]
   * @param {boolean} [observe] report the masks of every one of them
   */
  step(count = 1, observe = false) {
    return this.trainer.request({ type: 'step', id: this.id, count, observe });
  }

  /**
   * Next-character logits after `prompt`: dropout off, or left on with the masks of draw `mcDraw`.
   * @param {string} prompt
   * @param {number|null} [mcDraw]
   * @returns {Promise<Float32Array>}
   */
  logits(prompt, mcDraw = null) {
    return this.trainer.request({ type: 'logits', id: this.id, prompt, mcDraw });
  }

  /** @returns {Promise<Uint8Array>} the model's weights (burnpack bytes) */
  weights() {
    return this.trainer.request({ type: 'weights', id: this.id });
  }

  free() {
    this.generation += 1;
    this.trainer.send({ type: 'free', id: this.id });
  }
}

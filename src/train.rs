//! Training, evaluation and Monte Carlo dropout of one model on one backend.
use burn::module::{Module, ModuleMapper, Param};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::store::ModuleRecord;
use burn::tensor::{DType, Device, Int, Tensor, TensorData};

use crate::activation::{cross_entropy, cross_entropy_values};
use crate::backend::Backend;
use crate::dropout::{Dropout, Site};
use crate::error::{Allowed, Error};
use crate::model::{Model, ModelConfig};
use crate::rng::{derive_seed, Rng};
use crate::values_of;

/// A model's parameters as burnpack bytes.
fn record_bytes(model: Model) -> crate::Result<Vec<u8>> {
    let bytes = model
        .into_record()
        .into_bytes()
        .map_err(|e| Error::Weights(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// How training proceeds.
#[derive(burn::config::Config, Debug, PartialEq)]
pub struct TrainConfig {
    /// Adam's step size.
    #[config(default = 3e-3)]
    pub learning_rate: f64,
    /// Windows of `context + 1` characters per training step.
    #[config(default = 8)]
    pub batch_size: usize,
}

/// What one training step did.
#[derive(Debug, Clone)]
pub struct StepReport {
    /// Steps taken so far, this one included.
    pub step: usize,
    /// Mean cross-entropy of the batch, in nats per character, before the update.
    pub loss: f32,
    /// Every dropout site of the forward pass, for the first example (empty unless observed).
    pub sites: Vec<Site>,
}

/// A model being trained: its weights on an autodiff device, Adam's state and a step counter.
pub struct Trainer {
    config: ModelConfig,
    train_config: TrainConfig,
    backend: Backend,
    device: Device,
    model: Model,
    optimizer: ModuleOptimizer,
    /// The evaluation copy of `model`, made on first use after each step.
    inference: Option<Model>,
    seed: u64,
    /// Which stream the dropout masks come from (0: the default one).
    mask_stream: u64,
    step: usize,
    /// Last, so it is dropped after the model, the optimiser and the evaluation copy.
    _sweep: GraphSweep,
}

/// Burn's autodiff keeps the graphs of tracked tensors in one global table, which only a backward
/// pass sweeps: entries of dropped tensors stay until then. A model that is only ever evaluated
/// (the page's own copy of the shipped weights) never runs one, so every dropped model would keep
/// its entries (about 65 KB each, tests/memory.rs). Dropped after the rest of its trainer, this
/// runs the backward pass of one tracked number, whose sweep frees them.
struct GraphSweep(Device);

impl Drop for GraphSweep {
    fn drop(&mut self) {
        let one = Tensor::<1>::zeros([1], &self.0).require_grad();
        let _ = one.sum().backward();
    }
}

impl Trainer {
    /// A fresh model with weights drawn from `seed`.
    pub fn new(
        config: ModelConfig,
        train_config: TrainConfig,
        backend: Backend,
        seed: u64,
    ) -> Self {
        let device = backend.device().autodiff();
        let model = config.init(&device, seed);
        Self::with_model(config, train_config, backend, model, seed)
    }

    /// A model with weights from a file's bytes: burnpack (as written by [`Trainer::weights`] and
    /// [`Trainer::half_weights`]) or eight-bit (as [`Trainer::eight_bit_weights`] writes).
    pub fn from_weights(
        config: ModelConfig,
        train_config: TrainConfig,
        backend: Backend,
        bytes: &[u8],
        seed: u64,
    ) -> crate::Result<Self> {
        let device = backend.device().autodiff();
        if crate::weights::is_eight_bit(bytes) {
            let model = crate::weights::decode(config.zeros(&device), bytes)?;
            return Ok(Self::with_model(config, train_config, backend, model, seed));
        }
        let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
            .map_err(|e| Error::Weights(e.to_string()))?
            // f16 records (the shipped weights) become the model's f32.
            .cast_to_module_dtype();
        let model = config
            .zeros(&device)
            .try_load_record(record)
            .map_err(|e| Error::Weights(e.to_string()))?;
        Ok(Self::with_model(config, train_config, backend, model, seed))
    }

    fn with_model(
        config: ModelConfig,
        train_config: TrainConfig,
        backend: Backend,
        model: Model,
        seed: u64,
    ) -> Self {
        Trainer {
            config,
            train_config,
            backend,
            device: backend.device().autodiff(),
            model,
            optimizer: AdamConfig::new().init(),
            inference: None,
            seed,
            mask_stream: 0,
            step: 0,
            _sweep: GraphSweep(backend.device().autodiff()),
        }
    }

    /// The model's sizes.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// How it trains (learning rate, batch).
    pub fn train_config(&self) -> &TrainConfig {
        &self.train_config
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.step
    }

    /// Draws the dropout masks of the next steps from stream `stream`. Two trainers made from the
    /// same seed start from the same weights and read the same batches; with different streams
    /// they differ in their masks alone, so whatever else differs between them, dropout did.
    pub fn set_mask_stream(&mut self, stream: u64) {
        self.mask_stream = stream;
    }

    /// Changes the training settings from the next step on (Adam's state is kept).
    pub fn set_train_config(&mut self, train_config: TrainConfig) {
        self.train_config = train_config;
    }

    /// The weights as burnpack bytes (Burn's own record format), exactly as they are (f32).
    pub fn weights(&self) -> crate::Result<Vec<u8>> {
        record_bytes(self.model.valid())
    }

    /// The weights as burnpack bytes in half precision (f16): half the download, for the shipped
    /// model. Each weight keeps 11 significant bits (a relative error under 0.05%);
    /// [`Trainer::from_weights`] widens them back to f32.
    pub fn half_weights(&self) -> crate::Result<Vec<u8>> {
        struct ToHalf;
        impl ModuleMapper for ToHalf {
            fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
                param.map(|tensor| tensor.cast(DType::F16))
            }
        }
        record_bytes(self.model.valid().map(&mut ToHalf))
    }

    /// The weights in eight bits (see [`crate::weights`]): the shipped model's download.
    pub fn eight_bit_weights(&self) -> Vec<u8> {
        crate::weights::encode(&self.model.valid())
    }

    /// One training step on random windows of `tokens`: dropout at rate p (masks from this step's
    /// seed), cross-entropy, backward, an Adam update. With `observe`, the report carries every
    /// dropout site's mask and activations for the first window of the batch.
    pub fn train_step(
        &mut self,
        tokens: &[u32],
        p: f32,
        observe: bool,
    ) -> crate::Result<StepReport> {
        let p = crate::dropout::check_p(p)?;
        self.step_with(tokens, Some(p), observe)
    }

    /// One training step with no dropout code in the forward pass at all (the reference that a
    /// step at p = 0 must match).
    pub fn train_step_without_dropout(&mut self, tokens: &[u32]) -> crate::Result<StepReport> {
        self.step_with(tokens, None, false)
    }

    fn step_with(
        &mut self,
        tokens: &[u32],
        p: Option<f32>,
        observe: bool,
    ) -> crate::Result<StepReport> {
        let window = self.config.context + 1;
        if tokens.len() < window {
            return Err(Error::WindowTooLong {
                chars: tokens.len(),
                needed: window,
            });
        }
        self.step += 1;
        let step_seed = derive_seed(self.seed, self.step as u64);
        // 1. A batch of random windows: inputs are a window's first `context` tokens, targets the next.
        let mut rng = Rng::new(step_seed);
        let starts: Vec<usize> = (0..self.train_config.batch_size)
            .map(|_| (rng.next_u64() % (tokens.len() - window + 1) as u64) as usize)
            .collect();
        let (inputs, targets) = batch(self.config.context, tokens, &starts, &self.device);
        // 2. Forward with dropout; the masks come from their own stream of the step's seed.
        let mut dropout = match p {
            Some(p) => Dropout::on(p, self.mask_seed(step_seed), observe),
            None => Dropout::off(),
        };
        let logits = self.model.forward(inputs, &mut dropout);
        let [batch_size, seq, vocab] = logits.dims();
        let loss = cross_entropy(logits.reshape([batch_size * seq, vocab]), &targets);
        let loss_value = scalar(loss.clone());
        // 3. Backward and update.
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model =
            self.optimizer
                .step(self.train_config.learning_rate, self.model.clone(), grads);
        self.inference = None;
        Ok(StepReport {
            step: self.step,
            loss: loss_value,
            sites: dropout.into_sites(),
        })
    }

    /// The seed of a step's masks: their own stream of the step's seed, one per mask stream.
    fn mask_seed(&self, step_seed: u64) -> u64 {
        let masks = derive_seed(step_seed, 1);
        if self.mask_stream == 0 {
            masks
        } else {
            derive_seed(masks, self.mask_stream)
        }
    }

    /// Mean cross-entropy over evenly spaced windows of `tokens` (at most `max_windows`), with
    /// dropout off. `None` when `tokens` is shorter than one window.
    pub fn eval_loss(&mut self, tokens: &[u32], max_windows: usize) -> Option<f32> {
        let starts = window_starts(tokens.len(), self.config.context + 1, max_windows);
        (!starts.is_empty()).then(|| self.snapshot().mean_loss(tokens, &starts))
    }

    /// The model as it is now, dropout off, kept while training goes on (its loss can be measured
    /// a few windows at a time between later steps).
    pub fn snapshot(&mut self) -> Snapshot {
        Snapshot {
            model: self.inference().clone(),
            step: self.step,
            context: self.config.context,
            device: self.backend.device(),
        }
    }

    /// Next-token logits after `context` (its last `config.context` tokens), dropout off:
    /// the same context always gives the same logits.
    pub fn next_token_logits(&mut self, context: &[u32]) -> crate::Result<Vec<f32>> {
        self.logits_with(context, &mut Dropout::off())
    }

    /// Next-token logits with dropout left on at inference (Monte Carlo dropout): each seed gives
    /// a different distribution from the same weights.
    pub fn mc_dropout_logits(
        &mut self,
        context: &[u32],
        p: f32,
        seed: u64,
    ) -> crate::Result<Vec<f32>> {
        let p = crate::dropout::check_p(p)?;
        self.logits_with(context, &mut Dropout::on(p, seed, false))
    }

    fn logits_with(&mut self, context: &[u32], dropout: &mut Dropout) -> crate::Result<Vec<f32>> {
        if context.is_empty() {
            return Err(Error::invalid("prompt", "\"\"", Allowed::KnownCharacter));
        }
        let vocab = self.config.vocab_size as u32;
        if let Some(bad) = context.iter().find(|&&t| t >= vocab) {
            let max = u64::from(vocab - 1);
            return Err(Error::invalid(
                "token",
                bad,
                Allowed::IntegerIn { min: 0, max },
            ));
        }
        let context = &context[context.len().saturating_sub(self.config.context)..];
        let seq = context.len();
        let device = self.backend.device();
        let data: Vec<i64> = context.iter().map(|&t| t as i64).collect();
        let tokens = Tensor::<2, Int>::from_data(TensorData::new(data, [1, seq]), &device);
        let logits = self.inference().forward(tokens, dropout); // [1, seq, vocab]
        let last = logits
            .slice([0..1, seq - 1..seq])
            .reshape([self.config.vocab_size]);
        Ok(values_of(last))
    }

    fn inference(&mut self) -> &Model {
        self.inference.get_or_insert_with(|| self.model.valid())
    }
}

/// A model's weights at one step, dropout off (see [`Trainer::snapshot`]).
#[derive(Clone)]
pub struct Snapshot {
    model: Model,
    step: usize,
    context: usize,
    device: Device,
}

impl Snapshot {
    /// The steps its model had taken.
    pub fn step(&self) -> usize {
        self.step
    }

    /// Its weights as burnpack bytes, to be measured by a copy elsewhere.
    pub fn weights(&self) -> crate::Result<Vec<u8>> {
        record_bytes(self.model.clone())
    }

    /// Mean cross-entropy of the windows of `context + 1` tokens starting at `starts`.
    pub fn mean_loss(&self, tokens: &[u32], starts: &[usize]) -> f32 {
        let (inputs, targets) = batch(self.context, tokens, starts, &self.device);
        let logits = self.model.forward(inputs, &mut Dropout::off()); // [windows, context, vocab]
        let vocab = logits.dims()[2];
        cross_entropy_values(&values_of(logits), vocab, &targets).0
    }
}

/// Starts of at most `max_windows` windows of `window` tokens spread evenly over `len` tokens,
/// first and last included; none when the text is shorter than one window.
pub fn window_starts(len: usize, window: usize, max_windows: usize) -> Vec<usize> {
    if len < window || max_windows == 0 {
        return Vec::new();
    }
    let room = len - window;
    let n = max_windows.min(room + 1);
    (0..n)
        .map(|i| if n == 1 { 0 } else { i * room / (n - 1) })
        .collect()
}

/// Inputs `[windows, context]` for windows starting at `starts`, and the character after each
/// input position, row-major (the loss's targets).
fn batch(
    context: usize,
    tokens: &[u32],
    starts: &[usize],
    device: &Device,
) -> (Tensor<2, Int>, Vec<usize>) {
    let mut inputs = Vec::with_capacity(starts.len() * context);
    let mut targets = Vec::with_capacity(starts.len() * context);
    for &s in starts {
        inputs.extend(tokens[s..s + context].iter().map(|&t| i64::from(t)));
        targets.extend(tokens[s + 1..s + context + 1].iter().map(|&t| t as usize));
    }
    let shape = [starts.len(), context];
    (
        Tensor::from_data(TensorData::new(inputs, shape), device),
        targets,
    )
}

/// The value of a one-element tensor (a loss).
fn scalar(t: Tensor<1>) -> f32 {
    values_of(t)[0]
}

//! One demo's model: a corpus and a model in training, with the numbers the page shows about them.
//!
//! The settings the reader moves (dropout rate, k, temperature, seed) are not kept here: they come
//! in as arguments, so the page's state and link are their only owner. This module knows nothing
//! of the browser, so everything it does is tested natively.
use crate::backend::Backend;
use crate::corpus::{self, Corpus};
use crate::dropout::check_p;
use crate::error::Result;
use crate::model::ModelConfig;
use crate::rng::derive_seed;
use crate::sampling::{self, DrawKey, Settings};
use crate::train::{window_starts, Snapshot, StepReport, TrainConfig, Trainer};

/// Windows the validation and training losses are measured on (one batch, dropout off).
pub const LOSS_WINDOWS: usize = 32;
/// Steps between two loss measurements with dropout off.
pub const EVAL_EVERY: usize = 10;
/// Windows a measurement under way evaluates per piece ([`Session::measure_piece`]): a measurement
/// is of the model as it was at its step, and a page takes a piece after each later step, so no
/// step waits for all of it (2 × [`LOSS_WINDOWS`] windows in pieces of 8 take 8 pieces, done
/// before the next measurement is due).
pub const MEASURE_PIECE: usize = 8;
/// Training characters the overfitting view keeps: few, so memorising them is easy and the gap
/// between training and validation loss opens within a few hundred steps.
pub const OVERFIT_CHARS: usize = 1500;
/// Mixed into the seed for the masks of Monte Carlo dropout, so they come from another stream
/// than the sampling draw of the same number.
const MC_DROPOUT_STREAM: u64 = 0x4D43_4452_4F50; // "MCDROP"

/// The sizes and counts a page states about the model and its training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// Longest context in characters.
    pub context: usize,
    /// Width of the residual stream.
    pub d_model: usize,
    /// Transformer blocks.
    pub n_layers: usize,
    /// Attention heads per block.
    pub n_heads: usize,
    /// Hidden width of the feed-forward layers.
    pub d_ff: usize,
    /// Windows per training step.
    pub batch_size: usize,
    /// Most distinct characters a vocabulary keeps.
    pub max_vocab: usize,
    /// Fewest characters a text to train on needs.
    pub min_chars: usize,
    /// Steps between two loss measurements.
    pub eval_every: usize,
    /// Windows a loss measurement averages.
    pub loss_windows: usize,
    /// Training characters of the overfitting view.
    pub overfit_chars: usize,
}

impl Facts {
    /// The facts of the default model and training.
    pub fn defaults() -> Self {
        Facts::of(&ModelConfig::new(2), &TrainConfig::new())
    }

    /// The facts of a model of `config` trained as `train` says.
    pub fn of(config: &ModelConfig, train: &TrainConfig) -> Self {
        Facts {
            context: config.context,
            d_model: config.d_model,
            n_layers: config.n_layers,
            n_heads: config.n_heads,
            d_ff: config.d_ff,
            batch_size: train.batch_size,
            max_vocab: corpus::MAX_VOCAB,
            min_chars: corpus::min_chars(config.context + 1),
            eval_every: EVAL_EVERY,
            loss_windows: LOSS_WINDOWS,
            overfit_chars: OVERFIT_CHARS,
        }
    }
}

/// Training and validation loss with dropout off, after some step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Losses {
    /// Steps taken when measured.
    pub step: usize,
    /// Mean loss on the training part (`None` when too short to measure).
    pub train: Option<f32>,
    /// Mean loss on the validation part (`None` when too short to measure).
    pub valid: Option<f32>,
}

/// One step as the page sees it: the trainer's report and, if one ended, a loss measurement.
#[derive(Debug, Clone)]
pub struct Stepped {
    /// What the step did (loss, and the dropout sites when observed).
    pub report: StepReport,
    /// The losses of a measurement it ended (one still under way when the next was due).
    pub measured: Option<Losses>,
}

/// A corpus and its model.
pub struct Session {
    corpus: Corpus,
    trainer: Trainer,
    /// The seed the model was made with (its batches and masks follow from it).
    seed: u64,
    /// The loss measurement under way, if any.
    measuring: Option<Measuring>,
}

/// A loss measurement under way: the model as it was at its step, and the windows of each part
/// evaluated so far.
struct Measuring {
    snapshot: Snapshot,
    train: Part,
    valid: Part,
}

/// One part of the text in a measurement: its windows' starts, how many are done, their loss sum.
struct Part {
    starts: Vec<usize>,
    done: usize,
    sum: f64,
}

impl Part {
    fn new(tokens: &[u32], window: usize) -> Self {
        let starts = window_starts(tokens.len(), window, LOSS_WINDOWS);
        Part {
            starts,
            done: 0,
            sum: 0.0,
        }
    }

    fn left(&self) -> usize {
        self.starts.len() - self.done
    }

    /// Evaluates up to `windows` more windows; returns how many it did.
    fn advance(&mut self, snapshot: &Snapshot, tokens: &[u32], windows: usize) -> usize {
        let take = windows.min(self.left());
        if take > 0 {
            let starts = &self.starts[self.done..self.done + take];
            // Every window has as many targets, so the part's mean is the mean of these means.
            self.sum += f64::from(snapshot.mean_loss(tokens, starts)) * take as f64;
            self.done += take;
        }
        take
    }

    /// The mean loss of its windows, once all are done (`None` for a part too short to measure).
    fn mean(&self) -> Option<f32> {
        (!self.starts.is_empty()).then(|| (self.sum / self.starts.len() as f64) as f32)
    }
}

impl Session {
    /// A fresh model (weights from `seed`) on `text`, with the default sizes.
    pub fn from_text(text: &str, backend: Backend, seed: u64) -> Result<Self> {
        let corpus = Corpus::from_text(text, Facts::defaults().context + 1)?;
        let config = ModelConfig::new(corpus.vocab.len());
        let trainer = Trainer::new(config, TrainConfig::new(), backend, seed);
        Ok(Session {
            corpus,
            trainer,
            seed,
            measuring: None,
        })
    }

    /// The bundled English corpus with the shipped weights (burnpack bytes).
    pub fn english_with_weights(weights: &[u8], backend: Backend, seed: u64) -> Result<Self> {
        let corpus = Corpus::from_text(corpus::ENGLISH, Facts::defaults().context + 1)?;
        let config = ModelConfig::new(corpus.vocab.len());
        let trainer = Trainer::from_weights(config, TrainConfig::new(), backend, weights, seed)?;
        Ok(Session {
            corpus,
            trainer,
            seed,
            measuring: None,
        })
    }

    /// The corpus (vocabulary and split).
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// The trainer (model, optimiser, steps).
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// Draws the dropout masks of the next steps from stream `stream` (see
    /// [`Trainer::set_mask_stream`]): copies from one seed then differ only in their masks.
    pub fn set_mask_stream(&mut self, stream: u64) {
        self.trainer.set_mask_stream(stream);
    }

    /// Sets how training proceeds (the trainer of the shipped weights decays its step size).
    pub fn set_train_config(&mut self, train_config: TrainConfig) {
        self.trainer.set_train_config(train_config);
    }

    /// Sets Adam's step size for the steps to come, keeping the rest of the training settings.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        let mut train_config = self.trainer.train_config().clone();
        train_config.learning_rate = learning_rate;
        self.trainer.set_train_config(train_config);
    }

    /// The sizes and counts of this model and its training.
    pub fn facts(&self) -> Facts {
        Facts::of(self.trainer.config(), self.trainer.train_config())
    }

    /// Floating-point operations of one training step of this model (see
    /// [`ModelConfig::step_flops`]).
    pub fn step_flops(&self) -> f64 {
        let batch = self.trainer.train_config().batch_size;
        self.trainer.config().step_flops(batch)
    }

    /// Keeps only the first `chars` characters' worth of training tokens (the overfitting view
    /// trains on a small slice so the gap to validation opens quickly).
    pub fn limit_training_tokens(&mut self, tokens: usize) {
        let keep = tokens
            .max(self.trainer.config().context + 1)
            .min(self.corpus.train.len());
        self.corpus.train.truncate(keep);
        self.measuring = None;
    }

    /// One training step at dropout rate p; with `observe`, the report carries every dropout
    /// site. Every [`EVAL_EVERY`] steps a loss measurement of the model as it is starts; it is
    /// taken in pieces by [`Session::measure_piece`] (a page calls it after each step, or when
    /// the model is not training), so no step waits for all of it.
    pub fn train_step(&mut self, p: f32, observe: bool) -> Result<Stepped> {
        let report = self
            .trainer
            .train_step(&self.corpus.train, check_p(p)?, observe)?;
        let mut measured = None;
        if report.step.is_multiple_of(EVAL_EVERY) {
            // One still under way (no pieces were asked for since it started) ends first.
            measured = self.finish_measurement();
            self.measuring = Some(self.start_measurement());
        }
        Ok(Stepped { report, measured })
    }

    fn start_measurement(&mut self) -> Measuring {
        let window = self.trainer.config().context + 1;
        Measuring {
            snapshot: self.trainer.snapshot(),
            train: Part::new(&self.corpus.train, window),
            valid: Part::new(&self.corpus.valid, window),
        }
    }

    /// Whether a loss measurement is under way.
    pub fn measuring(&self) -> bool {
        self.measuring.is_some()
    }

    /// Evaluates up to `windows` more windows of the measurement under way (training part first),
    /// and returns its losses when this completes it. The losses are those of the model at the
    /// measurement's step, whatever steps were taken since. A page calls it when the model is not
    /// training, so a measurement ends without waiting for more steps.
    pub fn measure_piece(&mut self, windows: usize) -> Option<Losses> {
        let measuring = self.measuring.as_mut()?;
        let Measuring {
            snapshot,
            train,
            valid,
        } = measuring;
        let done = train.advance(snapshot, &self.corpus.train, windows);
        valid.advance(snapshot, &self.corpus.valid, windows - done);
        if train.left() + valid.left() > 0 {
            return None;
        }
        let measuring = self.measuring.take()?;
        Some(Losses {
            step: measuring.snapshot.step(),
            train: measuring.train.mean(),
            valid: measuring.valid.mean(),
        })
    }

    /// Hands the measurement under way to the caller instead of taking it here: the step it is
    /// of and the model's weights at that step (burnpack bytes). A copy of this session loads
    /// them and measures ([`Session::load_weights`], [`Session::measure`]) with the same windows,
    /// for example on another core while this one trains on.
    pub fn hand_over_measurement(&mut self) -> Option<Result<(usize, Vec<u8>)>> {
        let measuring = self.measuring.take()?;
        let snapshot = measuring.snapshot;
        Some(snapshot.weights().map(|bytes| (snapshot.step(), bytes)))
    }

    /// Completes the measurement under way at once, returning its losses.
    pub fn finish_measurement(&mut self) -> Option<Losses> {
        self.measure_piece(usize::MAX)
    }

    /// Replaces the model's weights with `weights` (burnpack bytes of a model with this
    /// vocabulary), keeping the corpus; the optimiser starts afresh. The page uses it to copy a
    /// model that trains elsewhere into the one it samples from.
    pub fn load_weights(&mut self, weights: &[u8]) -> Result<()> {
        let config = self.trainer.config().clone();
        let train_config = self.trainer.train_config().clone();
        let backend = self.trainer.backend();
        self.trainer = Trainer::from_weights(config, train_config, backend, weights, self.seed)?;
        self.measuring = None;
        Ok(())
    }

    /// Training and validation loss now, dropout off.
    pub fn measure(&mut self) -> Losses {
        Losses {
            step: self.trainer.steps(),
            train: self.trainer.eval_loss(&self.corpus.train, LOSS_WINDOWS),
            valid: self.trainer.eval_loss(&self.corpus.valid, LOSS_WINDOWS),
        }
    }

    /// Next-token logits after `prompt`, dropout off (characters the vocabulary lacks are left
    /// out of the context).
    pub fn logits(&mut self, prompt: &str) -> Result<Vec<f32>> {
        let tokens = self.corpus.vocab.encode(prompt).tokens;
        self.trainer.next_token_logits(&tokens)
    }

    /// `length` characters after `prompt`, each drawn under `settings` with draw numbers
    /// `first_draw`, `first_draw + 1`, ... of `seed` (each draw sees the characters before it), by
    /// the one draw rule, [`sampling::shape`]: character i is what `nextToken` draws from the same
    /// logits with draw number `first_draw + i`.
    pub fn generate(
        &mut self,
        prompt: &str,
        settings: &Settings,
        seed: u64,
        first_draw: u64,
        length: usize,
    ) -> Result<String> {
        let mut context = self.corpus.vocab.encode(prompt).tokens;
        let mut text = String::new();
        for n in 0..length as u64 {
            let logits = self.trainer.next_token_logits(&context)?;
            let key = DrawKey {
                seed,
                draw: first_draw + n,
            };
            let shaped = sampling::shape(&logits, settings, Some(key))?;
            let token = shaped.draw.expect("shape draws when given a key").index as u32;
            text.extend(self.corpus.vocab.char_of(token));
            context.push(token);
        }
        Ok(text)
    }

    /// Next-token logits after `prompt` with dropout left on at rate p (Monte Carlo dropout).
    /// The masks of draw number `draw` follow from `seed` on a stream of their own, so they are
    /// independent of the sampling draw with the same seed and number.
    pub fn mc_dropout_logits(
        &mut self,
        prompt: &str,
        p: f32,
        seed: u64,
        draw: u64,
    ) -> Result<Vec<f32>> {
        let tokens = self.corpus.vocab.encode(prompt).tokens;
        let masks = derive_seed(derive_seed(seed, MC_DROPOUT_STREAM), draw);
        self.trainer.mc_dropout_logits(&tokens, p, masks)
    }
}

//! One demo's state: a corpus, a model in training, and the sampling settings.
//!
//! This is what the page holds through one opaque handle; it knows nothing of the browser, so
//! everything it does is tested natively.
use crate::corpus::{self, Corpus};
use crate::error::Result;
use crate::model::{ModelConfig, Site};
use crate::sampling::{self, Settings};
use crate::train::{derive_seed, Backend, StepReport, TrainConfig, Trainer};

/// Windows the validation and training losses are measured on (one batch, dropout off).
pub const LOSS_WINDOWS: usize = 32;

/// A corpus, its model and the settings the sliders move.
pub struct Session {
    corpus: Corpus,
    trainer: Trainer,
    /// Dropout rate of training steps, in [0, 1].
    pub dropout_p: f32,
    /// Top-k and temperature (and top-p when chosen instead) of sampling.
    pub sampling: Settings,
    /// Seed of samples; each draw mixes in its own number.
    pub seed: u64,
    last_sites: Vec<Site>,
}

/// Logits for a prompt, with the characters the vocabulary lacks (left out of the context).
#[derive(Debug, Clone)]
pub struct PromptLogits {
    /// Next-token logits, one per vocabulary entry.
    pub logits: Vec<f32>,
    /// Characters of the prompt the model has never seen.
    pub unknown: Vec<char>,
}

impl Session {
    /// A fresh model (weights from `seed`) on `text`, with the default sizes.
    pub fn from_text(text: &str, backend: Backend, seed: u64) -> Result<Self> {
        let probe = ModelConfig::new(2);
        let corpus = Corpus::from_text(text, probe.context + 1)?;
        let config = ModelConfig::new(corpus.vocab.len());
        let trainer = Trainer::new(config, TrainConfig::new(), backend, seed);
        Ok(Self::with(corpus, trainer, seed))
    }

    /// The bundled English corpus with the shipped weights (burnpack bytes).
    pub fn english_with_weights(weights: &[u8], backend: Backend, seed: u64) -> Result<Self> {
        let corpus = Corpus::from_text(corpus::ENGLISH, ModelConfig::new(2).context + 1)?;
        let config = ModelConfig::new(corpus.vocab.len());
        let trainer = Trainer::from_weights(config, TrainConfig::new(), backend, weights, seed)?;
        Ok(Self::with(corpus, trainer, seed))
    }

    fn with(corpus: Corpus, trainer: Trainer, seed: u64) -> Self {
        Session {
            corpus,
            trainer,
            dropout_p: 0.1,
            sampling: Settings {
                temperature: 1.0,
                top_k: Some(5),
                top_p: None,
            },
            seed,
            last_sites: Vec::new(),
        }
    }

    /// The corpus (vocabulary and split).
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// The trainer (model, optimiser, steps).
    pub fn trainer(&mut self) -> &mut Trainer {
        &mut self.trainer
    }

    /// Keeps only the first `chars` characters' worth of training tokens (the overfitting view
    /// trains on a small slice so the gap to validation opens quickly).
    pub fn limit_training_tokens(&mut self, tokens: usize) {
        let keep = tokens
            .max(self.trainer.config().context + 1)
            .min(self.corpus.train.len());
        self.corpus.train.truncate(keep);
    }

    /// One training step at the session's dropout rate; keeps the sites when `observe`.
    pub fn train_step(&mut self, observe: bool) -> Result<StepReport> {
        let report = self
            .trainer
            .train_step(&self.corpus.train, self.dropout_p, observe)?;
        if observe {
            self.last_sites = report.sites.clone();
        }
        Ok(report)
    }

    /// Replaces the model's weights with `weights` (burnpack bytes of a model with this
    /// vocabulary), keeping the corpus and settings; the optimiser starts afresh. The page uses
    /// it to copy a model that trains elsewhere into the one it samples from.
    pub fn load_weights(&mut self, weights: &[u8]) -> Result<()> {
        let config = self.trainer.config().clone();
        let train_config = self.trainer.train_config().clone();
        let backend = self.trainer.backend();
        self.trainer = Trainer::from_weights(config, train_config, backend, weights, self.seed)?;
        self.last_sites.clear();
        Ok(())
    }

    /// The dropout sites of the last observed training step.
    pub fn last_sites(&self) -> &[Site] {
        &self.last_sites
    }

    /// Mean loss on the validation part, dropout off.
    pub fn validation_loss(&mut self) -> Option<f32> {
        self.trainer.eval_loss(&self.corpus.valid, LOSS_WINDOWS)
    }

    /// Mean loss on the training part, dropout off.
    pub fn training_loss(&mut self) -> Option<f32> {
        self.trainer.eval_loss(&self.corpus.train, LOSS_WINDOWS)
    }

    /// Next-token logits after `prompt`, dropout off.
    pub fn logits(&mut self, prompt: &str) -> Result<PromptLogits> {
        let encoded = self.corpus.vocab.encode(prompt);
        let logits = self.trainer.next_token_logits(&encoded.tokens)?;
        Ok(PromptLogits {
            logits,
            unknown: encoded.unknown,
        })
    }

    /// Next-token logits after `prompt` with dropout left on (Monte Carlo dropout), draw `draw`.
    pub fn mc_dropout_logits(&mut self, prompt: &str, draw: u64) -> Result<Vec<f32>> {
        let tokens = self.corpus.vocab.encode(prompt).tokens;
        self.trainer
            .mc_dropout_logits(&tokens, self.dropout_p, derive_seed(self.seed, draw))
    }

    /// The sampling distribution of `logits` under the current settings.
    pub fn distribution(&self, logits: &[f32]) -> Result<Vec<f32>> {
        sampling::distribution(logits, &self.sampling)
    }

    /// Draws token number `draw` from `logits`: the same seed and draw number give the same token.
    pub fn sample(&self, logits: &[f32], draw: u64) -> Result<u32> {
        let probs = self.distribution(logits)?;
        Ok(sampling::draw(&probs, derive_seed(self.seed, draw)) as u32)
    }
}

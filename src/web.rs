//! The wasm-bindgen binding: the only module that knows about JavaScript.
//!
//! Every function checks its arguments in the core and turns the core's error into a thrown JS
//! `Error` carrying the same message; nothing here panics on bad input.
use wasm_bindgen::prelude::*;

use crate::dropout;
use crate::error::Error;
use crate::sampling::{self, Settings};

/// Installs the panic hook so a Rust panic prints its message to the browser console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Panics on purpose, so tests can check what the page does when the Rust side fails: the hook
/// prints the message, the call throws, and the page shows an error with a way to reset.
#[wasm_bindgen(js_name = panicForTesting)]
pub fn panic_for_testing() {
    panic!("a deliberate panic, to test how the page reports one");
}

/// The English text the shipped model was trained on (www/corpus/en.txt, built into the module,
/// so the page needs no second download of it).
#[wasm_bindgen(js_name = englishText)]
pub fn english_text() -> String {
    crate::corpus::ENGLISH.to_string()
}

fn js_error(err: Error) -> JsError {
    JsError::new(&err.to_string())
}

/// A JS number that must be an integer in [0, max] (seeds, lengths).
fn whole_number(
    name: &'static str,
    value: f64,
    max: f64,
    allowed: &'static str,
) -> Result<u64, JsError> {
    if value.is_finite() && value >= 0.0 && value <= max && value.fract() == 0.0 {
        Ok(value as u64)
    } else {
        Err(js_error(Error::invalid(name, value, allowed)))
    }
}

fn seed(value: f64) -> Result<u64, JsError> {
    whole_number(
        "seed",
        value,
        u32::MAX as f64,
        "an integer in [0, 4294967295]",
    )
}

/// A draw number (which sample or Monte Carlo pass): an integer in [0, 2^32).
fn draw_number(value: f64) -> Result<u64, JsError> {
    whole_number(
        "draw",
        value,
        u32::MAX as f64,
        "an integer in [0, 4294967295]",
    )
}

/// The largest mask `dropoutMask` draws (16,777,216 units, 16 MiB).
const MAX_MASK_LENGTH: f64 = (1u64 << 24) as f64;

/// Probabilities over the whole vocabulary after temperature and top-k (0 for removed tokens).
#[wasm_bindgen(js_name = topKDistribution)]
pub fn top_k_distribution(logits: &[f32], k: f64, temperature: f32) -> Result<Vec<f32>, JsError> {
    let top_k = sampling::check_top_k(k).map_err(js_error)?;
    let settings = Settings {
        temperature,
        top_k: Some(top_k),
        top_p: None,
    };
    sampling::distribution(logits, &settings).map_err(js_error)
}

/// Probabilities over the whole vocabulary after temperature and top-p (0 for removed tokens).
#[wasm_bindgen(js_name = topPDistribution)]
pub fn top_p_distribution(logits: &[f32], p: f32, temperature: f32) -> Result<Vec<f32>, JsError> {
    let settings = Settings {
        temperature,
        top_k: None,
        top_p: Some(p),
    };
    sampling::distribution(logits, &settings).map_err(js_error)
}

/// The index drawn from the top-k distribution; the same seed always draws the same index.
#[wasm_bindgen(js_name = sampleTopK)]
pub fn sample_top_k(logits: &[f32], k: f64, temperature: f32, seed: f64) -> Result<u32, JsError> {
    let top_k = sampling::check_top_k(k).map_err(js_error)?;
    let seed = self::seed(seed)?;
    let index = sampling::sample_top_k(logits, top_k, temperature, seed).map_err(js_error)?;
    Ok(index as u32)
}

/// The dropout mask of `length` units at rate p: 1 kept, 0 dropped; nested in p for a seed.
#[wasm_bindgen(js_name = dropoutMask)]
pub fn dropout_mask(length: f64, p: f32, seed: f64) -> Result<Vec<u8>, JsError> {
    let length = whole_number(
        "length",
        length,
        MAX_MASK_LENGTH,
        "an integer in [0, 16777216]",
    )?;
    dropout::mask(length as usize, p, self::seed(seed)?).map_err(js_error)
}

/// Training-mode dropout of `values` with exactly the mask `dropoutMask(values.length, p, seed)`.
#[wasm_bindgen(js_name = applyDropout)]
pub fn apply_dropout(values: &[f32], p: f32, seed: f64) -> Result<Vec<f32>, JsError> {
    dropout::apply(values, p, self::seed(seed)?, dropout::Mode::Train).map_err(js_error)
}

/// A summary of one training step, for JS.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct StepSummary {
    step: usize,
    loss: f32,
    grad_norm: f32,
}

/// What a dropout site is, without its arrays (those cross as typed arrays).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SiteSummary {
    kind: crate::model::SiteKind,
    block: Option<usize>,
    shape: Vec<usize>,
    p: f32,
    units: usize,
    dropped: usize,
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(value).map_err(|e| JsError::new(&e.to_string()))
}

/// One model and its settings, held in Rust; the page talks to it through this handle.
#[wasm_bindgen]
pub struct Demo {
    session: crate::session::Session,
}

#[wasm_bindgen]
impl Demo {
    /// The English model with the shipped weights (`weights`: the bytes of www/model.bpk).
    /// `backend` is "ndarray" or "flex".
    #[wasm_bindgen(js_name = withWeights)]
    pub fn with_weights(weights: &[u8], backend: &str, seed: f64) -> Result<Demo, JsError> {
        let backend = crate::train::Backend::parse(backend).map_err(js_error)?;
        let session =
            crate::session::Session::english_with_weights(weights, backend, self::seed(seed)?)
                .map_err(js_error)?;
        Ok(Demo { session })
    }

    /// A fresh model (weights drawn from `seed`) on any text.
    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(text: &str, backend: &str, seed: f64) -> Result<Demo, JsError> {
        let backend = crate::train::Backend::parse(backend).map_err(js_error)?;
        let session = crate::session::Session::from_text(text, backend, self::seed(seed)?)
            .map_err(js_error)?;
        Ok(Demo { session })
    }

    /// The vocabulary: one string per token id.
    pub fn vocab(&self) -> Vec<String> {
        self.session
            .corpus()
            .vocab
            .chars()
            .iter()
            .map(|c| c.to_string())
            .collect()
    }

    /// Sets the dropout rate of training steps and Monte Carlo dropout (0 to 1).
    #[wasm_bindgen(js_name = setDropout)]
    pub fn set_dropout(&mut self, p: f32) -> Result<(), JsError> {
        self.session.dropout_p = dropout::check_p(p).map_err(js_error)?;
        Ok(())
    }

    /// Sets top-k (an integer >= 1; clamped to the vocabulary) and switches off top-p.
    #[wasm_bindgen(js_name = setTopK)]
    pub fn set_top_k(&mut self, k: f64) -> Result<(), JsError> {
        self.session.sampling.top_k = Some(sampling::check_top_k(k).map_err(js_error)?);
        self.session.sampling.top_p = None;
        Ok(())
    }

    /// Sets top-p (0 to 1) and switches off top-k.
    #[wasm_bindgen(js_name = setTopP)]
    pub fn set_top_p(&mut self, p: f32) -> Result<(), JsError> {
        self.session.sampling.top_p = Some(sampling::check_top_p(p).map_err(js_error)?);
        self.session.sampling.top_k = None;
        Ok(())
    }

    /// Sets the sampling temperature (finite, > 0).
    #[wasm_bindgen(js_name = setTemperature)]
    pub fn set_temperature(&mut self, temperature: f32) -> Result<(), JsError> {
        self.session.sampling.temperature =
            sampling::check_temperature(temperature).map_err(js_error)?;
        Ok(())
    }

    /// Sets the seed of samples and Monte Carlo dropout draws.
    #[wasm_bindgen(js_name = setSeed)]
    pub fn set_seed(&mut self, seed: f64) -> Result<(), JsError> {
        self.session.seed = self::seed(seed)?;
        Ok(())
    }

    /// Runs one training step; with `observe`, its dropout sites become readable with `site*`.
    /// Returns `{ step, loss, gradNorm }`.
    #[wasm_bindgen(js_name = trainStep)]
    pub fn train_step(&mut self, observe: bool) -> Result<JsValue, JsError> {
        let report = self.session.train_step(observe).map_err(js_error)?;
        to_js(&StepSummary {
            step: report.step,
            loss: report.loss,
            grad_norm: report.grad_norm,
        })
    }

    /// Steps taken so far.
    pub fn steps(&mut self) -> usize {
        self.session.trainer().steps()
    }

    /// Keeps the first `tokens` training characters only (for the overfitting view).
    #[wasm_bindgen(js_name = limitTrainingText)]
    pub fn limit_training_text(&mut self, tokens: usize) {
        self.session.limit_training_tokens(tokens);
    }

    /// Mean validation loss with dropout off (NaN when the text is too short to measure).
    #[wasm_bindgen(js_name = validationLoss)]
    pub fn validation_loss(&mut self) -> f32 {
        self.session.validation_loss().unwrap_or(f32::NAN)
    }

    /// Mean training-set loss with dropout off (NaN when the text is too short to measure).
    #[wasm_bindgen(js_name = trainingLoss)]
    pub fn training_loss(&mut self) -> f32 {
        self.session.training_loss().unwrap_or(f32::NAN)
    }

    /// Number of dropout sites the last observed step recorded.
    #[wasm_bindgen(js_name = siteCount)]
    pub fn site_count(&self) -> usize {
        self.session.last_sites().len()
    }

    fn site(&self, index: usize) -> Result<&crate::model::Site, JsError> {
        let sites = self.session.last_sites();
        sites
            .get(index)
            .ok_or_else(|| js_error(Error::invalid("site", index, "below siteCount()")))
    }

    /// `{ kind, block, shape, p, units, dropped }` of site `index` of the last observed step.
    #[wasm_bindgen(js_name = siteInfo)]
    pub fn site_info(&self, index: usize) -> Result<JsValue, JsError> {
        let site = self.site(index)?;
        to_js(&SiteSummary {
            kind: site.kind,
            block: site.block,
            shape: site.shape.clone(),
            p: site.p,
            units: site.mask.len(),
            dropped: site.mask.iter().filter(|&&m| m == 0).count(),
        })
    }

    /// The mask site `index` applied: 1 kept, 0 dropped (first example of the batch).
    #[wasm_bindgen(js_name = siteMask)]
    pub fn site_mask(&self, index: usize) -> Result<Vec<u8>, JsError> {
        Ok(self.site(index)?.mask.clone())
    }

    /// The uniform draws behind site `index`'s mask; thresholding them at another p shows the
    /// mask that rate would have applied to the same step.
    #[wasm_bindgen(js_name = siteDraws)]
    pub fn site_draws(&self, index: usize) -> Result<Vec<f32>, JsError> {
        Ok(self.site(index)?.draws.clone())
    }

    /// Activations at site `index` before dropout.
    #[wasm_bindgen(js_name = siteBefore)]
    pub fn site_before(&self, index: usize) -> Result<Vec<f32>, JsError> {
        Ok(self.site(index)?.before.clone())
    }

    /// Activations at site `index` after dropout.
    #[wasm_bindgen(js_name = siteAfter)]
    pub fn site_after(&self, index: usize) -> Result<Vec<f32>, JsError> {
        Ok(self.site(index)?.after.clone())
    }

    /// Next-token logits after `prompt`, dropout off. Characters the model has never seen are
    /// left out (see `unknownCharacters`).
    pub fn logits(&mut self, prompt: &str) -> Result<Vec<f32>, JsError> {
        Ok(self.session.logits(prompt).map_err(js_error)?.logits)
    }

    /// The characters of `prompt` that the vocabulary lacks, in order, each once.
    #[wasm_bindgen(js_name = unknownCharacters)]
    pub fn unknown_characters(&self, prompt: &str) -> String {
        self.session
            .corpus()
            .vocab
            .encode(prompt)
            .unknown
            .into_iter()
            .collect()
    }

    /// Next-token logits with dropout left on at inference; draw number `draw` fixes the masks.
    #[wasm_bindgen(js_name = mcDropoutLogits)]
    pub fn mc_dropout_logits(&mut self, prompt: &str, draw: f64) -> Result<Vec<f32>, JsError> {
        let draw = draw_number(draw)?;
        self.session
            .mc_dropout_logits(prompt, draw)
            .map_err(js_error)
    }

    /// The distribution of `logits` under the current top-k (or top-p) and temperature.
    pub fn distribution(&self, logits: &[f32]) -> Result<Vec<f32>, JsError> {
        self.session.distribution(logits).map_err(js_error)
    }

    /// Draws token number `draw` from `logits` under the current settings, reproducibly.
    pub fn sample(&self, logits: &[f32], draw: f64) -> Result<u32, JsError> {
        let draw = draw_number(draw)?;
        self.session.sample(logits, draw).map_err(js_error)
    }

    /// Replaces the model's weights (burnpack bytes of a model with the same vocabulary), so a
    /// copy of a model that trains in a worker can be sampled here.
    #[wasm_bindgen(js_name = loadWeights)]
    pub fn load_weights(&mut self, weights: &[u8]) -> Result<(), JsError> {
        self.session.load_weights(weights).map_err(js_error)
    }

    /// The model's weights as burnpack bytes.
    pub fn weights(&mut self) -> Result<Vec<u8>, JsError> {
        self.session.trainer().weights().map_err(js_error)
    }
}

//! The wasm-bindgen binding: the only module that knows about JavaScript.
//!
//! Every function checks its arguments in the core and turns the core's error into a thrown JS
//! `Error` carrying the same message, a `code` and its `params` (so a page can word it in its own
//! language); nothing here panics on bad input. Settings cross as one object with the link's names
//! (`k`, `top_p`, `sampler`, `temperature`, `seed`, plus the `draw` number), and answers come back
//! as one object of plain numbers and typed arrays: one call per slider frame or training step.
use js_sys::{Array, Float32Array, Object, Reflect, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::backend::Backend;
use crate::dropout::{self, Site};
use crate::error::{Allowed, Error};
use crate::sampling::{self, DrawKey, Settings, Shaped};
use crate::session::{Facts, Losses, Session, Stepped, MEASURE_PIECE};
use crate::sources::{self, Sources};

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

/// The core's error as a JS `Error`: its English message, plus `code` and `params` to translate by.
fn js_error(err: Error) -> JsValue {
    let error = js_sys::Error::new(&err.to_string());
    let params = Object::new();
    for (name, value) in err.params() {
        set(&params, name, value.into());
    }
    set(&error, "code", err.code().into());
    set(&error, "params", params.into());
    error.into()
}

/// Sets `object[key] = value` (on a fresh plain object this cannot fail).
fn set(object: &Object, key: &str, value: JsValue) {
    let _ = Reflect::set(object, &key.into(), &value);
}

/// A plain JS object from names and values.
fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        set(&object, key, value.clone());
    }
    object.into()
}

/// A JS number that must be an integer in [min, max] (sizes, lengths).
fn integer_in(name: &'static str, value: f64, min: u64, max: u64) -> Result<u64, JsValue> {
    if value.is_finite() && value >= min as f64 && value <= max as f64 && value.fract() == 0.0 {
        Ok(value as u64)
    } else {
        Err(js_error(Error::invalid(
            name,
            value,
            Allowed::IntegerIn { min, max },
        )))
    }
}

/// A JS number that must be an integer in [0, 2^32): seeds, draw numbers, streams, counts. Seeds
/// cross as u32, so JS callers never need BigInt.
fn u32_arg(name: &'static str, value: f64) -> Result<u64, JsValue> {
    integer_in(name, value, 0, u32::MAX.into())
}

/// The largest mask `dropoutMask` draws (16,777,216 units, 16 MiB).
const MAX_MASK_LENGTH: u64 = 1 << 24;

/// Probabilities over the whole vocabulary after temperature and top-k (0 for removed tokens).
#[wasm_bindgen(js_name = topKDistribution)]
pub fn top_k_distribution(logits: &[f32], k: f64, temperature: f32) -> Result<Vec<f32>, JsValue> {
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
pub fn top_p_distribution(logits: &[f32], p: f32, temperature: f32) -> Result<Vec<f32>, JsValue> {
    let settings = Settings {
        temperature,
        top_k: None,
        top_p: Some(p),
    };
    sampling::distribution(logits, &settings).map_err(js_error)
}

/// The index drawn from the top-k distribution; the same seed always draws the same index. It is
/// `nextToken(logits, { sampler: 'top_k', k, temperature, seed, draw: 0 }).index`: one draw rule
/// for every API, so a course page and the demo agree on the character a seed picks.
#[wasm_bindgen(js_name = sampleTopK)]
pub fn sample_top_k(logits: &[f32], k: f64, temperature: f32, seed: f64) -> Result<u32, JsValue> {
    let settings = Settings {
        temperature,
        top_k: Some(sampling::check_top_k(k).map_err(js_error)?),
        top_p: None,
    };
    let key = DrawKey {
        seed: u32_arg("seed", seed)?,
        draw: 0,
    };
    let shaped = sampling::shape(logits, &settings, Some(key)).map_err(js_error)?;
    Ok(shaped.draw.expect("shape draws when given a key").index as u32)
}

/// The dropout mask of `length` units at rate p: 1 kept, 0 dropped; nested in p for a seed.
#[wasm_bindgen(js_name = dropoutMask)]
pub fn dropout_mask(length: f64, p: f32, seed: f64) -> Result<Vec<u8>, JsValue> {
    let length = integer_in("length", length, 0, MAX_MASK_LENGTH)?;
    dropout::mask(length as usize, p, u32_arg("seed", seed)?).map_err(js_error)
}

/// Training-mode dropout of `values` with exactly the mask `dropoutMask(values.length, p, seed)`.
#[wasm_bindgen(js_name = applyDropout)]
pub fn apply_dropout(values: &[f32], p: f32, seed: f64) -> Result<Vec<f32>, JsValue> {
    dropout::apply(values, p, u32_arg("seed", seed)?, dropout::Mode::Train).map_err(js_error)
}

/// One `n`×`n` matrix product on `backend` (the module's own; see `Backend::matmul_probe`), for
/// the benchmark's measure of this machine's matmul throughput in the browser.
#[wasm_bindgen(js_name = matmulProbe)]
pub fn matmul_probe(backend: &str, n: u32) -> Result<f32, JsValue> {
    let backend = Backend::parse(backend).map_err(js_error)?;
    let n = integer_in("n", n.into(), 1, 2048)?;
    Ok(backend.matmul_probe(n as usize))
}

/// The sizes and counts the page states: the model's shape, the batch, the vocabulary limit, the
/// shortest text to train on and how training is measured.
#[wasm_bindgen]
pub fn facts() -> JsValue {
    let f = Facts::defaults();
    let n = |x: usize| JsValue::from(x as f64);
    object(&[
        ("context", n(f.context)),
        ("dModel", n(f.d_model)),
        ("nLayers", n(f.n_layers)),
        ("nHeads", n(f.n_heads)),
        ("dFf", n(f.d_ff)),
        ("batchSize", n(f.batch_size)),
        ("maxVocab", n(f.max_vocab)),
        ("minChars", n(f.min_chars)),
        ("evalEvery", n(f.eval_every)),
        ("lossWindows", n(f.loss_windows)),
        ("overfitChars", n(f.overfit_chars)),
    ])
}

/// The sampling settings as they cross from JS: the link's names; absent numbers are `None`.
#[derive(serde::Deserialize)]
struct SamplingArgs {
    sampler: Option<String>,
    k: Option<f64>,
    top_p: Option<f32>,
    temperature: Option<f32>,
    seed: Option<f64>,
    draw: Option<f64>,
}

/// Reads `{ sampler, k, top_p, temperature, seed, draw }`: the sampler picks which cut applies
/// (both when it is absent), temperature defaults to 1, and a draw needs both seed and draw.
/// Returns the settings and which draw to make.
fn sampling_args(value: JsValue) -> Result<(Settings, Option<DrawKey>), JsValue> {
    let (settings, seed, draw) = sampling_parts(value)?;
    let key = match (seed, draw) {
        (Some(seed), Some(draw)) => Some(DrawKey { seed, draw }),
        (None, Some(_)) => return Err(missing_seed()),
        _ => None,
    };
    Ok((settings, key))
}

/// The error for a draw asked for without a seed.
fn missing_seed() -> JsValue {
    js_error(Error::invalid("seed", "missing", Allowed::GivenToDraw))
}

/// The settings, the seed and the draw number of a settings object, each checked.
fn sampling_parts(value: JsValue) -> Result<(Settings, Option<u64>, Option<u64>), JsValue> {
    let args: SamplingArgs = serde_wasm_bindgen::from_value(value)
        .map_err(|e| js_error(Error::invalid("settings", e, Allowed::SettingsObject)))?;
    let (use_k, use_p) = match args.sampler.as_deref() {
        None => (true, true),
        Some("top_k") => (true, false),
        Some("top_p") => (false, true),
        Some(other) => {
            return Err(js_error(Error::invalid(
                "sampler",
                other,
                Allowed::Either {
                    first: "top_k",
                    second: "top_p",
                },
            )))
        }
    };
    let top_k = match args.k.filter(|_| use_k) {
        Some(k) => Some(sampling::check_top_k(k).map_err(js_error)?),
        None => None,
    };
    let top_p = match args.top_p.filter(|_| use_p) {
        Some(p) => Some(sampling::check_top_p(p).map_err(js_error)?),
        None => None,
    };
    let temperature =
        sampling::check_temperature(args.temperature.unwrap_or(1.0)).map_err(js_error)?;
    let seed = args.seed.map(|s| u32_arg("seed", s)).transpose()?;
    let draw = args.draw.map(|d| u32_arg("draw", d)).transpose()?;
    Ok((
        Settings {
            temperature,
            top_k,
            top_p,
        },
        seed,
        draw,
    ))
}

/// The longest continuation `generate` writes in one call.
const MAX_GENERATE: u64 = 1000;

fn shaped_to_js(shaped: &Shaped) -> JsValue {
    let (index, u) = match shaped.draw {
        Some(d) => (JsValue::from(d.index as f64), JsValue::from(d.u)),
        None => (JsValue::NULL, JsValue::NULL),
    };
    object(&[
        ("probs", Float32Array::from(shaped.probs.as_slice()).into()),
        (
            "before",
            Float32Array::from(shaped.before.as_slice()).into(),
        ),
        ("order", Uint32Array::from(shaped.order.as_slice()).into()),
        ("kept", JsValue::from(shaped.kept as f64)),
        ("keptMass", JsValue::from(shaped.kept_mass)),
        ("index", index),
        ("u", u),
    ])
}

/// One next-token step from `logits` under `settings` (`{ sampler, k, top_p, temperature, seed,
/// draw }`): `{ probs, before, order, kept, keptMass, index, u }`. `probs` is after temperature
/// and the cut, `before` after temperature only, `order` the indices from most to least likely;
/// with `seed` and `draw`, `u` is the draw's uniform number and `index` the token it picked
/// (both null without them). The same settings always give the same answer.
#[wasm_bindgen(js_name = nextToken)]
pub fn next_token(logits: &[f32], settings: JsValue) -> Result<JsValue, JsValue> {
    let (settings, seed) = sampling_args(settings)?;
    let shaped = sampling::shape(logits, &settings, seed).map_err(js_error)?;
    Ok(shaped_to_js(&shaped))
}

/// What dropout at rate p would do with a site's `draws` to its activations `before`:
/// `{ mask, after, dropped, scale }`, by the very rule and scale a training step uses. `live`
/// (optional, a site's own) limits the count of dropped units to the live ones.
#[wasm_bindgen(js_name = dropoutAt)]
pub fn dropout_at(
    draws: &[f32],
    before: &[f32],
    p: f32,
    live: Option<Vec<u8>>,
) -> Result<JsValue, JsValue> {
    let t = dropout::threshold(draws, before, p, live.as_deref()).map_err(js_error)?;
    Ok(object(&[
        ("mask", Uint8Array::from(t.mask.as_slice()).into()),
        ("after", Float32Array::from(t.after.as_slice()).into()),
        ("dropped", JsValue::from(t.dropped as f64)),
        ("scale", JsValue::from(t.scale)),
    ]))
}

fn losses_to_js(losses: &Losses) -> JsValue {
    let loss = |x: Option<f32>| JsValue::from(x.unwrap_or(f32::NAN));
    object(&[
        ("step", JsValue::from(losses.step as f64)),
        ("train", loss(losses.train)),
        ("valid", loss(losses.valid)),
    ])
}

fn site_to_js(site: &Site) -> JsValue {
    let shape: Array = site
        .shape
        .iter()
        .map(|&d| JsValue::from(d as f64))
        .collect();
    object(&[
        ("kind", site.kind.name().into()),
        (
            "block",
            site.block
                .map_or(JsValue::NULL, |b| JsValue::from(b as f64)),
        ),
        ("shape", shape.into()),
        ("p", JsValue::from(site.p)),
        ("units", JsValue::from(site.units() as f64)),
        ("dropped", JsValue::from(site.dropped() as f64)),
        ("scale", JsValue::from(dropout::keep_scale(site.p))),
        ("mask", Uint8Array::from(site.mask.as_slice()).into()),
        ("draws", Float32Array::from(site.draws.as_slice()).into()),
        ("before", Float32Array::from(site.before.as_slice()).into()),
        ("after", Float32Array::from(site.after.as_slice()).into()),
        (
            "live",
            site.live
                .as_ref()
                .map_or(JsValue::NULL, |l| Uint8Array::from(l.as_slice()).into()),
        ),
    ])
}

fn sources_to_js(found: &Sources) -> JsValue {
    let examples: Array = found
        .examples
        .iter()
        .map(|e| {
            object(&[
                ("start", JsValue::from(e.start as f64)),
                ("before", e.before.as_str().into()),
                ("match", e.matched.as_str().into()),
                ("after", e.after.as_str().into()),
            ])
        })
        .collect();
    object(&[
        ("suffix", found.suffix.as_str().into()),
        ("contextCount", JsValue::from(found.context_count as f64)),
        ("followedCount", JsValue::from(found.followed_count as f64)),
        ("examples", examples.into()),
    ])
}

fn stepped_to_js(stepped: &Stepped) -> JsValue {
    let sites: Array = stepped.report.sites.iter().map(site_to_js).collect();
    object(&[
        ("step", JsValue::from(stepped.report.step as f64)),
        ("loss", JsValue::from(stepped.report.loss)),
        (
            "measured",
            stepped
                .measured
                .as_ref()
                .map_or(JsValue::NULL, losses_to_js),
        ),
        ("sites", sites.into()),
    ])
}

/// One model, held in Rust; the page talks to it through this handle. It keeps no setting of the
/// page: rates, cuts and seeds are arguments.
#[wasm_bindgen]
pub struct Demo {
    session: Session,
}

#[wasm_bindgen]
impl Demo {
    /// The English model with the shipped weights (`weights`: the bytes of www/model.q8).
    /// `backend` is "ndarray" or "flex"; `seed` fixes its batches and masks.
    #[wasm_bindgen(js_name = withWeights)]
    pub fn with_weights(weights: &[u8], backend: &str, seed: f64) -> Result<Demo, JsValue> {
        let backend = Backend::parse(backend).map_err(js_error)?;
        let seed = u32_arg("seed", seed)?;
        let session = Session::english_with_weights(weights, backend, seed).map_err(js_error)?;
        Ok(Demo { session })
    }

    /// A fresh model (weights drawn from `seed`) on any text.
    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(text: &str, backend: &str, seed: f64) -> Result<Demo, JsValue> {
        let backend = Backend::parse(backend).map_err(js_error)?;
        let session =
            Session::from_text(text, backend, u32_arg("seed", seed)?).map_err(js_error)?;
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

    /// One training step at dropout rate `p`. Returns everything it observed in one object:
    /// `{ step, loss, measured, sites }`; every few steps a loss measurement starts (see
    /// `measurePiece`); `measured` (`{ step, train, valid }`, losses with dropout off) is one that
    /// was still under way then and ended here, else null; `sites` only with `observe`, each
    /// `{ kind, block, shape, p, units, dropped, scale, mask, draws, before, after, live }` with typed
    /// arrays; at attention weights `live` marks the cells the causal mask leaves (null elsewhere),
    /// and `units` and `dropped` count those only.
    #[wasm_bindgen(js_name = trainStep)]
    pub fn train_step(&mut self, p: f32, observe: bool) -> Result<JsValue, JsValue> {
        let stepped = self.session.train_step(p, observe).map_err(js_error)?;
        Ok(stepped_to_js(&stepped))
    }

    /// Floating-point operations of one training step (the benchmark's GFLOP/s).
    #[wasm_bindgen(js_name = stepFlops)]
    pub fn step_flops(&self) -> f64 {
        self.session.step_flops()
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.session.trainer().steps()
    }

    /// Keeps the first `tokens` training characters only (for the overfitting view); at least
    /// one window stays.
    #[wasm_bindgen(js_name = limitTrainingText)]
    pub fn limit_training_text(&mut self, tokens: f64) -> Result<(), JsValue> {
        let tokens = u32_arg("tokens", tokens)?;
        self.session.limit_training_tokens(tokens as usize);
        Ok(())
    }

    /// Training and validation loss now, dropout off: `{ step, train, valid }` (NaN for a part too
    /// short to measure).
    pub fn measure(&mut self) -> JsValue {
        losses_to_js(&self.session.measure())
    }

    /// Whether a loss measurement is under way (one starts every few steps and is spread over the
    /// steps after it; see `measurePiece`).
    pub fn measuring(&self) -> bool {
        self.session.measuring()
    }

    /// A few more windows of the loss measurement under way (call it after each step, and while
    /// the model is not training): `{ step, train, valid }` once this completes it (the losses of
    /// the model at that step), else null.
    #[wasm_bindgen(js_name = measurePiece)]
    pub fn measure_piece(&mut self) -> JsValue {
        match self.session.measure_piece(MEASURE_PIECE) {
            Some(losses) => losses_to_js(&losses),
            None => JsValue::NULL,
        }
    }

    /// Hands over the loss measurement under way instead of taking it here: `{ step, weights }`,
    /// the model's weights at that step (burnpack bytes), or null when none is under way. A copy
    /// of this model made the same way (in another worker) gives its losses with `loadWeights`
    /// then `measure` (whose `step` is then the copy's own: use this `step`).
    #[wasm_bindgen(js_name = handOverMeasurement)]
    pub fn hand_over_measurement(&mut self) -> Result<JsValue, JsValue> {
        let Some(handed) = self.session.hand_over_measurement() else {
            return Ok(JsValue::NULL);
        };
        let (step, weights) = handed.map_err(js_error)?;
        Ok(object(&[
            ("step", JsValue::from(step as f64)),
            ("weights", Uint8Array::from(weights.as_slice()).into()),
        ]))
    }

    /// Next-token logits after `prompt`, dropout off. Characters the model has never seen are
    /// left out (see `unknownCharacters`).
    pub fn logits(&mut self, prompt: &str) -> Result<Vec<f32>, JsValue> {
        self.session.logits(prompt).map_err(js_error)
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

    /// Where the character `drawn` follows the end of `context` in the text this model trains on
    /// (its training part): `{ suffix, contextCount, followedCount, examples }`, `suffix` the
    /// longest end of the context (1 to 16 characters) followed by `drawn` somewhere,
    /// `contextCount` how often the suffix is followed by any character, `followedCount` how often
    /// by `drawn`, and up to `max` examples spread over the text, each `{ start, before, match,
    /// after }` (`start` in characters; `match` is the suffix and `drawn`; `before` and `after` stop
    /// at line ends). A character the text never has after the context gives `suffix` "" and 0s;
    /// a `drawn` of other than one character throws.
    pub fn sources(&self, context: &str, drawn: &str, max: u32) -> Result<JsValue, JsValue> {
        let found =
            sources::find(self.session.corpus(), context, drawn, max as usize).map_err(js_error)?;
        Ok(sources_to_js(&found))
    }

    /// `length` characters (at most 1,000) that follow `prompt`, each drawn under `settings`
    /// (`{ sampler, k, top_p, temperature, seed, draw }`, `seed` needed) with draw numbers `draw`
    /// (default 0), `draw + 1`, ...: the same settings always write the same text.
    pub fn generate(
        &mut self,
        prompt: &str,
        settings: JsValue,
        length: f64,
    ) -> Result<String, JsValue> {
        let (settings, seed, draw) = sampling_parts(settings)?;
        let seed = seed.ok_or_else(missing_seed)?;
        let length = integer_in("length", length, 0, MAX_GENERATE)?;
        self.session
            .generate(prompt, &settings, seed, draw.unwrap_or(0), length as usize)
            .map_err(js_error)
    }

    /// Draws the dropout masks of the next steps from stream `stream` (an integer in [0, 2^32)):
    /// two models made from one seed then start alike, read the same batches, and differ only in
    /// their masks.
    #[wasm_bindgen(js_name = setMaskStream)]
    pub fn set_mask_stream(&mut self, stream: f64) -> Result<(), JsValue> {
        let stream = u32_arg("stream", stream)?;
        self.session.set_mask_stream(stream);
        Ok(())
    }

    /// Sets Adam's step size for the next steps, a number in (0, 1]. Copies of finished weights
    /// go on training more gently than a fresh model needs, so that they stay about as good as
    /// the weights they started from (the two-model picture).
    #[wasm_bindgen(js_name = setLearningRate)]
    pub fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), JsValue> {
        if !(learning_rate.is_finite() && learning_rate > 0.0 && learning_rate <= 1.0) {
            return Err(js_error(Error::invalid(
                "learning_rate",
                learning_rate,
                Allowed::AboveUpTo { min: 0.0, max: 1.0 },
            )));
        }
        self.session.set_learning_rate(learning_rate);
        Ok(())
    }

    /// Next-token logits with dropout left on at rate `p` at inference (Monte Carlo dropout);
    /// `seed` and draw number `draw` fix the masks (on a stream apart from sampling draws).
    #[wasm_bindgen(js_name = mcDropoutLogits)]
    pub fn mc_dropout_logits(
        &mut self,
        prompt: &str,
        p: f32,
        seed: f64,
        draw: f64,
    ) -> Result<Vec<f32>, JsValue> {
        let (seed, draw) = (u32_arg("seed", seed)?, u32_arg("draw", draw)?);
        self.session
            .mc_dropout_logits(prompt, p, seed, draw)
            .map_err(js_error)
    }

    /// Replaces the model's weights (burnpack bytes of a model with the same vocabulary), so a
    /// copy of a model that trains in a worker can be sampled here.
    #[wasm_bindgen(js_name = loadWeights)]
    pub fn load_weights(&mut self, weights: &[u8]) -> Result<(), JsValue> {
        self.session.load_weights(weights).map_err(js_error)
    }

    /// The model's weights as burnpack bytes.
    pub fn weights(&self) -> Result<Vec<u8>, JsValue> {
        self.session.trainer().weights().map_err(js_error)
    }
}

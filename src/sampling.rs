//! Turning next-token logits into a distribution and a drawn token: temperature, top-k, top-p.
//!
//! The order and the edge cases follow Hugging Face transformers' logits processors, which is what
//! learners meet next: scale by temperature, cut to top-k (ties at the k-th logit stay), cut to
//! top-p (the token that crosses p stays), softmax over the whole vocabulary, draw.
use crate::error::{Allowed, Error, Result};
use crate::rng::{derive_seed, Rng};

/// What top-k must be: an integer >= 1.
const TOP_K: Allowed = Allowed::IntegerAtLeast { min: 1 };

/// How a distribution is shaped before a draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Finite and > 0. 1.0 = the model's own distribution, < 1.0 sharper, > 1.0 flatter.
    pub temperature: f32,
    /// Keep the k most likely tokens (>= 1, clamped to the vocabulary); `None` keeps all.
    pub top_k: Option<usize>,
    /// Keep the smallest most-likely set whose probability reaches p, in [0, 1]; `None` keeps all.
    pub top_p: Option<f32>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            temperature: 1.0,
            top_k: None,
            top_p: None,
        }
    }
}

/// Checks a temperature: finite and > 0 (0 is not greedy decoding here; greedy is k = 1).
pub fn check_temperature(temperature: f32) -> Result<f32> {
    if temperature.is_finite() && temperature > 0.0 {
        Ok(temperature)
    } else {
        Err(Error::invalid(
            "temperature",
            temperature,
            Allowed::PositiveNumber,
        ))
    }
}

/// Checks a top-k given as a JS number: an integer >= 1 (any size; it is clamped later).
pub fn check_top_k(k: f64) -> Result<usize> {
    if k.is_finite() && k >= 1.0 && k.fract() == 0.0 {
        Ok(k.min(usize::MAX as f64) as usize)
    } else {
        Err(Error::invalid("k", k, TOP_K))
    }
}

/// Checks a top-p: a number in [0, 1] (0 keeps only the most likely token, 1 keeps all). Errors
/// name it `top_p`, apart from the dropout rate's `dropout_p`.
pub fn check_top_p(p: f32) -> Result<f32> {
    crate::error::unit_interval("top_p", p)
}

/// Checks logits: non-empty, no NaN or +inf, at least one finite (-inf means "never this token").
pub fn check_logits(logits: &[f32]) -> Result<()> {
    if logits.is_empty() {
        return Err(Error::invalid("logits", "[] (empty)", Allowed::NonEmpty));
    }
    if let Some((i, x)) = logits
        .iter()
        .enumerate()
        .find(|(_, x)| x.is_nan() || **x == f32::INFINITY)
    {
        return Err(Error::invalid(
            "logits",
            format!("{x} at index {i}"),
            Allowed::FiniteOrMinusInfinity,
        ));
    }
    if logits.iter().all(|x| *x == f32::NEG_INFINITY) {
        return Err(Error::invalid(
            "logits",
            "all -Infinity",
            Allowed::SomeFinite,
        ));
    }
    Ok(())
}

/// Softmax over `scores` (f64 so huge logits over tiny temperatures neither overflow nor give NaN).
fn softmax_f64(scores: &[f64]) -> Vec<f32> {
    let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
    let total: f64 = exps.iter().sum();
    exps.iter().map(|e| (e / total) as f32).collect()
}

/// Which tokens top-k keeps: every logit >= the k-th largest (ties at the boundary all stay).
///
/// Temperature is not an argument: dividing by T > 0 keeps the order, so it never changes this set.
pub fn top_k_kept(logits: &[f32], k: usize) -> Vec<bool> {
    let k = k.clamp(1, logits.len());
    let mut sorted: Vec<f32> = logits.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let kth = sorted[k - 1];
    logits.iter().map(|&x| x >= kth).collect()
}

/// Which tokens top-p keeps from `probs`: the most likely ones, in order, up to and including the
/// one whose running total reaches p; always at least one.
pub fn top_p_kept(probs: &[f32], p: f32) -> Vec<bool> {
    // p = 1 keeps everything (Hugging Face adds no top-p step then). Summed, the probabilities may
    // round to 1 before the last tiny ones are counted, which would otherwise cut those.
    if p >= 1.0 {
        return vec![true; probs.len()];
    }
    let mut order: Vec<usize> = (0..probs.len()).collect();
    // Stable: among equal probabilities the lower index comes first.
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
    let mut kept = vec![false; probs.len()];
    let mut total = 0.0f64;
    for &i in &order {
        kept[i] = true;
        total += probs[i] as f64;
        if total >= p as f64 {
            break;
        }
    }
    kept
}

/// The full distribution after temperature, top-k and top-p: one probability per vocabulary entry,
/// 0 for removed tokens, kept ones renormalised to sum to 1.
pub fn distribution(logits: &[f32], settings: &Settings) -> Result<Vec<f32>> {
    // 1. Check everything before computing anything.
    check_logits(logits)?;
    let temperature = check_temperature(settings.temperature)? as f64;
    if let Some(p) = settings.top_p {
        check_top_p(p)?;
    }
    if settings.top_k == Some(0) {
        return Err(Error::invalid("k", 0, TOP_K));
    }
    // 2. Scale by temperature (in f64: 1e30 / 1e-30 still fits).
    let mut scores: Vec<f64> = logits.iter().map(|&x| x as f64 / temperature).collect();
    // 3. Crop to top-k: everything strictly below the k-th largest becomes -inf.
    if let Some(k) = settings.top_k {
        for (s, keep) in scores.iter_mut().zip(top_k_kept(logits, k)) {
            if !keep {
                *s = f64::NEG_INFINITY;
            }
        }
    }
    // 4. Crop to top-p on the probabilities that remain.
    if let Some(p) = settings.top_p {
        let probs = softmax_f64(&scores);
        for (s, keep) in scores.iter_mut().zip(top_p_kept(&probs, p)) {
            if !keep {
                *s = f64::NEG_INFINITY;
            }
        }
    }
    // 5. Softmax over the whole vocabulary: removed tokens get exactly 0.
    Ok(softmax_f64(&scores))
}

/// Which draw to make: the sampling seed and the draw's number (the n-th character of a
/// continuation, the n-th press of Sample). The pair fixes the uniform number, so each draw of one
/// seed is fresh, and every API that draws with a seed draws the same token for the same pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawKey {
    /// The sampling seed.
    pub seed: u64,
    /// The draw's number: 0, 1, 2, ...
    pub draw: u64,
}

impl DrawKey {
    /// The uniform number in [0, 1) behind this draw.
    pub fn uniform(self) -> f64 {
        Rng::new(derive_seed(self.seed, self.draw)).next_f64()
    }
}

/// The index a uniform number u in [0, 1) picks: lay the probabilities end to end in `order` (the
/// most likely first, as a page draws its stacked bar) and take the token whose stretch holds u
/// (inverse transform sampling). Tokens of probability 0 have no stretch, so they are never picked.
pub fn draw_in_order(probs: &[f32], order: &[u32], u: f64) -> usize {
    let total: f64 = probs.iter().map(|&p| p as f64).sum();
    let target = u * total;
    let mut running = 0.0f64;
    let mut last_possible = order.first().map_or(0, |&i| i as usize);
    for &i in order {
        let p = probs[i as usize];
        if p > 0.0 {
            running += p as f64;
            last_possible = i as usize;
            if target < running {
                return i as usize;
            }
        }
    }
    // Rounding left `target` just past the end: the last token that can be drawn.
    last_possible
}

/// One draw: the uniform number behind it and the index it picked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// The seeded uniform number in [0, 1).
    pub u: f64,
    /// The drawn token.
    pub index: usize,
}

/// Everything one next-token step shows: the distribution before and after the cut, their order,
/// what the cut kept, and the draw when one was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Shaped {
    /// Probabilities after temperature and the cut: 0 for cut tokens, the rest summing to 1.
    pub probs: Vec<f32>,
    /// Probabilities after temperature, before the cut (softmax of logits / T).
    pub before: Vec<f32>,
    /// Token indices from the most likely to the least (by logit; ties: the lower index first);
    /// the draw lays the probabilities end to end in this order.
    pub order: Vec<u32>,
    /// How many tokens the cut keeps.
    pub kept: usize,
    /// Their total probability before the cut.
    pub kept_mass: f32,
    /// The draw, when a [`DrawKey`] was given.
    pub draw: Option<Draw>,
}

/// Shapes `logits` by `settings` and, given a [`DrawKey`], draws from the result: one answer with
/// every number a view of the step needs, so no caller sorts, sums or draws again. This is the one
/// draw rule: `nextToken`, `sampleTopK` and `generate` all draw through it.
pub fn shape(logits: &[f32], settings: &Settings, key: Option<DrawKey>) -> Result<Shaped> {
    let probs = distribution(logits, settings)?;
    let before = distribution(
        logits,
        &Settings {
            top_k: None,
            top_p: None,
            ..*settings
        },
    )?;
    // By logit, which is also by probability (dividing by T > 0 and softmax keep the order).
    let mut order: Vec<u32> = (0..logits.len() as u32).collect();
    order.sort_by(|&a, &b| logits[b as usize].total_cmp(&logits[a as usize]));
    let kept = probs.iter().filter(|&&p| p > 0.0).count();
    let kept_mass = probs
        .iter()
        .zip(&before)
        .filter(|(&p, _)| p > 0.0)
        .map(|(_, &b)| b as f64)
        .sum::<f64>() as f32;
    let draw = key.map(|key| {
        let u = key.uniform();
        Draw {
            u,
            index: draw_in_order(&probs, &order, u),
        }
    });
    Ok(Shaped {
        probs,
        before,
        order,
        kept,
        kept_mass,
        draw,
    })
}

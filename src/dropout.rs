//! Dropout, in one place: the keep/drop rule, the scaling, the recorder the model's forward pass
//! calls at every site, and what a site did.
//!
//! Each unit gets one seeded uniform draw u in [0, 1); it is dropped when u < p. For the same seed
//! the draws stay put as p moves, so raising p only adds dropped units and never revives one: a
//! slider over p reveals more of the same mask instead of reshuffling it. Kept units are scaled
//! by 1 / (1 - p) so the expected output equals the input (PyTorch's `nn.Dropout`).
use burn::tensor::{Tensor, TensorData};

use crate::error::{Allowed, Error, Result};
use crate::rng::Rng;
use crate::values_of;

/// Checks a dropout rate: a number in [0, 1] (PyTorch's range; 1 drops everything). Errors name
/// it `dropout_p`, apart from top-p's `top_p`.
pub fn check_p(p: f32) -> Result<f32> {
    crate::error::unit_interval("dropout_p", p)
}

/// The seeded uniform draws behind a mask of `len` units.
pub fn draws(len: usize, seed: u64) -> Vec<f32> {
    Rng::new(seed).uniforms(len)
}

/// The keep/drop rule: a unit with draw u is kept at rate p when u >= p.
pub fn keeps(u: f32, p: f32) -> bool {
    u >= p
}

/// Thresholds draws at p: 1 = kept, 0 = dropped.
pub fn mask_from_draws(draws: &[f32], p: f32) -> Vec<u8> {
    draws.iter().map(|&u| u8::from(keeps(u, p))).collect()
}

/// The mask of `len` units for rate p and a seed: 1 kept, 0 dropped.
pub fn mask(len: usize, p: f32, seed: u64) -> Result<Vec<u8>> {
    let p = check_p(p)?;
    Ok(mask_from_draws(&draws(len, seed), p))
}

/// The factor kept units are multiplied by: 1 / (1 - p), and 0 at p = 1 (all dropped, no 0 * inf).
pub fn keep_scale(p: f32) -> f32 {
    if p >= 1.0 {
        0.0
    } else {
        1.0 / (1.0 - p)
    }
}

/// What each unit is multiplied by: 0 when dropped, 1 / (1 - p) when kept (mask and scale in one).
pub fn factors(draws: &[f32], p: f32) -> Vec<f32> {
    let scale = keep_scale(p);
    draws
        .iter()
        .map(|&u| if keeps(u, p) { scale } else { 0.0 })
        .collect()
}

/// Applies a mask: dropped units become 0, kept ones x / (1 - p).
pub fn apply_mask(values: &[f32], mask: &[u8], p: f32) -> Vec<f32> {
    let scale = keep_scale(p);
    values
        .iter()
        .zip(mask)
        .map(|(&x, &m)| if m == 1 { x * scale } else { 0.0 })
        .collect()
}

/// Training or evaluation: dropout only acts while training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A fresh mask at every forward pass.
    Train,
    /// No mask: the identity.
    Eval,
}

/// Dropout of `values` at rate p with the mask [`mask`]`(values.len(), p, seed)`; the identity in eval.
pub fn apply(values: &[f32], p: f32, seed: u64, mode: Mode) -> Result<Vec<f32>> {
    let p = check_p(p)?;
    match mode {
        Mode::Eval => Ok(values.to_vec()),
        Mode::Train => Ok(apply_mask(values, &mask(values.len(), p, seed)?, p)),
    }
}

/// A mask and its effect at one rate: what a site's draws give at p.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholded {
    /// 1 kept, 0 dropped.
    pub mask: Vec<u8>,
    /// The activations after dropout at p.
    pub after: Vec<f32>,
    /// How many units the mask drops.
    pub dropped: usize,
    /// What kept units are multiplied by: [`keep_scale`]`(p)`.
    pub scale: f32,
}

/// The mask and outputs that rate p gives with `draws` on `before`: the same step seen at another
/// p (the slider's what-if), with exactly the rule and scale the step itself used. Only units
/// marked in `live` (all when `None`) are counted as dropped: see [`Site::live`].
pub fn threshold(
    draws: &[f32],
    before: &[f32],
    p: f32,
    live: Option<&[u8]>,
) -> Result<Thresholded> {
    let p = check_p(p)?;
    if draws.len() != before.len() || live.is_some_and(|l| l.len() != draws.len()) {
        return Err(Error::invalid(
            "before",
            format!("{} values for {} draws", before.len(), draws.len()),
            Allowed::OneValuePerDraw,
        ));
    }
    let mask = mask_from_draws(draws, p);
    let after = apply_mask(before, &mask, p);
    let dropped = count_dropped(&mask, live);
    Ok(Thresholded {
        mask,
        after,
        dropped,
        scale: keep_scale(p),
    })
}

/// Dropped units (mask 0) among the live ones (all when `live` is `None`).
pub fn count_dropped(mask: &[u8], live: Option<&[u8]>) -> usize {
    match live {
        Some(live) => mask
            .iter()
            .zip(live)
            .filter(|&(&m, &l)| m == 0 && l == 1)
            .count(),
        None => mask.iter().filter(|&&m| m == 0).count(),
    }
}

/// The live cells of one example's attention weights, `[heads, seq, seq]`: 1 where a query may
/// look at a key (key <= query), 0 above the diagonal, where the causal mask has already made
/// the weight exactly 0 and dropping it changes nothing.
pub fn causal_live(heads: usize, seq: usize) -> Vec<u8> {
    (0..heads * seq * seq)
        .map(|i| u8::from(i % seq <= (i / seq) % seq))
        .collect()
}

/// Where dropout acts in a forward pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    /// The sum of token and position embeddings, `[seq, d_model]` per example.
    Embedding,
    /// Attention weights after softmax, `[heads, seq, seq]` per example.
    AttentionWeights,
    /// The attention sub-layer's output before the residual add, `[seq, d_model]`.
    AttentionOutput,
    /// The feed-forward sub-layer's output before the residual add, `[seq, d_model]`.
    FeedForwardOutput,
}

impl SiteKind {
    /// The kind's name in snake case (as the page's dictionaries key it).
    pub fn name(self) -> &'static str {
        match self {
            SiteKind::Embedding => "embedding",
            SiteKind::AttentionWeights => "attention_weights",
            SiteKind::AttentionOutput => "attention_output",
            SiteKind::FeedForwardOutput => "feed_forward_output",
        }
    }
}

/// What one dropout site did to one example (the first of the batch) in a forward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Which kind of site.
    pub kind: SiteKind,
    /// The block it belongs to (`None` for the embedding).
    pub block: Option<usize>,
    /// Shape of one example's activations here.
    pub shape: Vec<usize>,
    /// The rate the mask was drawn at.
    pub p: f32,
    /// The uniform draws behind the mask (a unit is kept when its draw >= p).
    pub draws: Vec<f32>,
    /// The mask the pass applied: 1 kept, 0 dropped.
    pub mask: Vec<u8>,
    /// Activations before dropout.
    pub before: Vec<f32>,
    /// Activations after dropout: 0 where dropped, before / (1 - p) where kept.
    pub after: Vec<f32>,
    /// For attention weights, which cells are live (see [`causal_live`]); `None`: every unit is.
    pub live: Option<Vec<u8>>,
}

impl Site {
    /// Units that carry a value dropout can change: the live cells of attention weights, else all.
    pub fn units(&self) -> usize {
        self.live
            .as_ref()
            .map_or(self.mask.len(), |l| l.iter().filter(|&&x| x == 1).count())
    }

    /// Live units the mask dropped.
    pub fn dropped(&self) -> usize {
        count_dropped(&self.mask, self.live.as_deref())
    }
}

/// Dropout for one forward pass: off (evaluation) or on with a rate and a seeded generator.
///
/// The model threads one of these through its forward pass instead of using Burn's `Dropout`
/// module, whose masks come from the backend's global generator: here a seed alone fixes every
/// mask, and each site can be recorded for the page.
#[derive(Debug)]
pub struct Dropout {
    p: Option<f32>,
    rng: Rng,
    observe: bool,
    sites: Vec<Site>,
}

impl Dropout {
    /// No dropout: evaluation mode, the identity everywhere.
    pub fn off() -> Self {
        Dropout {
            p: None,
            rng: Rng::new(0),
            observe: false,
            sites: Vec::new(),
        }
    }

    /// Dropout at rate p with masks drawn from `seed`; with `observe`, every site is recorded.
    /// p must already be checked to lie in [0, 1].
    pub fn on(p: f32, seed: u64, observe: bool) -> Self {
        Dropout {
            p: Some(p),
            rng: Rng::new(seed),
            observe,
            sites: Vec::new(),
        }
    }

    /// The sites recorded so far, in forward order.
    pub fn into_sites(self) -> Vec<Site> {
        self.sites
    }

    /// Applies dropout to `x` (`[batch, ...]`): one uniform draw per unit, then [`factors`].
    pub fn apply<const D: usize>(
        &mut self,
        x: Tensor<D>,
        kind: SiteKind,
        block: Option<usize>,
    ) -> Tensor<D> {
        let Some(p) = self.p else { return x };
        let dims = x.dims();
        let units: usize = dims.iter().product();
        let draws = self.rng.uniforms(units);
        // One tensor holds the mask already multiplied by the scale: a single multiply applies both.
        let factor_tensor =
            Tensor::<D>::from_data(TensorData::new(factors(&draws, p), dims), &x.device());
        let y = x.clone() * factor_tensor;
        if self.observe {
            let per_example = units / dims[0];
            let first = |t: Tensor<D>| -> Vec<f32> {
                let ranges: Vec<_> = dims
                    .iter()
                    .enumerate()
                    .map(|(i, &d)| if i == 0 { 0..1 } else { 0..d })
                    .collect();
                values_of(t.slice(ranges.as_slice()))
            };
            let draws = draws[..per_example].to_vec();
            let live = (kind == SiteKind::AttentionWeights).then(|| causal_live(dims[1], dims[2]));
            self.sites.push(Site {
                kind,
                block,
                shape: dims[1..].to_vec(),
                p,
                mask: mask_from_draws(&draws, p),
                draws,
                before: first(x),
                after: first(y.clone()),
                live,
            });
        }
        y
    }
}

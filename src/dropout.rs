//! Inverted dropout with masks you can see, nested in p for a fixed seed.
//!
//! Each unit gets one seeded uniform draw u in [0, 1); it is dropped when u < p. For the same seed
//! the draws stay put as p moves, so raising p only adds dropped units and never revives one: a
//! slider over p reveals more of the same mask instead of reshuffling it. Kept units are scaled
//! by 1 / (1 - p) so the expected output equals the input (PyTorch's `nn.Dropout`).
use crate::error::{Error, Result};
use crate::rng::Rng;

/// Checks a dropout rate: a number in [0, 1] (PyTorch's range; 1 drops everything).
pub fn check_p(p: f32) -> Result<f32> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(Error::invalid("p", p, "a number in [0, 1]"))
    }
}

/// The seeded uniform draws behind a mask of `len` units.
pub fn draws(len: usize, seed: u64) -> Vec<f32> {
    Rng::new(seed).uniforms(len)
}

/// Thresholds draws at p: 1 = kept (u >= p), 0 = dropped (u < p).
pub fn mask_from_draws(draws: &[f32], p: f32) -> Vec<u8> {
    draws.iter().map(|&u| u8::from(u >= p)).collect()
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

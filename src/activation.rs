//! The model's two non-linear functions, GELU and the causal softmax of attention, and its loss,
//! the cross-entropy of the next character, each computed in one pass over plain values and handed
//! to autodiff as a few cheap tensor ops.
//!
//! Burn builds them from element-wise ops that call the maths library's error function and
//! exponential per unit (GELU twice, forward and backward); in the browser those scalar calls took
//! over half of a training step. Here the values come from loops without library calls, which the
//! compiler vectorises, and the graph records an expression whose value is the function's value
//! and whose gradient is the function's exact gradient (its linearisation at the input), so
//! backward never evaluates the function again.
use burn::tensor::{Tensor, TensorData};

use crate::values_of;

/// 1 / √(2π): the standard normal density at 0.
const INV_SQRT_2PI: f32 = 0.398_942_3;

/// GELU(x) = x·Φ(x) of every unit, with the exact gradient `Φ(x) + x·φ(x)`.
///
/// One loop gives per unit the slope `a = Φ(x) + x·φ(x)` and the offset `b = -x²·φ(x)`; the graph
/// records `x·a + b`, whose value is x·Φ(x) and whose gradient is `a`.
pub fn gelu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    let dims = x.dims();
    let device = x.device();
    let values = values_of(x.clone());
    let mut slope = vec![0.0; values.len()];
    let mut offset = vec![0.0; values.len()];
    for ((&v, a), b) in values.iter().zip(&mut slope).zip(&mut offset) {
        let (cdf, pdf) = normal_cdf_pdf(v);
        *a = cdf + v * pdf;
        *b = -v * v * pdf;
    }
    let slope = Tensor::<D>::from_data(TensorData::new(slope, dims), &device);
    let offset = Tensor::<D>::from_data(TensorData::new(offset, dims), &device);
    x * slope + offset
}

/// Softmax over the last axis of attention scores `[batch, heads, seq, seq]` (query by key), where a
/// query sees only keys at or before its own position: later keys get weight exactly 0, as if their
/// scores were -inf.
///
/// The weights w come from one loop over the rows (subtract the row's maximum, exponentiate,
/// normalise). The graph records `w + w⊙d - w⊙Σ(w⊙d)` with `d = scores - scores` (zero, but
/// carrying the gradient of the first term only): its value is w and its gradient is softmax's,
/// `w⊙(g - Σ g⊙w)`, which is 0 for the masked keys.
pub fn causal_softmax(scores: Tensor<4>) -> Tensor<4> {
    let dims = scores.dims();
    let seq = dims[3];
    let values = values_of(scores.clone());
    let mut weights = vec![0.0; values.len()];
    for (row, (input, output)) in values
        .chunks_exact(seq)
        .zip(weights.chunks_exact_mut(seq))
        .enumerate()
    {
        let visible = row % seq + 1; // query i sees keys 0..=i
        let (input, output) = (&input[..visible], &mut output[..visible]);
        let (_, sum) = exp_less_max(input, output);
        let inverse = 1.0 / sum;
        output.iter_mut().for_each(|w| *w *= inverse);
    }
    let weights = Tensor::<4>::from_data(TensorData::new(weights, dims), &scores.device());
    let d = scores.clone() - scores.detach(); // [batch, heads, seq, seq], all 0
    let weighted = weights.clone() * d;
    let mean = weighted.clone().sum_dim(3); // [batch, heads, seq, 1]
    weighted - weights.clone() * mean + weights
}

/// Mean cross-entropy, in nats, of `logits` `[rows, vocab]` against `targets` (one index per row),
/// with the exact gradient `(softmax(row) - onehot(target)) / rows`.
///
/// One loop per row gives its log-sum-exp (less the row's maximum, as a log-softmax does) and its
/// share of the gradient g. The graph records `loss + Σ g⊙d` with `d = logits - logits` (zero, but
/// carrying the gradient of the first term only): its value is the loss and its gradient is g.
/// Burn's log-softmax, gather and mean made six tensors and their backward passes here.
pub fn cross_entropy(logits: Tensor<2>, targets: &[usize]) -> Tensor<1> {
    let dims = logits.dims();
    let (loss, gradient) = cross_entropy_values(&values_of(logits.clone()), dims[1], targets);
    let gradient = Tensor::<2>::from_data(TensorData::new(gradient, dims), &logits.device());
    let d = logits.clone() - logits.detach(); // [rows, vocab], all 0
    (d * gradient).sum().add_scalar(loss)
}

/// The mean cross-entropy of `logits` (rows of `vocab` values) against `targets`, and its gradient
/// with respect to every logit.
pub fn cross_entropy_values(logits: &[f32], vocab: usize, targets: &[usize]) -> (f32, Vec<f32>) {
    assert_eq!(
        logits.len(),
        vocab * targets.len(),
        "one target per row of logits"
    );
    let inverse_rows = 1.0 / targets.len() as f32;
    let mut gradient = vec![0.0; logits.len()];
    let mut total = 0.0f64;
    for ((row, g), &target) in logits
        .chunks_exact(vocab)
        .zip(gradient.chunks_exact_mut(vocab))
        .zip(targets)
    {
        let (max, sum) = exp_less_max(row, g);
        // -log softmax(row)[target] = log Σ e^(v - max) - (row[target] - max)
        total += f64::from(sum.ln() - (row[target] - max));
        let scale = inverse_rows / sum;
        g.iter_mut().for_each(|e| *e *= scale);
        g[target] -= inverse_rows;
    }
    ((total / targets.len() as f64) as f32, gradient)
}

/// Writes e^(v - max) of every value v of `input` into `output`, where max is the largest of
/// them, and returns max and the sum written: the stable numerator and denominator of a softmax.
#[inline(always)]
fn exp_less_max(input: &[f32], output: &mut [f32]) -> (f32, f32) {
    // A compare rather than f32::max, which wasm compiles to a library call (NaN rules).
    let max = input
        .iter()
        .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m });
    let mut sum = 0.0;
    for (e, &v) in output.iter_mut().zip(input) {
        *e = exp_nonpositive(v - max);
        sum += *e;
    }
    (max, sum)
}

/// Φ(x) and φ(x) of the standard normal, to about 1e-7 absolute (the f32 rounding of values near 1).
///
/// Φ comes from the error function by Abramowitz and Stegun's formula 7.1.26 (absolute error at
/// most 1.5e-7 in erf), whose exponential e^{-x²/2} is also φ(x)·√(2π), so one exponential serves
/// both. No branches and no calls, so the loop over a tensor can run four units at a time.
#[inline(always)]
pub fn normal_cdf_pdf(x: f32) -> (f32, f32) {
    const P: f32 = 0.327_591_1;
    const A: [f32; 5] = [
        0.254_829_6,
        -0.284_496_74,
        1.421_413_7,
        -1.453_152,
        1.061_405_4,
    ];
    let z = x.abs() * std::f32::consts::FRAC_1_SQRT_2;
    let t = 1.0 / (1.0 + P * z);
    let poly = t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * A[4]))));
    let gauss = exp_nonpositive(-0.5 * x * x); // e^{-z²}
    let tail = 0.5 * poly * gauss; // Φ(-|x|)
    let cdf = if x >= 0.0 { 1.0 - tail } else { tail };
    (cdf, INV_SQRT_2PI * gauss)
}

/// e^y for y <= 0, to a few units in the last place, without a library call: y = n·ln2 + r with
/// |r| <= ln2/2, e^r by its Taylor series to r⁷, and 2^n put straight into the exponent bits.
/// Below -87 (where e^y nears the smallest normal f32) it returns e^-87, which is 0 to every use
/// here.
#[inline(always)]
pub fn exp_nonpositive(y: f32) -> f32 {
    const LN2_HI: f32 = 0.693_145_75; // ln 2 split in two, so n·ln2 is exact for |n| < 2^8
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding and taking away 1.5·2^23 rounds to the nearest integer in plain f32 arithmetic
    // (|y·log2 e| < 2^22 here), which vectorises on every target, unlike a rounding call.
    const ROUND: f32 = 12_582_912.0;
    let y = y.clamp(-87.0, 0.0);
    let n = (y * std::f32::consts::LOG2_E + ROUND) - ROUND;
    let r = (y - n * LN2_HI) - n * LN2_LO;
    let mut e = 1.0 / 5040.0;
    for c in [
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        e = e * r + c;
    }
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    e * scale
}

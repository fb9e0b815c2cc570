//! How the tests compare numbers that the core computes in floating point.
//!
//! The same code does not give bit-identical floats everywhere. Burn's CPU kernels choose their
//! SIMD width when the program starts (4 lanes in wasm simd128, 8 with AVX2, 16 with AVX-512), and
//! the width sets the order in which a dot product or a reduction adds its terms; `exp` and `ln`
//! come from a different maths library in wasm than natively, and glibc picks an FMA variant of
//! them on CPUs that have FMA. So a float computed by the model, or by `exp`, is compared with a
//! tolerance whenever the expected value was computed elsewhere (the fixture, or native for wasm).
//!
//! Comparisons stay exact where the arithmetic is exact on every IEEE 754 machine: masks, seeds,
//! counts and drawn indices (away from ties, which `assert_clear_of_ties` checks), a product of
//! two given f32 values (dropout's `x * 1/(1-p)`: one correctly rounded operation), and the same
//! computation run twice in one process (same kernels, same order, same bits).
#![allow(dead_code)]

use dropout_topk::sampling::{self, DrawKey, Settings, Shaped};
use serde_json::Value;

/// Probabilities from `sampling` (absolute). They are computed in f64 and rounded to f32, so a
/// last-bit difference of `exp` between maths libraries moves an f32 probability by at most one
/// f32 ulp (6e-8 at 1.0). 1e-6 is 16 ulps at 1.0; the changes the tests are about (another k,
/// temperature or p) move probabilities by more than 1e-3.
pub const PROB_TOL: f64 = 1e-6;

/// Training losses and model outputs (relative). A loss is a mean over 256 positions of a log
/// softmax of logits that are sums of 48 to 192 products; reordering a sum of n f32 terms moves
/// it by about sqrt(n) ulps, and the first loss of the fixture differed by 6e-8 relative between
/// AVX2 and AVX-512. Three Adam steps carry such differences forward without amplifying them
/// much (Adam's step size is bounded by its learning rate). 1e-4 is over a thousand times what
/// was seen, and ten times smaller than what a wrong seed or a missing step changes
/// (`LOSS_REL_TOL` is checked against that in tests/api_vectors.rs).
pub const LOSS_REL_TOL: f64 = 1e-4;

/// Whether `got` is within `LOSS_REL_TOL` of `want`, relative to `want`.
pub fn loss_close(got: f64, want: f64) -> bool {
    (got - want).abs() <= LOSS_REL_TOL * want.abs()
}

/// Asserts that element-wise, `got` and `want` are within `PROB_TOL`.
pub fn assert_probs_close(got: &[f32], want: &[f32], context: &str) {
    assert_eq!(got.len(), want.len(), "{context}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (*g as f64 - *w as f64).abs() <= PROB_TOL,
            "{context}: got {got:?}, want {want:?}"
        );
    }
}

/// Asserts that a draw lies at least `len * PROB_TOL` of probability mass away from every boundary
/// between two tokens, the stretches laid out in the draw's order: moving each probability by
/// `PROB_TOL` (see above) cannot change which token it picks, so its index may be compared exactly.
pub fn assert_clear_of_ties(shaped: &Shaped, context: &str) {
    let probs = &shaped.probs;
    let u = shaped.draw.expect("a shaped draw").u;
    let total: f64 = probs.iter().map(|&p| p as f64).sum();
    let target = u * total;
    let mut running = 0.0f64;
    let margin = probs.len() as f64 * PROB_TOL;
    for p in shaped.order.iter().map(|&i| probs[i as usize]) {
        if p == 0.0 {
            continue;
        }
        running += p as f64;
        assert!(
            (target - running).abs() > margin,
            "{context}: the draw at u = {u} lies within {margin} of a boundary; pick another seed"
        );
    }
}

/// The step `nextToken` (and `sampleTopK`, and `generate`'s character) takes for `logits` under
/// `settings` with draw number `draw` of `seed`: the one draw rule, `sampling::shape`.
pub fn shaped_draw(logits: &[f32], settings: &Settings, seed: u64, draw: u64) -> Shaped {
    sampling::shape(logits, settings, Some(DrawKey { seed, draw })).unwrap()
}

/// The index the one draw rule picks (see [`shaped_draw`]).
pub fn drawn(logits: &[f32], settings: &Settings, seed: u64, draw: u64) -> usize {
    shaped_draw(logits, settings, seed, draw)
        .draw
        .unwrap()
        .index
}

/// Plain softmax, in f64 (the probabilities at T = 1 with no cut), for tests that look at the
/// model's own distribution.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x)) as f64;
    let exps: Vec<f64> = logits.iter().map(|&x| (x as f64 - max).exp()).collect();
    let total: f64 = exps.iter().sum();
    exps.iter().map(|e| (e / total) as f32).collect()
}

/// How one field of tests/fixtures/api_vectors.json is compared (by its key).
fn field_rule(key: &str) -> Rule {
    match key {
        // Outputs of `sampling` (f64 exp, rounded to f32).
        "probs" => Rule::Absolute(PROB_TOL),
        // Outputs of Burn's kernels over three training steps.
        "losses" => Rule::Relative(LOSS_REL_TOL),
        // Inputs, masks, seeds, indices and `x * scale` products: exact on any IEEE machine.
        _ => Rule::Exact,
    }
}

#[derive(Clone, Copy, Debug)]
enum Rule {
    Exact,
    Absolute(f64),
    Relative(f64),
}

/// Compares a stored fixture with what the code computes now: the same structure, integers and
/// exact fields equal, float fields within their tolerance (see `field_rule`). Returns every
/// difference, each with its path in the JSON.
pub fn fixture_differences(stored: &Value, now: &Value) -> Vec<String> {
    let mut out = vec![];
    compare(stored, now, "$", Rule::Exact, &mut out);
    out
}

fn compare(stored: &Value, now: &Value, path: &str, rule: Rule, out: &mut Vec<String>) {
    match (stored, now) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let path = format!("{path}.{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => compare(x, y, &path, field_rule(key), out),
                    _ => out.push(format!("{path}: present on one side only")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path}: {} items stored, {} now", a.len(), b.len()));
                return;
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, &format!("{path}[{i}]"), rule, out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (x, y) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            let ok = match rule {
                Rule::Exact => a == b || x == y,
                Rule::Absolute(tol) => (x - y).abs() <= tol,
                Rule::Relative(tol) => (x - y).abs() <= tol * x.abs(),
            };
            if !ok {
                out.push(format!("{path}: stored {a}, now {b} ({rule:?})"));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: stored {a}, now {b}")),
    }
}

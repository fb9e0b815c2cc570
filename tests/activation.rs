//! The model's GELU against an exact one: burn-flex's, whose forward and backward both use the
//! maths library's error function. (burn-ndarray's backward in Burn 0.22 is the derivative of the
//! tanh approximation, off by up to 9e-4, so it is not the reference; the model's GELU gives the
//! exact gradient on every backend.)
//!
//! Values and gradients agree within 3e-7 · max(1, |x|): the formula's own error (at most 1.5e-7 in
//! erf, so 7.5e-8 in Φ, times |x|) plus two f32 roundings of values near x. A wrong coefficient or
//! a sign slip moves them by 1e-3 or more.
#![cfg(feature = "flex")]
use burn::tensor::activation::gelu as exact_gelu;
use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Bool, Int};
use burn::tensor::{Device, Tensor, TensorData};
use dropout_topk::activation::{
    causal_softmax, cross_entropy, exp_nonpositive, gelu, normal_cdf_pdf,
};
use dropout_topk::backend::Backend;
use dropout_topk::rng::Rng;

const TOL: f32 = 3e-7;

/// Every 1/1000 from -6 to 6: the range the model's pre-activations live in, and beyond.
fn grid() -> Vec<f32> {
    (-6000..=6000).map(|i| i as f32 / 1000.0).collect()
}

fn values(t: Tensor<1>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap()
}

fn assert_close(what: &str, got: &[f32], want: &[f32], xs: &[f32]) {
    for ((g, w), x) in got.iter().zip(want).zip(xs) {
        let tol = TOL * x.abs().max(1.0);
        assert!((g - w).abs() <= tol, "{what} at x = {x}: {g} against {w}");
    }
}

#[test]
fn gelu_matches_burns_exact_gelu_in_value_and_gradient() {
    let xs = grid();
    let input = |device: &Device| {
        Tensor::<1>::from_data(TensorData::new(xs.clone(), [xs.len()]), device).require_grad()
    };
    let reference = input(&Device::flex().autodiff());
    let y_exact = exact_gelu(reference.clone());
    let grad_exact = values(reference.grad(&y_exact.clone().sum().backward()).unwrap());
    let y_exact = values(y_exact);
    for &backend in Backend::ALL {
        let ours = input(&backend.device().autodiff());
        let y = gelu(ours.clone());
        let grad_ours = values(ours.grad(&y.clone().sum().backward()).unwrap());
        assert_close("value", &values(y), &y_exact, &xs);
        assert_close("gradient", &grad_ours, &grad_exact, &xs);
    }
}

#[test]
fn the_normal_cdf_and_density_have_their_landmarks() {
    let (cdf, pdf) = normal_cdf_pdf(0.0);
    assert!((cdf - 0.5).abs() <= TOL && (pdf - 0.398_942_3).abs() <= TOL);
    // Φ(1.959964) = 0.975, the two-sided 95% point; Φ is symmetric: Φ(-x) = 1 - Φ(x).
    assert!((normal_cdf_pdf(1.959_964).0 - 0.975).abs() <= TOL);
    for x in grid() {
        let (up, _) = normal_cdf_pdf(x);
        let (down, _) = normal_cdf_pdf(-x);
        assert!(
            (up + down - 1.0).abs() <= TOL,
            "Φ({x}) + Φ(-{x}) = {}",
            up + down
        );
    }
    // Far out the tails are 0 and 1, never NaN.
    assert!(normal_cdf_pdf(-60.0).0 < 1e-37);
    assert_eq!(normal_cdf_pdf(60.0).0, 1.0);
}

#[test]
fn the_exponential_is_within_a_few_ulps_of_the_libraries() {
    for i in 0..=87_000 {
        let y = -(i as f32) / 1000.0;
        let (got, want) = (exp_nonpositive(y), y.exp());
        assert!(
            (got - want).abs() <= 4.0 * f32::EPSILON * want,
            "e^{y}: {got} against {want}"
        );
    }
    assert_eq!(exp_nonpositive(0.0), 1.0);
}

/// Attention scores `[2, 3, 8, 8]` and weights for a loss `Σ w ⊙ r`, from a seed: scores in
/// [-4, 4) like a trained model's, so rows range from flat to peaked.
fn scores_and_weights(device: &Device) -> (Tensor<4>, Tensor<4>) {
    let mut rng = Rng::new(5);
    let mut draw = |scale: f32| -> Tensor<4> {
        let values: Vec<f32> = (0..2 * 3 * 8 * 8)
            .map(|_| (rng.next_f32() - 0.5) * scale)
            .collect();
        Tensor::from_data(TensorData::new(values, [2, 3, 8, 8]), device)
    };
    let scores = draw(8.0).require_grad();
    (scores, draw(2.0))
}

#[test]
fn causal_softmax_matches_burns_masked_softmax_in_value_and_gradient() {
    for &backend in Backend::ALL {
        let device = backend.device().autodiff();
        let (scores, r) = scores_and_weights(&device);
        let ours = causal_softmax(scores.clone());
        let grad_ours = values(
            scores
                .grad(&(ours.clone() * r.clone()).sum().backward())
                .unwrap()
                .flatten(0, 3),
        );

        let (reference, r) = scores_and_weights(&device);
        let future = Tensor::<2, Bool>::tril_mask([8, 8], 0, &device)
            .reshape([1, 1, 8, 8])
            .expand([2, 3, 8, 8]);
        let want = softmax(reference.clone().mask_fill(future, -1.0e9), 3);
        let grad_want = values(
            reference
                .grad(&(want.clone() * r).sum().backward())
                .unwrap()
                .flatten(0, 3),
        );

        let (ours, want) = (values(ours.flatten(0, 3)), values(want.flatten(0, 3)));
        for (i, (g, w)) in ours.iter().zip(&want).enumerate() {
            // Weights are in [0, 1]: a few f32 roundings of the exponential and the sum.
            assert!((g - w).abs() <= 1e-6, "weight {i}: {g} against {w}");
            let (query, key) = ((i / 8) % 8, i % 8);
            if key > query {
                assert_eq!(*g, 0.0, "a future key has weight exactly 0");
                assert_eq!(grad_ours[i], 0.0, "and no gradient");
            }
        }
        for (i, (g, w)) in grad_ours.iter().zip(&grad_want).enumerate() {
            assert!((g - w).abs() <= 1e-6, "gradient {i}: {g} against {w}");
        }
    }
}

/// The model's cross-entropy against Burn's log-softmax, gather and mean, in value and in the
/// gradient of every logit: logits `[96, 52]` (a batch's rows over the vocabulary) spread from
/// flat to peaked, targets from a seed. Tolerances: the loss (a few nats) within 2e-6 relative, and
/// each gradient (at most 1/96 in size) within 1e-8: a few f32 roundings of the exponential, the
/// sum and the logarithm. A target off by one or a missing 1/rows moves them by 1e-4 or more.
#[test]
fn cross_entropy_matches_burns_in_value_and_gradient() {
    let (rows, vocab) = (96, 52);
    let mut rng = Rng::new(11);
    let logits: Vec<f32> = (0..rows * vocab)
        .map(|i| (rng.next_f32() - 0.5) * (2.0 + (i / vocab) as f32 / 4.0))
        .collect();
    let targets: Vec<usize> = (0..rows)
        .map(|_| (rng.next_u64() % vocab as u64) as usize)
        .collect();
    for &backend in Backend::ALL {
        let device = backend.device().autodiff();
        let input = || {
            Tensor::<2>::from_data(TensorData::new(logits.clone(), [rows, vocab]), &device)
                .require_grad()
        };

        let ours_in = input();
        let ours = cross_entropy(ours_in.clone(), &targets);
        let grad_ours = values(ours_in.grad(&ours.backward()).unwrap().flatten(0, 1));

        let want_in = input();
        let indices: Vec<i64> = targets.iter().map(|&t| t as i64).collect();
        let indices = Tensor::<2, Int>::from_data(TensorData::new(indices, [rows, 1]), &device);
        let want = log_softmax(want_in.clone(), 1)
            .gather(1, indices)
            .mean()
            .neg();
        let grad_want = values(want_in.grad(&want.backward()).unwrap().flatten(0, 1));

        let (ours, want) = (values(ours)[0], values(want)[0]);
        assert!(
            (ours - want).abs() <= 2e-6 * want.abs(),
            "loss {ours} against {want}"
        );
        for (i, (g, w)) in grad_ours.iter().zip(&grad_want).enumerate() {
            assert!((g - w).abs() <= 1e-8, "gradient {i}: {g} against {w}");
        }
    }
}

//! Temperature, top-k, top-p and the seeded draw against the reference semantics
//! (Hugging Face transformers' logits processors).
mod common;

use common::{drawn, softmax};
use dropout_topk::sampling::{self, distribution, DrawKey, Settings};
use dropout_topk::{Allowed, Error};

/// Hugging Face's ramp fixture: logits 0, 1, ..., 9.
fn ramp() -> Vec<f32> {
    (0..10).map(|i| i as f32).collect()
}

/// The same ramp with the first five raised by 10: [10, 11, 12, 13, 14, 5, 6, 7, 8, 9].
fn raised_ramp() -> Vec<f32> {
    (0..10)
        .map(|i| if i < 5 { i as f32 + 10.0 } else { i as f32 })
        .collect()
}

fn top_k(k: usize, temperature: f32) -> Settings {
    Settings {
        temperature,
        top_k: Some(k),
        top_p: None,
    }
}

fn top_p(p: f32, temperature: f32) -> Settings {
    Settings {
        temperature,
        top_k: None,
        top_p: Some(p),
    }
}

fn kept(probs: &[f32]) -> Vec<usize> {
    probs
        .iter()
        .enumerate()
        .filter(|(_, p)| **p > 0.0)
        .map(|(i, _)| i)
        .collect()
}

fn assert_sums_to_one(probs: &[f32]) {
    let total: f64 = probs.iter().map(|&p| p as f64).sum();
    assert!((total - 1.0).abs() < 1e-5, "probabilities sum to {total}");
}

#[test]
fn top_k_on_the_ramp_keeps_the_three_largest() {
    let probs = distribution(&ramp(), &top_k(3, 1.0)).unwrap();
    assert_eq!(kept(&probs), vec![7, 8, 9]);
    assert_sums_to_one(&probs);
}

#[test]
fn top_k_on_the_raised_ramp_keeps_indices_two_to_four() {
    let probs = distribution(&raised_ramp(), &top_k(3, 1.0)).unwrap();
    assert_eq!(kept(&probs), vec![2, 3, 4]);
}

#[test]
fn top_k_kept_probabilities_are_the_renormalised_softmax() {
    let probs = distribution(&ramp(), &top_k(3, 1.0)).unwrap();
    // softmax over [7, 8, 9] alone.
    let z: f64 = (7..10).map(|i| (i as f64).exp()).sum();
    for (i, p) in probs.iter().enumerate().skip(7) {
        assert!((*p as f64 - (i as f64).exp() / z).abs() < 1e-6);
    }
}

#[test]
fn top_k_keeps_ties_at_the_boundary() {
    let logits = [1.0, 3.0, 2.0, 3.0, 2.0, 0.5];
    // The 2nd largest is 3.0 (tied with the 1st): k = 2 keeps both 3s.
    assert_eq!(
        kept(&distribution(&logits, &top_k(2, 1.0)).unwrap()),
        vec![1, 3]
    );
    // The 3rd largest is 2.0, tied with the 4th: k = 3 keeps four tokens.
    let probs = distribution(&logits, &top_k(3, 1.0)).unwrap();
    assert_eq!(kept(&probs), vec![1, 2, 3, 4]);
    assert!(
        (probs[2] - probs[4]).abs() < 1e-7,
        "tied tokens get equal probability"
    );
}

#[test]
fn top_k_of_one_is_greedy() {
    let probs = distribution(&raised_ramp(), &top_k(1, 1.0)).unwrap();
    assert_eq!(kept(&probs), vec![4]);
    assert_eq!(probs[4], 1.0);
    for seed in 0..50 {
        assert_eq!(drawn(&raised_ramp(), &top_k(1, 0.7), seed, 0), 4);
    }
}

#[test]
fn top_k_of_the_vocabulary_size_or_more_keeps_everything() {
    let full = distribution(&ramp(), &Settings::default()).unwrap();
    for k in [10, 11, 1000, usize::MAX] {
        let probs = distribution(&ramp(), &top_k(k, 1.0)).unwrap();
        assert_eq!(kept(&probs).len(), 10, "k = {k}");
        for (a, b) in probs.iter().zip(&full) {
            assert!((a - b).abs() < 1e-7);
        }
    }
}

#[test]
fn temperature_never_changes_the_kept_set_of_top_k() {
    for t in [0.05, 0.5, 1.0, 2.0, 50.0] {
        assert_eq!(
            kept(&distribution(&raised_ramp(), &top_k(3, t)).unwrap()),
            vec![2, 3, 4],
            "T = {t}"
        );
    }
}

#[test]
fn temperature_sharpens_below_one_and_flattens_above() {
    let cold = distribution(&ramp(), &top_k(3, 0.5)).unwrap();
    let warm = distribution(&ramp(), &top_k(3, 2.0)).unwrap();
    assert!(cold[9] > warm[9]);
    // T = 0.5 equals softmax of the doubled logits [14, 16, 18].
    let z: f64 = [14.0f64, 16.0, 18.0].iter().map(|x| x.exp()).sum();
    assert!((cold[9] as f64 - 18f64.exp() / z).abs() < 1e-6);
}

#[test]
fn distributions_sum_to_one() {
    for k in 1..=10 {
        for t in [0.1, 1.0, 3.0] {
            assert_sums_to_one(&distribution(&raised_ramp(), &top_k(k, t)).unwrap());
            assert_sums_to_one(&distribution(&raised_ramp(), &top_p(k as f32 / 10.0, t)).unwrap());
        }
    }
}

#[test]
fn top_p_keeps_the_token_that_crosses_p() {
    // Probabilities 0.5, 0.3, 0.2 (logits are their logs).
    let logits: Vec<f32> = [0.5f32, 0.3, 0.2].iter().map(|p| p.ln()).collect();
    // 0.5 < 0.6, so the 0.3 token crosses 0.6 and stays.
    assert_eq!(
        kept(&distribution(&logits, &top_p(0.6, 1.0)).unwrap()),
        vec![0, 1]
    );
    // 0.5 reaches 0.5 exactly (within rounding of 0.8 too: 0.5 + 0.3 >= 0.8).
    assert_eq!(
        kept(&distribution(&logits, &top_p(0.45, 1.0)).unwrap()),
        vec![0]
    );
    assert_eq!(
        kept(&distribution(&logits, &top_p(0.81, 1.0)).unwrap()),
        vec![0, 1, 2]
    );
    let probs = distribution(&logits, &top_p(0.6, 1.0)).unwrap();
    assert!((probs[0] - 0.625).abs() < 1e-6 && (probs[1] - 0.375).abs() < 1e-6);
}

#[test]
fn top_p_of_one_keeps_everything() {
    let probs = distribution(&ramp(), &top_p(1.0, 1.0)).unwrap();
    assert_eq!(kept(&probs).len(), 10);
}

#[test]
fn top_p_always_keeps_at_least_one_token() {
    for p in [0.0, 1e-9, 0.01] {
        assert_eq!(
            kept(&distribution(&ramp(), &top_p(p, 1.0)).unwrap()),
            vec![9],
            "p = {p}"
        );
    }
}

#[test]
fn temperature_changes_which_tokens_top_p_keeps() {
    let cold = kept(&distribution(&ramp(), &top_p(0.9, 0.3)).unwrap());
    let warm = kept(&distribution(&ramp(), &top_p(0.9, 3.0)).unwrap());
    assert!(cold.len() < warm.len(), "cold {cold:?} warm {warm:?}");
}

#[test]
fn a_draw_never_returns_a_removed_token() {
    let logits = raised_ramp();
    for k in 1..=4 {
        for seed in 0..500 {
            let i = drawn(&logits, &top_k(k, 1.5), seed, 0);
            assert!((5 - k..5).contains(&i), "k = {k}, seed = {seed} drew {i}");
        }
    }
}

#[test]
fn the_same_seed_and_draw_number_draw_the_same_token() {
    let (logits, settings) = (ramp(), top_k(5, 1.0));
    for seed in 0..100 {
        assert_eq!(
            drawn(&logits, &settings, seed, 3),
            drawn(&logits, &settings, seed, 3)
        );
    }
    let by_seed: Vec<usize> = (0..100).map(|s| drawn(&logits, &settings, s, 0)).collect();
    assert!(
        by_seed.iter().any(|&d| d != by_seed[0]),
        "different seeds must not all agree"
    );
    let by_draw: Vec<usize> = (0..100).map(|n| drawn(&logits, &settings, 7, n)).collect();
    assert!(
        by_draw.iter().any(|&d| d != by_draw[0]),
        "the draws of one seed must not all agree"
    );
}

/// Pearson's chi-square over 20,000 seeded draws from a top-k distribution of 5 tokens
/// (4 degrees of freedom). The critical value at significance 0.001 is 18.47; the seeds are fixed,
/// so the verdict is deterministic.
#[test]
fn empirical_frequencies_match_the_distribution() {
    let logits = [2.0, 1.5, 1.0, 0.3, 0.0, -1.0, -2.0, -5.0];
    let probs = distribution(&logits, &top_k(5, 0.8)).unwrap();
    let n = 20_000u64;
    let mut counts = [0u64; 8];
    for seed in 0..n {
        counts[drawn(&logits, &top_k(5, 0.8), seed, 0)] += 1;
    }
    assert_eq!(&counts[5..], &[0, 0, 0], "no draws of removed tokens");
    let chi2: f64 = (0..5)
        .map(|i| {
            let expected = probs[i] as f64 * n as f64;
            (counts[i] as f64 - expected).powi(2) / expected
        })
        .sum();
    assert!(
        chi2 < 18.47,
        "chi-square {chi2} with counts {counts:?} and probs {probs:?}"
    );
}

#[test]
fn invalid_arguments_name_the_argument_value_and_range() {
    let err = distribution(&ramp(), &top_k(1, 0.0)).unwrap_err();
    assert_eq!(
        err,
        Error::invalid("temperature", 0, Allowed::PositiveNumber)
    );
    assert_eq!(
        err.to_string(),
        "invalid temperature = 0: temperature must be a finite number > 0"
    );
    for t in [-1.0, f32::NAN, f32::INFINITY] {
        assert!(matches!(
            distribution(&ramp(), &top_k(1, t)),
            Err(Error::InvalidArgument {
                name: "temperature",
                ..
            })
        ));
    }
    assert!(matches!(
        distribution(&ramp(), &top_k(0, 1.0)),
        Err(Error::InvalidArgument { name: "k", .. })
    ));
    for k in [0.0, -3.0, 2.5, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(
                sampling::check_top_k(k),
                Err(Error::InvalidArgument { name: "k", .. })
            ),
            "k = {k}"
        );
    }
    assert_eq!(sampling::check_top_k(1e9).unwrap(), 1_000_000_000);
    assert_eq!(
        sampling::check_top_k(1e30).unwrap(),
        usize::MAX,
        "huge k saturates, then clamps to the vocabulary"
    );
    for p in [-0.1, 1.5, f32::NAN] {
        assert!(matches!(
            distribution(&ramp(), &top_p(p, 1.0)),
            Err(Error::InvalidArgument { name: "top_p", .. })
        ));
    }
    for bad in [
        vec![],
        vec![1.0, f32::NAN],
        vec![f32::INFINITY],
        vec![f32::NEG_INFINITY; 3],
    ] {
        let err = distribution(&bad, &Settings::default()).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name: "logits", .. }),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn extreme_logits_give_no_nan() {
    let huge = [1e30, -1e30, 0.0, f32::NEG_INFINITY, 1e30];
    for t in [f32::MIN_POSITIVE, 1e-6, 1.0, 1e6] {
        let probs = distribution(&huge, &top_k(3, t)).unwrap();
        assert!(probs.iter().all(|p| p.is_finite()), "T = {t}: {probs:?}");
        assert_sums_to_one(&probs);
        assert_eq!(probs[3], 0.0, "-inf is never kept");
    }
    let flat = distribution(&[0.25; 7], &top_k(2, 1.0)).unwrap();
    assert_eq!(
        kept(&flat).len(),
        7,
        "all-equal logits are all tied at the k-th"
    );
}

/// `shape` answers with what a view shows, each number by its definition: the cut distribution,
/// softmax at T before the cut, the order by logit, the kept count and mass, and a draw whose
/// index is where its u falls on the running total of the cut distribution.
#[test]
fn shape_gives_the_cut_the_order_the_kept_mass_and_the_draw() {
    let logits = [1.0f32, 3.0, 2.0, 2.0, -1.0];
    let settings = top_k(2, 0.7);
    let key = DrawKey { seed: 9, draw: 2 };
    let shaped = sampling::shape(&logits, &settings, Some(key)).unwrap();
    assert_eq!(shaped.probs, distribution(&logits, &settings).unwrap());
    let before = softmax(&logits.map(|x| x / 0.7));
    for (a, b) in shaped.before.iter().zip(&before) {
        assert!((a - b).abs() <= 1e-6, "{a} vs {b}");
    }
    // Ties keep the lower index first; top-k keeps both tied characters at the boundary.
    assert_eq!(shaped.order, vec![1, 2, 3, 0, 4]);
    assert_eq!(shaped.kept, 3);
    let mass = before[1] + before[2] + before[3];
    assert!((shaped.kept_mass - mass).abs() <= 1e-6);
    let d = shaped.draw.unwrap();
    assert_eq!(d.u, key.uniform());
    assert!((0.0..1.0).contains(&d.u));
    assert_eq!(
        d.index,
        sampling::draw_in_order(&shaped.probs, &shaped.order, d.u)
    );
    assert!(sampling::shape(&logits, &settings, None)
        .unwrap()
        .draw
        .is_none());
}

/// One u picks the token whose stretch holds it, the stretches laid end to end in the given order
/// (the most likely token first); the same u lands on another token when the cut changes them.
#[test]
fn draw_in_order_picks_the_stretch_that_holds_u() {
    let probs = [0.2f32, 0.0, 0.3, 0.5];
    let order = [3, 2, 0, 1];
    // Laid out as 3 (0.5), 2 (0.3), 0 (0.2).
    let at = |u| sampling::draw_in_order(&probs, &order, u);
    assert_eq!(at(0.0), 3);
    assert_eq!(at(0.49), 3);
    assert_eq!(at(0.5), 2);
    assert_eq!(at(0.79), 2);
    assert_eq!(at(0.81), 0);
    // The cut removes token 3: the same u now falls in token 0's stretch.
    let cut = [0.4f32, 0.0, 0.6, 0.0];
    assert_eq!(sampling::draw_in_order(&cut, &order, 0.81), 0);
    assert_eq!(sampling::draw_in_order(&cut, &order, 0.5), 2);
    // Rounding past the end: the last token that can be drawn, never a cut one.
    assert_eq!(sampling::draw_in_order(&cut, &order, 1.0), 0);
}

#[test]
fn top_p_of_one_keeps_every_token_even_the_tiniest() {
    // One logit far above the rest: the others have probabilities near 1e-13, too small to move
    // an f32 running total that has reached 1 already. p = 1 must keep them all the same.
    let mut logits = vec![0.0f32; 20];
    logits[3] = 30.0;
    let probs = distribution(&logits, &top_p(1.0, 1.0)).unwrap();
    assert_eq!(
        kept(&probs).len(),
        logits.len(),
        "p = 1 cut a token: {probs:?}"
    );
    assert_sums_to_one(&probs);
    // Just below 1, the crossing token is the first one: only it stays.
    let probs = distribution(&logits, &top_p(0.99, 1.0)).unwrap();
    assert_eq!(kept(&probs), vec![3]);
}

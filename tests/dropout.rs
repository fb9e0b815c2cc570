//! Dropout against PyTorch's semantics: keep probability 1 - p, survivors scaled by 1 / (1 - p),
//! identity at p = 0 and in evaluation, zeros at p = 1; plus the nesting of masks in p.
use dropout_topk::dropout::{self, apply, mask, Mode};
use dropout_topk::Error;

/// Bounds for the kept count of n independent units kept with probability q: mean +/- 5 standard
/// deviations, so a correct implementation fails about once in 1.7 million fixed-seed cases.
fn binomial_bounds(n: usize, q: f64) -> (f64, f64) {
    let mean = n as f64 * q;
    let sd = (n as f64 * q * (1.0 - q)).sqrt();
    (mean - 5.0 * sd, mean + 5.0 * sd)
}

#[test]
fn kept_fraction_is_within_binomial_bounds_of_one_minus_p() {
    let n = 10_000;
    for p in [0.1, 0.25, 0.5, 0.75, 0.9] {
        for seed in [1, 2, 3] {
            let kept = mask(n, p, seed)
                .unwrap()
                .iter()
                .filter(|&&m| m == 1)
                .count() as f64;
            let (lo, hi) = binomial_bounds(n, 1.0 - p as f64);
            assert!(
                lo <= kept && kept <= hi,
                "p = {p}, seed = {seed}: {kept} kept, bounds [{lo}, {hi}]"
            );
        }
    }
}

#[test]
fn kept_values_are_exactly_x_over_one_minus_p() {
    let values: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) / 7.0).collect();
    for p in [0.1f32, 0.5, 0.8] {
        let m = mask(values.len(), p, 42).unwrap();
        let out = apply(&values, p, 42, Mode::Train).unwrap();
        for ((x, y), keep) in values.iter().zip(&out).zip(&m) {
            if *keep == 1 {
                // Exact: two correctly rounded f32 operations, the same on any IEEE 754 machine.
                assert_eq!(*y, x * (1.0 / (1.0 - p)));
            } else {
                assert_eq!(*y, 0.0);
            }
        }
    }
}

#[test]
fn expected_output_equals_the_input() {
    let values = vec![3.0f32; 20_000];
    let out = apply(&values, 0.3, 9, Mode::Train).unwrap();
    let mean = out.iter().map(|&y| y as f64).sum::<f64>() / out.len() as f64;
    // Standard deviation of the mean: 3 * sqrt(p / (1 - p)) / sqrt(n) ~= 0.0138.
    assert!((mean - 3.0).abs() < 0.07, "mean {mean}");
}

#[test]
fn p_zero_is_the_identity() {
    let values = [1.0f32, -2.0, 3.5, 0.0];
    assert_eq!(mask(4, 0.0, 7).unwrap(), vec![1; 4]);
    assert_eq!(apply(&values, 0.0, 7, Mode::Train).unwrap(), values);
}

#[test]
fn p_one_gives_all_zeros_and_no_nan() {
    let values = [1.0f32, -2.0, f32::MAX, 0.0];
    assert_eq!(mask(4, 1.0, 7).unwrap(), vec![0; 4]);
    let out = apply(&values, 1.0, 7, Mode::Train).unwrap();
    assert!(out.iter().all(|&y| y == 0.0 && !y.is_nan()), "{out:?}");
}

#[test]
fn evaluation_mode_is_the_identity() {
    let values = [1.0f32, -2.0, 3.5, 0.25];
    for p in [0.0, 0.5, 1.0] {
        assert_eq!(apply(&values, p, 7, Mode::Eval).unwrap(), values);
    }
}

#[test]
fn the_same_seed_gives_the_same_mask() {
    assert_eq!(mask(500, 0.4, 11).unwrap(), mask(500, 0.4, 11).unwrap());
    assert_ne!(mask(500, 0.4, 11).unwrap(), mask(500, 0.4, 12).unwrap());
}

#[test]
fn masks_are_nested_in_p() {
    let ps: Vec<f32> = (0..=20).map(|i| i as f32 / 20.0).collect();
    for seed in [0, 5, 99] {
        for pair in ps.windows(2) {
            let low = mask(2000, pair[0], seed).unwrap();
            let high = mask(2000, pair[1], seed).unwrap();
            for (a, b) in low.iter().zip(&high) {
                assert!(
                    b <= a,
                    "raising p from {} to {} revived a unit",
                    pair[0],
                    pair[1]
                );
            }
        }
    }
}

#[test]
fn a_mask_is_the_draws_thresholded_at_p() {
    let draws = dropout::draws(300, 3);
    assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
    let m = mask(300, 0.37, 3).unwrap();
    for (u, keep) in draws.iter().zip(&m) {
        assert_eq!(*keep == 1, *u >= 0.37);
    }
}

#[test]
fn p_outside_zero_to_one_is_an_error_naming_dropout_p() {
    for p in [-0.01f32, 1.01, f32::NAN, f32::INFINITY] {
        let err = mask(3, p, 0).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "dropout_p",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err
            .to_string()
            .ends_with("dropout_p must be a number in [0, 1]"));
    }
}

/// The slider's what-if: the same draws at another p give exactly the mask and outputs a step at
/// that p applies, through the same rule and scale.
#[test]
fn threshold_at_another_p_is_what_a_step_at_that_p_does() {
    let draws = dropout::draws(200, 11);
    let before: Vec<f32> = (0..200).map(|i| i as f32 * 0.25 - 7.0).collect();
    for p in [0.0f32, 0.1, 0.5, 0.9, 1.0] {
        let t = dropout::threshold(&draws, &before, p, None).unwrap();
        assert_eq!(t.mask, dropout::mask(200, p, 11).unwrap());
        assert_eq!(t.after, apply(&before, p, 11, Mode::Train).unwrap());
        assert_eq!(t.dropped, t.mask.iter().filter(|&&m| m == 0).count());
    }
    assert!(dropout::threshold(&draws, &before[..10], 0.5, None).is_err());
    assert!(dropout::threshold(&draws, &before, 1.5, None).is_err());
}

/// Causally masked attention weights are not units dropout can change: a query at position q
/// sees keys 0..=q, so of heads x seq x seq cells, heads x seq (seq + 1) / 2 are live, and only
/// those are counted.
#[test]
fn only_live_attention_cells_count() {
    let (heads, seq) = (3, 32);
    let live = dropout::causal_live(heads, seq);
    assert_eq!(
        live.iter().filter(|&&l| l == 1).count(),
        heads * seq * (seq + 1) / 2
    );
    // Query 0 sees key 0 only; the last query sees every key.
    assert_eq!(
        &live[..seq],
        &[&[1u8][..], &vec![0u8; seq - 1]].concat()[..]
    );
    assert!(live[(seq - 1) * seq..seq * seq].iter().all(|&l| l == 1));
    let draws = dropout::draws(live.len(), 5);
    let before = vec![1.0f32; live.len()];
    let all = dropout::threshold(&draws, &before, 0.5, None).unwrap();
    let counted = dropout::threshold(&draws, &before, 0.5, Some(&live)).unwrap();
    assert_eq!(all.mask, counted.mask, "the mask itself is the same");
    assert_eq!(
        counted.dropped,
        dropout::count_dropped(&all.mask, Some(&live))
    );
    assert!(counted.dropped < all.dropped);
}

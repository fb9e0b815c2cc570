//! Property tests of sampling and dropout: thousands of generated cases per property, from wide
//! ranges and deliberate edge values (+/-1e30, f32::MAX, -inf entries, all-equal logits, the
//! smallest temperatures, p at 0 and 1 and next to them), checked against docs/semantics.md.
//!
//! Cases come from the crate's own seeded generator, so a failure names its case number and seed
//! and replays exactly; no extra dependency is pulled into the build.
use dropout_topk::dropout::{self, Mode};
use dropout_topk::rng::Rng;
use dropout_topk::sampling::{self, distribution, DrawKey, Settings};

/// Cases per property.
const CASES: u64 = 4000;

/// A generator of awkward inputs.
struct Gen(Rng);

impl Gen {
    fn new(case: u64) -> Self {
        Gen(Rng::new(0x5eed_0000 + case))
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }
    fn unit(&mut self) -> f64 {
        self.0.next_f64()
    }
    /// One finite logit, usually moderate, sometimes extreme.
    fn logit(&mut self) -> f32 {
        match self.below(10) {
            0 => [1e30, -1e30, f32::MAX, -f32::MAX, 1e-40, 0.0][self.below(6) as usize],
            1 => (self.unit() * 2e6 - 1e6) as f32,
            _ => (self.unit() * 40.0 - 20.0) as f32,
        }
    }
    /// Logits with at least one finite entry: random, all equal, or with -inf holes.
    fn logits(&mut self) -> Vec<f32> {
        let len = 1 + self.below(300) as usize;
        let mut logits: Vec<f32> = match self.below(6) {
            0 => vec![self.logit(); len],
            1 => (0..len)
                .map(|_| self.logit().round().clamp(-3.0, 3.0))
                .collect(), // many ties
            _ => (0..len).map(|_| self.logit()).collect(),
        };
        if self.below(3) == 0 {
            let keep = self.below(len as u64) as usize;
            for (i, x) in logits.iter_mut().enumerate() {
                if i != keep && self.below(2) == 0 {
                    *x = f32::NEG_INFINITY;
                }
            }
        }
        logits
    }
    /// A valid temperature, from the smallest positive f32 to 1e6.
    fn temperature(&mut self) -> f32 {
        match self.below(8) {
            0 => [f32::from_bits(1), f32::MIN_POSITIVE, 1e-30, 1e-6][self.below(4) as usize],
            _ => 10f64.powf(self.unit() * 8.0 - 3.0) as f32, // 1e-3 .. 1e5
        }
    }
    /// A valid probability-like number in [0, 1], edges included.
    fn p(&mut self) -> f32 {
        match self.below(6) {
            0 => [0.0, 1.0, f32::EPSILON, 1.0 - f32::EPSILON, 1e-30][self.below(5) as usize],
            _ => self.unit() as f32,
        }
    }
}

/// The checks every valid distribution passes.
fn assert_distribution(case: u64, logits: &[f32], settings: &Settings, probs: &[f32]) {
    let context = format!("case {case}: {settings:?}, {} logits", logits.len());
    assert_eq!(probs.len(), logits.len(), "{context}");
    assert!(
        probs
            .iter()
            .all(|p| p.is_finite() && (0.0..=1.0).contains(p)),
        "{context}: a probability outside [0, 1] or NaN"
    );
    let total: f64 = probs.iter().map(|&p| p as f64).sum();
    assert!((total - 1.0).abs() < 1e-4, "{context}: sums to {total}");
    // The most likely token is never cut, and -inf tokens are never kept.
    let best = (0..logits.len())
        .max_by(|&a, &b| logits[a].total_cmp(&logits[b]).then(b.cmp(&a)))
        .unwrap();
    assert!(
        probs[best] > 0.0,
        "{context}: the most likely token was cut"
    );
    for (i, &x) in logits.iter().enumerate() {
        if x == f32::NEG_INFINITY {
            assert_eq!(probs[i], 0.0, "{context}: a -inf token got probability");
        }
    }
    // Top-k keeps nothing below the k-th largest logit (ties at the boundary may stay).
    if let Some(k) = settings.top_k {
        let mut sorted = logits.to_vec();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let kth = sorted[k.clamp(1, logits.len()) - 1];
        for (i, &x) in logits.iter().enumerate() {
            if x < kth {
                assert_eq!(
                    probs[i], 0.0,
                    "{context}: token {i} below the k-th was kept"
                );
            }
        }
    }
}

#[test]
fn any_valid_settings_give_a_distribution_without_nan() {
    for case in 0..CASES {
        let mut g = Gen::new(case);
        let logits = g.logits();
        let settings = Settings {
            temperature: g.temperature(),
            top_k: match g.below(3) {
                0 => None,
                1 => Some(1 + g.below(logits.len() as u64 + 5) as usize),
                _ => Some([1, usize::MAX, 1 << 20][g.below(3) as usize]),
            },
            top_p: if g.below(2) == 0 { None } else { Some(g.p()) },
        };
        let probs = distribution(&logits, &settings)
            .unwrap_or_else(|e| panic!("case {case}: valid input refused: {e}"));
        assert_distribution(case, &logits, &settings, &probs);
        // Any seed and draw number draw a token the distribution can give.
        let key = DrawKey {
            seed: g.0.next_u64(),
            draw: g.below(1 << 32),
        };
        let shaped = sampling::shape(&logits, &settings, Some(key)).unwrap();
        let i = shaped.draw.unwrap().index;
        assert!(
            probs[i] > 0.0,
            "case {case}: drew token {i} of probability 0"
        );
    }
}

#[test]
fn temperature_never_changes_which_tokens_top_k_keeps() {
    for case in 0..CASES {
        let mut g = Gen::new(case);
        let logits = g.logits();
        let k = 1 + g.below(logits.len() as u64) as usize;
        let kept = |temperature| {
            let settings = Settings {
                temperature,
                top_k: Some(k),
                top_p: None,
            };
            sampling::top_k_kept(&logits, k)
                .into_iter()
                .zip(distribution(&logits, &settings).unwrap())
                .filter(|(keep, _)| *keep)
                .count()
        };
        assert_eq!(kept(g.temperature()), kept(g.temperature()), "case {case}");
    }
}

#[test]
fn invalid_arguments_are_errors_that_name_them() {
    let logits = [1.0, 2.0, 3.0];
    let with = |temperature, top_k, top_p| {
        distribution(
            &logits,
            &Settings {
                temperature,
                top_k,
                top_p,
            },
        )
        .unwrap_err()
        .to_string()
    };
    for t in [0.0, -1.0, f32::NAN, f32::INFINITY, -0.0] {
        let message = with(t, None, None);
        assert!(
            message.starts_with("invalid temperature = ")
                && message.ends_with("temperature must be a finite number > 0"),
            "{message}"
        );
    }
    assert_eq!(
        with(1.0, Some(0), None),
        "invalid k = 0: k must be an integer >= 1"
    );
    for p in [-0.01, 1.01, f32::NAN, f32::INFINITY] {
        assert!(with(1.0, None, Some(p)).starts_with("invalid top_p = "));
    }
    for k in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY] {
        assert!(sampling::check_top_k(k)
            .unwrap_err()
            .to_string()
            .starts_with("invalid k = "));
    }
    for bad in [
        vec![],
        vec![f32::NAN, 1.0],
        vec![f32::INFINITY],
        vec![f32::NEG_INFINITY; 4],
    ] {
        let message = sampling::check_logits(&bad).unwrap_err().to_string();
        assert!(message.starts_with("invalid logits = "), "{message}");
    }
    for p in [-0.5, 1.5, f32::NAN] {
        assert!(dropout::check_p(p)
            .unwrap_err()
            .to_string()
            .starts_with("invalid dropout_p = "));
    }
}

#[test]
fn dropout_of_finite_values_never_gives_nan_and_scales_survivors() {
    for case in 0..CASES {
        let mut g = Gen::new(case);
        let len = g.below(2000) as usize;
        let values: Vec<f32> = (0..len).map(|_| g.logit()).collect();
        let p = g.p();
        let seed = g.0.next_u64();
        let out = dropout::apply(&values, p, seed, Mode::Train).unwrap();
        let mask = dropout::mask(len, p, seed).unwrap();
        let scale = dropout::keep_scale(p);
        for i in 0..len {
            assert!(!out[i].is_nan(), "case {case}: NaN at {i} (p = {p})");
            if mask[i] == 0 {
                assert_eq!(out[i], 0.0, "case {case}");
            } else {
                // Exact: one correctly rounded f32 product, the same on any IEEE 754 machine.
                assert_eq!(out[i], values[i] * scale, "case {case}");
            }
        }
        if p == 0.0 {
            assert_eq!(out, values, "case {case}: p = 0 is the identity");
        }
        if p == 1.0 {
            assert!(
                out.iter().all(|&x| x == 0.0),
                "case {case}: p = 1 drops all"
            );
        }
        assert_eq!(
            dropout::apply(&values, p, seed, Mode::Eval).unwrap(),
            values,
            "case {case}: eval is the identity"
        );
        // Nested: at any higher rate the same seed drops a superset.
        let q = p + (1.0 - p) * g.unit() as f32;
        let higher = dropout::mask(len, q, seed).unwrap();
        assert!(
            mask.iter().zip(&higher).all(|(&a, &b)| b <= a),
            "case {case}: raising p from {p} to {q} revived a unit"
        );
    }
}

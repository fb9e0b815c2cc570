//! One draw rule for every API that draws with a seed: the uniform number u of draw number n of a
//! seed comes from `derive_seed(seed, n)`, and the kept probabilities lie end to end from the most
//! likely token to the least, u picking the stretch that holds it. `nextToken` (`sampling::shape`),
//! `sampleTopK` (draw number 0) and `generate` (draw numbers n, n + 1, ...) must agree on it, so a
//! course page, the README's sample and the page's Generate all pick the same character for the
//! same seed. tests/web.rs checks the same through the exported JS functions in wasm.
mod common;

use common::drawn;
use dropout_topk::backend::Backend;
use dropout_topk::rng::{derive_seed, Rng};
use dropout_topk::sampling::{self, Settings};
use dropout_topk::session::Session;

const SEEDS: [u64; 5] = [0, 1, 7, 12345, u32::MAX as u64];
const DRAWS: [u64; 4] = [0, 1, 5, 1000];

fn logits_cases() -> Vec<Vec<f32>> {
    vec![
        (0..10).map(|i| i as f32).collect(),
        vec![1.0, 3.0, 2.0, 3.0, 2.0, 0.5],
        vec![
            0.3, -1.2, 2.5, 0.0, 1.7, -0.4, 0.9, 2.5, -3.0, 0.1, 1.1, -0.7,
        ],
        vec![0.25; 7],
        vec![4.0, f32::NEG_INFINITY, 1.0, 3.5, -2.0],
    ]
}

fn settings_cases() -> Vec<Settings> {
    let mut all = vec![];
    for temperature in [0.5, 0.8, 1.0, 2.0] {
        for top_k in [None, Some(1), Some(3), Some(5)] {
            for top_p in [None, Some(0.5), Some(0.9)] {
                all.push(Settings {
                    temperature,
                    top_k,
                    top_p,
                });
            }
        }
    }
    all
}

/// The rule written out on its own, from its definition: u from `derive_seed(seed, draw)`, the
/// cut distribution's stretches laid end to end by logit (ties: the lower index first).
fn by_definition(logits: &[f32], settings: &Settings, seed: u64, draw: u64) -> usize {
    let probs = sampling::distribution(logits, settings).unwrap();
    let mut order: Vec<usize> = (0..logits.len()).collect();
    order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
    let u = Rng::new(derive_seed(seed, draw)).next_f64();
    let target = u * probs.iter().map(|&p| p as f64).sum::<f64>();
    let mut running = 0.0;
    let kept: Vec<usize> = order.into_iter().filter(|&i| probs[i] > 0.0).collect();
    for &i in &kept {
        running += probs[i] as f64;
        if target < running {
            return i;
        }
    }
    *kept.last().unwrap()
}

/// `sampleTopK(logits, k, t, seed)` as the binding computes it: top-k alone, draw number 0.
fn sample_top_k_path(logits: &[f32], k: usize, temperature: f32, seed: u64) -> usize {
    let settings = Settings {
        temperature,
        top_k: Some(k),
        top_p: None,
    };
    drawn(logits, &settings, seed, 0)
}

#[test]
fn every_drawing_api_draws_the_same_character_for_the_same_seed() {
    next_token_draws_by_the_definition();
    sample_top_k_is_next_tokens_draw_zero();
    generate_draws_each_character_by_the_rule();
}

/// `nextToken`'s draw (`sampling::shape`) is the rule's, for every cut, temperature, seed and
/// draw number.
fn next_token_draws_by_the_definition() {
    for logits in logits_cases() {
        for settings in settings_cases() {
            for (seed, draw) in SEEDS.into_iter().flat_map(|s| DRAWS.map(|d| (s, d))) {
                assert_eq!(
                    drawn(&logits, &settings, seed, draw),
                    by_definition(&logits, &settings, seed, draw),
                    "{logits:?} {settings:?} seed {seed} draw {draw}"
                );
            }
        }
    }
}

/// `sampleTopK(logits, k, t, seed)` is `nextToken`'s draw number 0 under top-k alone.
fn sample_top_k_is_next_tokens_draw_zero() {
    for logits in logits_cases() {
        for settings in settings_cases() {
            let (Some(k), None) = (settings.top_k, settings.top_p) else {
                continue;
            };
            for seed in SEEDS {
                assert_eq!(
                    sample_top_k_path(&logits, k, settings.temperature, seed),
                    by_definition(&logits, &settings, seed, 0),
                    "{logits:?} {settings:?} seed {seed}"
                );
            }
        }
    }
}

/// `Session::generate` (the page's Generate, and the README's sample) on the shipped weights: its
/// character i is the one the rule draws from the logits after the prompt and the characters
/// before it, with draw number `first_draw + i`.
fn generate_draws_each_character_by_the_rule() {
    let weights = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/www/model.q8")).unwrap();
    let mut session = Session::english_with_weights(&weights, Backend::Flex, 1).unwrap();
    let prompt = "The harbour";
    let settings = [
        (5, 0.8, None),
        (3, 1.5, None),
        (40, 1.0, Some(0.9)),
        (1, 1.0, None),
    ];
    for (i, (k, temperature, top_p)) in settings.into_iter().enumerate() {
        let settings = Settings {
            temperature,
            top_k: Some(k),
            top_p,
        };
        let (seed, first_draw) = (SEEDS[i], DRAWS[i]);
        let text = session
            .generate(prompt, &settings, seed, first_draw, 16)
            .unwrap();
        for (n, written) in text.chars().enumerate() {
            let before: String = text.chars().take(n).collect();
            let logits = session.logits(&format!("{prompt}{before}")).unwrap();
            let index = drawn(&logits, &settings, seed, first_draw + n as u64);
            let want = session.corpus().vocab.char_of(index as u32).unwrap();
            assert_eq!(
                written, want,
                "{settings:?} seed {seed}: character {n} of {text:?}"
            );
        }
    }
}

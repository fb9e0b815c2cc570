//! The native core's answers for fixed inputs and seeds, kept in tests/fixtures/api_vectors.json.
//!
//! The browser tests (tests/web.rs in wasm, tests/e2e through the JS package) check that wasm in
//! Chromium gives the same answers. This test proves the file is what the native code produces
//! now, to the tolerances of tests/common/mod.rs.
//!
//! Regenerate the file only when the maths changes on purpose (a new sampling rule, another model
//! size or initialisation, another corpus):
//! `UPDATE_VECTORS=1 cargo test --release --test api_vectors`, then commit it. It does not need
//! regenerating on a CPU of another kind: the floats that depend on the CPU's SIMD width or its
//! maths library are compared with a tolerance, and everything else in it is exact everywhere.
mod common;

use common::LOSS_REL_TOL;
use common::{assert_clear_of_ties, drawn, fixture_differences, loss_close, shaped_draw};
use dropout_topk::backend::Backend;
use dropout_topk::session::Session;
use dropout_topk::{corpus, dropout, sampling};
use serde_json::{json, Value};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/api_vectors.json"
);

fn logits_fixture() -> Vec<Vec<f32>> {
    vec![
        (0..10).map(|i| i as f32).collect(),
        vec![10.0, 11.0, 12.0, 13.0, 14.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        vec![1.0, 3.0, 2.0, 3.0, 2.0, 0.5],
        vec![
            0.3, -1.2, 2.5, 0.0, 1.7, -0.4, 0.9, 2.5, -3.0, 0.1, 1.1, -0.7,
        ],
    ]
}

fn vectors() -> Value {
    let mut top_k = vec![];
    let mut top_p = vec![];
    let mut samples = vec![];
    for logits in logits_fixture() {
        for (k, temperature) in [(1.0, 1.0), (3.0, 0.7), (5.0, 1.5), (100.0, 1.0)] {
            let settings = sampling::Settings {
                temperature,
                top_k: Some(k as usize),
                top_p: None,
            };
            let probs = sampling::distribution(&logits, &settings).unwrap();
            top_k.push(
                json!({ "logits": logits, "k": k, "temperature": temperature, "probs": probs }),
            );
            // sampleTopK's rule: nextToken's draw number 0 of the seed.
            for seed in [0u32, 1, 7, 12345, 4294967295] {
                let index = drawn(&logits, &settings, seed as u64, 0);
                samples.push(json!({ "logits": logits, "k": k, "temperature": temperature, "seed": seed, "index": index }));
            }
        }
        for (p, temperature) in [(0.0, 1.0), (0.5, 1.0), (0.9, 0.5), (1.0, 2.0)] {
            let settings = sampling::Settings {
                temperature,
                top_k: None,
                top_p: Some(p),
            };
            let probs = sampling::distribution(&logits, &settings).unwrap();
            top_p.push(
                json!({ "logits": logits, "p": p, "temperature": temperature, "probs": probs }),
            );
        }
    }
    let mut masks = vec![];
    let mut dropped = vec![];
    let values: Vec<f32> = (0..64).map(|i| (i as f32 - 20.0) * 0.37).collect();
    for p in [0.0f32, 0.1, 0.5, 0.9, 1.0] {
        for seed in [0u32, 3, 2024] {
            masks.push(json!({ "length": 64, "p": p, "seed": seed, "mask": dropout::mask(64, p, seed as u64).unwrap() }));
            let out = dropout::apply(&values, p, seed as u64, dropout::Mode::Train).unwrap();
            dropped.push(json!({ "values": values, "p": p, "seed": seed, "out": out }));
        }
    }
    // Three training steps of a fresh English model (seed 17, p = 0.1).
    let (p, losses) = training_losses(17, 3);
    let training = json!({ "seed": 17, "p": p, "losses": losses });
    json!({ "training": training, "topKDistribution": top_k, "topPDistribution": top_p, "sampleTopK": samples,
            "dropoutMask": masks, "applyDropout": dropped })
}

/// The dropout rate and the losses of the first `steps` training steps of a fresh English model.
fn training_losses(seed: u64, steps: usize) -> (f32, Vec<f32>) {
    let p = 0.1;
    let mut session = Session::from_text(corpus::ENGLISH, Backend::Flex, seed).unwrap();
    let losses = (0..steps)
        .map(|_| session.train_step(p, false).unwrap().report.loss)
        .collect();
    (p, losses)
}

fn stored() -> Value {
    serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap()
}

#[test]
fn the_fixture_holds_what_the_native_core_computes() {
    // Through text and back, as the browser tests read it (f32s are written in their shortest form).
    let now: Value =
        serde_json::from_str(&serde_json::to_string_pretty(&vectors()).unwrap()).unwrap();
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(FIXTURE, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
    }
    let differences = fixture_differences(&stored(), &now);
    assert!(
        differences.is_empty(),
        "tests/fixtures/api_vectors.json differs from what the code computes now \
         (rerun with UPDATE_VECTORS=1 only if the maths changed on purpose):\n{}",
        differences.join("\n")
    );
}

/// Every drawn index in the fixture is compared exactly (here, in wasm and through the JS API),
/// which is sound only if no draw sits on a boundary that a tolerated rounding could move.
#[test]
fn the_fixture_draws_are_clear_of_ties() {
    for case in stored()["sampleTopK"].as_array().unwrap() {
        let logits: Vec<f32> = case["logits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect();
        let settings = sampling::Settings {
            temperature: case["temperature"].as_f64().unwrap() as f32,
            top_k: Some(case["k"].as_f64().unwrap() as usize),
            top_p: None,
        };
        let shaped = shaped_draw(&logits, &settings, case["seed"].as_u64().unwrap(), 0);
        assert_clear_of_ties(&shaped, &case.to_string());
    }
}

/// The loss tolerance still catches what it is there to catch: another seed, or a step more or
/// less, moves the losses by more than ten times `LOSS_REL_TOL`.
#[test]
fn the_loss_tolerance_is_far_below_a_real_change() {
    let stored = stored();
    let want: Vec<f64> = stored["training"]["losses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let (_, other_seed) = training_losses(18, 4);
    let (_, same_seed) = training_losses(17, 4);
    for (i, w) in want.iter().enumerate() {
        assert!(
            loss_close(same_seed[i] as f64, *w),
            "step {i}: {} vs {w}",
            same_seed[i]
        );
        for (what, got) in [
            ("seed 18", other_seed[i]),
            ("one step later", same_seed[i + 1]),
        ] {
            let relative = (got as f64 - w).abs() / w.abs();
            assert!(
                relative > 10.0 * LOSS_REL_TOL,
                "step {i}: {what} moves the loss by only {relative:e} relative"
            );
        }
    }
}

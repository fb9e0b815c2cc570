//! The native core's answers for fixed inputs and seeds, kept in tests/fixtures/api_vectors.json.
//!
//! The browser tests (tests/web.rs in wasm, tests/e2e through the JS package) check that wasm in
//! Chromium gives the same answers. This test proves the file is what the native code produces
//! now; `UPDATE_VECTORS=1 cargo test --release --test api_vectors` rewrites it after a change.
use dropout_topk::session::Session;
use dropout_topk::train::Backend;
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
            for seed in [0u32, 1, 7, 12345, 4294967295] {
                let index =
                    sampling::sample_top_k(&logits, k as usize, temperature, seed as u64).unwrap();
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
    // Three training steps of a fresh English model (seed 17, p = 0.1 by default).
    let mut session = Session::from_text(corpus::ENGLISH, Backend::Flex, 17).unwrap();
    let losses: Vec<f32> = (0..3)
        .map(|_| session.train_step(false).unwrap().loss)
        .collect();
    let training = json!({ "seed": 17, "p": session.dropout_p, "losses": losses });
    json!({ "training": training, "topKDistribution": top_k, "topPDistribution": top_p, "sampleTopK": samples,
            "dropoutMask": masks, "applyDropout": dropped })
}

#[test]
fn the_fixture_holds_what_the_native_core_computes() {
    // Through text and back, as the browser tests read it (f32s are written in their shortest form).
    let now: Value =
        serde_json::from_str(&serde_json::to_string_pretty(&vectors()).unwrap()).unwrap();
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(
            FIXTURE,
            serde_json::to_string_pretty(&vectors()).unwrap() + "\n",
        )
        .unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    assert_eq!(
        stored, now,
        "tests/fixtures/api_vectors.json is stale: rerun with UPDATE_VECTORS=1"
    );
}

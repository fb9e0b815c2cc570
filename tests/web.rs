//! The JS API, compiled to wasm and run in headless Chromium: it must give the native core's
//! answers (tests/fixtures/api_vectors.json) and refuse bad arguments without panicking.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{assert_probs_close, loss_close};
use dropout_topk::web;
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/api_vectors.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[wasm_bindgen_test]
fn top_k_distribution_matches_native() {
    for case in fixture()["topKDistribution"].as_array().unwrap() {
        let probs = web::top_k_distribution(
            &floats(&case["logits"]),
            num(&case["k"]),
            num(&case["temperature"]) as f32,
        )
        .unwrap_or_else(|_| panic!("{case}"));
        assert_probs_close(&probs, &floats(&case["probs"]), &case.to_string());
    }
}

#[wasm_bindgen_test]
fn top_p_distribution_matches_native() {
    for case in fixture()["topPDistribution"].as_array().unwrap() {
        let probs = web::top_p_distribution(
            &floats(&case["logits"]),
            num(&case["p"]) as f32,
            num(&case["temperature"]) as f32,
        )
        .unwrap_or_else(|_| panic!("{case}"));
        assert_probs_close(&probs, &floats(&case["probs"]), &case.to_string());
    }
}

#[wasm_bindgen_test]
fn sample_top_k_draws_the_native_indices() {
    for case in fixture()["sampleTopK"].as_array().unwrap() {
        let index = web::sample_top_k(
            &floats(&case["logits"]),
            num(&case["k"]),
            num(&case["temperature"]) as f32,
            num(&case["seed"]),
        )
        .unwrap_or_else(|_| panic!("{case}"));
        // Exact: tests/api_vectors.rs checks that no fixture draw sits near a tie.
        assert_eq!(index as f64, num(&case["index"]), "{case}");
    }
}

#[wasm_bindgen_test]
fn dropout_masks_and_outputs_match_native() {
    let fixture = fixture();
    for case in fixture["dropoutMask"].as_array().unwrap() {
        let mask = web::dropout_mask(
            num(&case["length"]),
            num(&case["p"]) as f32,
            num(&case["seed"]),
        )
        .unwrap_or_else(|_| panic!("{case}"));
        let want: Vec<u8> = case["mask"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_u64().unwrap() as u8)
            .collect();
        assert_eq!(mask, want, "{case}");
    }
    for case in fixture["applyDropout"].as_array().unwrap() {
        let out = web::apply_dropout(
            &floats(&case["values"]),
            num(&case["p"]) as f32,
            num(&case["seed"]),
        )
        .unwrap_or_else(|_| panic!("{case}"));
        // Exact: each output is 0 or one f32 product x * (1 / (1 - p)), the same on any IEEE machine.
        assert_eq!(out, floats(&case["out"]), "{case}");
    }
}

#[wasm_bindgen_test]
fn bad_arguments_are_errors_not_panics() {
    let logits = [0.0f32, 1.0, 2.0];
    assert!(web::top_k_distribution(&logits, 0.0, 1.0).is_err());
    assert!(web::top_k_distribution(&logits, 1.5, 1.0).is_err());
    assert!(web::top_k_distribution(&logits, 2.0, 0.0).is_err());
    assert!(web::top_k_distribution(&logits, 2.0, f32::NAN).is_err());
    assert!(web::top_k_distribution(&[], 2.0, 1.0).is_err());
    assert!(web::top_k_distribution(&[0.0, f32::NAN], 2.0, 1.0).is_err());
    assert!(web::top_p_distribution(&logits, 1.5, 1.0).is_err());
    assert!(web::sample_top_k(&logits, 2.0, 1.0, -1.0).is_err());
    assert!(web::sample_top_k(&logits, 2.0, 1.0, 0.5).is_err());
    assert!(web::dropout_mask(-1.0, 0.5, 0.0).is_err());
    assert!(web::dropout_mask(4.0, f32::NAN, 0.0).is_err());
    assert!(web::apply_dropout(&logits, 1.1, 0.0).is_err());
}

/// A training step reads a loss from a JS object the binding built.
fn loss_of(summary: wasm_bindgen::JsValue) -> f64 {
    js_sys::Reflect::get(&summary, &"loss".into())
        .unwrap()
        .as_f64()
        .unwrap()
}

/// The same seed and steps give the native losses in wasm, on both backends, within
/// `LOSS_REL_TOL` (wasm's simd128 kernels sum in another order than native AVX ones, and its
/// maths library is another; see tests/common/mod.rs).
#[wasm_bindgen_test]
fn training_in_wasm_gives_the_native_losses() {
    let fixture = fixture();
    let want = floats(&fixture["training"]["losses"]);
    for backend in ["flex", "ndarray"] {
        let mut demo = web::Demo::from_text(
            dropout_topk::corpus::ENGLISH,
            backend,
            num(&fixture["training"]["seed"]),
        )
        .unwrap_or_else(|_| panic!("{backend}"));
        demo.set_dropout(num(&fixture["training"]["p"]) as f32)
            .unwrap_or_else(|_| panic!());
        for (step, w) in want.iter().enumerate() {
            let got = loss_of(
                demo.train_step(true)
                    .unwrap_or_else(|_| panic!("{backend} step {step}")),
            );
            assert!(
                loss_close(got, *w as f64),
                "{backend} step {step}: {got} vs native {w}"
            );
        }
        assert_eq!(demo.site_count(), 7);
    }
}

#[wasm_bindgen_test]
fn the_demo_refuses_bad_settings_without_panicking() {
    assert!(web::Demo::from_text("too short", "flex", 1.0).is_err());
    assert!(web::Demo::from_text(dropout_topk::corpus::ENGLISH, "gpu", 1.0).is_err());
    let mut demo = web::Demo::from_text(dropout_topk::corpus::ENGLISH, "flex", 1.0)
        .unwrap_or_else(|_| panic!());
    assert!(demo.set_dropout(1.5).is_err());
    assert!(demo.set_top_k(0.0).is_err());
    assert!(demo.set_temperature(0.0).is_err());
    assert!(
        demo.logits("☃☃").is_err(),
        "a prompt with no known character is an error"
    );
    assert!(demo.site_mask(0).is_err(), "no step observed yet");
}

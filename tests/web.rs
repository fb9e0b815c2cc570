//! The JS API, compiled to wasm and run in headless Chromium: it must give the native core's
//! answers (tests/fixtures/api_vectors.json) and refuse bad arguments without panicking.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{assert_probs_close, loss_close};
use dropout_topk::web;
use serde_json::Value;
use wasm_bindgen::JsValue;
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

/// A field of a JS object the binding built.
fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap()
}

/// The same seed and steps give the native losses in wasm, on both backends, within
/// `LOSS_REL_TOL` (wasm's simd128 kernels sum in another order than native AVX ones, and its
/// maths library is another; see tests/common/mod.rs). An observed step reports its seven sites
/// in the same answer, with typed arrays whose mask agrees with its draws and its count.
#[wasm_bindgen_test]
fn training_in_wasm_gives_the_native_losses() {
    let fixture = fixture();
    let want = floats(&fixture["training"]["losses"]);
    let p = num(&fixture["training"]["p"]) as f32;
    for backend in ["flex", "ndarray"] {
        let mut demo = web::Demo::from_text(
            dropout_topk::corpus::ENGLISH,
            backend,
            num(&fixture["training"]["seed"]),
        )
        .unwrap_or_else(|_| panic!("{backend}"));
        let mut last = JsValue::NULL;
        for (step, w) in want.iter().enumerate() {
            last = demo
                .train_step(p, true)
                .unwrap_or_else(|_| panic!("{backend} step {step}"));
            let got = field(&last, "loss").as_f64().unwrap();
            assert!(
                loss_close(got, *w as f64),
                "{backend} step {step}: {got} vs native {w}"
            );
        }
        let sites = js_sys::Array::from(&field(&last, "sites"));
        assert_eq!(sites.length(), 7);
        for site in sites.iter() {
            let draws = js_sys::Float32Array::from(field(&site, "draws")).to_vec();
            let mask = js_sys::Uint8Array::from(field(&site, "mask")).to_vec();
            assert_eq!(mask, dropout_topk::dropout::mask_from_draws(&draws, p));
            // At attention weights only the live cells count (the causal mask made the rest 0).
            let live = field(&site, "live");
            let live = (!live.is_null()).then(|| js_sys::Uint8Array::from(live).to_vec());
            let dropped = dropout_topk::dropout::count_dropped(&mask, live.as_deref()) as f64;
            assert_eq!(field(&site, "dropped").as_f64(), Some(dropped));
        }
    }
}

/// The settings object with the link's names gives the core's distribution, draw and counts.
#[wasm_bindgen_test]
fn next_token_answers_with_the_cut_the_order_and_the_draw() {
    let logits = [2.0f32, 0.5, 1.0, 3.0];
    let settings = js_sys::JSON::parse(
        r#"{"sampler":"top_k","k":2,"top_p":0.3,"temperature":0.5,"seed":7,"draw":3}"#,
    )
    .unwrap();
    let answer = web::next_token(&logits, settings).unwrap_or_else(|_| panic!());
    let probs = js_sys::Float32Array::from(field(&answer, "probs")).to_vec();
    let want = dropout_topk::sampling::distribution(
        &logits,
        &dropout_topk::sampling::Settings {
            temperature: 0.5,
            top_k: Some(2),
            top_p: None,
        },
    )
    .unwrap();
    assert_probs_close(&probs, &want, "nextToken probs");
    let order = js_sys::Uint32Array::from(field(&answer, "order")).to_vec();
    assert_eq!(order, vec![3, 0, 2, 1]);
    assert_eq!(field(&answer, "kept").as_f64(), Some(2.0));
    let index = field(&answer, "index").as_f64().unwrap() as usize;
    assert!(index == 0 || index == 3, "drew a cut token: {index}");
    let u = field(&answer, "u").as_f64().unwrap();
    let key = dropout_topk::sampling::DrawKey { seed: 7, draw: 3 };
    assert_eq!(u, key.uniform());
    assert_eq!(
        index,
        dropout_topk::sampling::draw_in_order(&probs, &order, u)
    );
}

/// Settings for `nextToken` and `generate` from a JSON text.
fn settings(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

/// The index `nextToken` draws.
fn next_index(logits: &[f32], json: &str) -> usize {
    let answer = web::next_token(logits, settings(json)).unwrap_or_else(|_| panic!("{json}"));
    field(&answer, "index").as_f64().unwrap() as usize
}

/// One draw rule through the exported functions (tests/draw_rule.rs checks it natively):
/// `sampleTopK(logits, k, t, seed)` is `nextToken`'s draw number 0 with `sampler: 'top_k'`, and
/// character i of `Demo.generate` is what `nextToken` draws from the logits after the prompt and
/// the characters before it with draw number `draw + i`.
#[wasm_bindgen_test]
fn every_drawing_api_draws_the_same_character_for_the_same_seed() {
    let cases = [
        vec![0.0f32, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        vec![1.0, 3.0, 2.0, 3.0, 2.0, 0.5],
        vec![
            0.3, -1.2, 2.5, 0.0, 1.7, -0.4, 0.9, 2.5, -3.0, 0.1, 1.1, -0.7,
        ],
    ];
    for logits in &cases {
        for (k, temperature) in [(1, 1.0), (3, 0.7), (5, 1.5), (100, 1.0)] {
            for seed in [0u32, 1, 7, 12345, u32::MAX] {
                let index = web::sample_top_k(logits, k as f64, temperature, seed as f64)
                    .unwrap_or_else(|_| panic!());
                let json = format!(
                    r#"{{"sampler":"top_k","k":{k},"temperature":{temperature},"seed":{seed},"draw":0}}"#
                );
                assert_eq!(
                    index as usize,
                    next_index(logits, &json),
                    "{logits:?} {json}"
                );
            }
        }
    }
    let mut demo = web::Demo::from_text(dropout_topk::corpus::ENGLISH, "flex", 3.0)
        .unwrap_or_else(|_| panic!());
    let vocab = demo.vocab();
    let prompt = "The harbour";
    for (cut, seed, draw) in [
        (r#""sampler":"top_k","k":5,"temperature":0.8"#, 2024, 0),
        (r#""sampler":"top_p","top_p":0.9,"temperature":1.5"#, 7, 40),
        (
            r#""k":20,"top_p":0.5,"temperature":1.0"#,
            4294967295u32,
            1000,
        ),
    ] {
        let json = format!(r#"{{{cut},"seed":{seed},"draw":{draw}}}"#);
        let text = demo
            .generate(prompt, settings(&json), 12.0)
            .unwrap_or_else(|_| panic!("{json}"));
        for (n, written) in text.chars().enumerate() {
            let before: String = text.chars().take(n).collect();
            let logits = demo
                .logits(&format!("{prompt}{before}"))
                .unwrap_or_else(|_| panic!());
            let step = format!(r#"{{{cut},"seed":{seed},"draw":{}}}"#, draw + n);
            let want = &vocab[next_index(&logits, &step)];
            assert_eq!(
                written.to_string(),
                *want,
                "{json}: character {n} of {text:?}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn the_demo_refuses_bad_settings_without_panicking() {
    assert!(web::Demo::from_text("too short", "flex", 1.0).is_err());
    assert!(web::Demo::from_text(dropout_topk::corpus::ENGLISH, "gpu", 1.0).is_err());
    let mut demo = web::Demo::from_text(dropout_topk::corpus::ENGLISH, "flex", 1.0)
        .unwrap_or_else(|_| panic!());
    assert!(demo.train_step(1.5, true).is_err());
    let bad =
        |json: &str| web::next_token(&[0.0, 1.0], js_sys::JSON::parse(json).unwrap()).is_err();
    assert!(bad(r#"{"k":0}"#));
    assert!(bad(r#"{"temperature":0}"#));
    assert!(bad(r#"{"sampler":"greedy"}"#));
    assert!(bad(r#"{"k":"three"}"#));
    assert!(bad(r#"{"draw":1}"#), "a draw without a seed");
    assert!(
        demo.logits("☃☃").is_err(),
        "a prompt with no known character is an error"
    );
}

/// An error crosses with a code and its numbers, so the page can word it in any language.
#[wasm_bindgen_test]
fn errors_carry_a_code_and_params() {
    let err = match web::Demo::from_text("too short", "flex", 1.0) {
        Err(err) => err,
        Ok(_) => panic!("a short text was accepted"),
    };
    assert_eq!(
        field(&err, "code").as_string().as_deref(),
        Some("text_too_short")
    );
    let params = field(&err, "params");
    assert_eq!(field(&params, "n").as_string().as_deref(), Some("9"));
    assert!(field(&err, "message")
        .as_string()
        .unwrap()
        .contains("at least"));
    // What an argument must be crosses as a code and its numbers; the message stays English.
    let text = |value: &JsValue| value.as_string().unwrap_or_default();
    let err = web::top_k_distribution(&[0.0, 1.0], 0.0, 1.0).unwrap_err();
    let params = field(&err, "params");
    assert_eq!(text(&field(&params, "name")), "k");
    assert_eq!(text(&field(&params, "allowed")), "integer_at_least");
    assert_eq!(text(&field(&params, "min")), "1");
    assert_eq!(
        text(&field(&err, "message")),
        "invalid k = 0: k must be an integer >= 1"
    );
    // Top-p and the dropout rate are named apart.
    let top_p = web::top_p_distribution(&[0.0, 1.0], 1.5, 1.0).unwrap_err();
    assert_eq!(text(&field(&field(&top_p, "params"), "name")), "top_p");
    let dropout_p = web::dropout_mask(4.0, 1.5, 0.0).unwrap_err();
    let params = field(&dropout_p, "params");
    assert_eq!(text(&field(&params, "name")), "dropout_p");
    assert_eq!(text(&field(&params, "allowed")), "between");
    assert_eq!(text(&field(&params, "max")), "1");
}

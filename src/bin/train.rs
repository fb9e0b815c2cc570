//! Trains the shipped English model from a fixed seed and writes www/model.bpk (in f16).
//!
//! `cargo run --release --bin train [steps]` prints the training and validation loss as it goes,
//! then a few lines of top-k text, so the numbers in the README can be reproduced.
use std::time::Instant;

use dropout_topk::corpus;
use dropout_topk::rng::derive_seed;
use dropout_topk::sampling;
use dropout_topk::session::Session;
use dropout_topk::train::{Backend, TrainConfig};

/// The seed the shipped weights were trained from.
const SEED: u64 = 2024;
/// Dropout rate of every training step.
const P: f32 = 0.1;
/// Default number of steps.
const STEPS: usize = 2500;
/// Larger batches than the page's live training: the shipped model should be as good as it gets.
const BATCH_SIZE: usize = 32;
/// Where the page loads the weights from.
const OUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/model.bpk");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let steps: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(STEPS);
    let mut session = Session::from_text(corpus::ENGLISH, Backend::Flex, SEED)?;
    let vocab = session.corpus().vocab.len();
    println!(
        "vocabulary {vocab} characters, chance level ln(V) = {:.3} nats",
        (vocab as f64).ln()
    );
    println!(
        "training {} characters, validation {}",
        session.corpus().train.len(),
        session.corpus().valid.len()
    );
    let start = Instant::now();
    for step in 1..=steps {
        // Step size decays linearly to a tenth over the run.
        let progress = step as f64 / steps as f64;
        let learning_rate = TrainConfig::new().learning_rate * (1.0 - 0.9 * progress);
        session.set_train_config(
            TrainConfig::new()
                .with_learning_rate(learning_rate)
                .with_batch_size(BATCH_SIZE),
        );
        let report = session.train_step(P, false)?.report;
        if step % 500 == 0 || step == steps {
            let losses = session.measure();
            let train = losses.train.unwrap_or(f32::NAN);
            let valid = losses.valid.unwrap_or(f32::NAN);
            println!(
                "step {step:5}  batch loss {:.3}  train {train:.3}  validation {valid:.3}  ({:.1} s)",
                report.loss,
                start.elapsed().as_secs_f64()
            );
        }
    }
    // The page downloads half-precision weights; the samples below come from what it gets.
    let full = session.measure().valid.unwrap_or(f32::NAN);
    let half = session.trainer().half_weights()?;
    std::fs::write(OUT, &half)?;
    session.load_weights(&half)?;
    let shipped = session.measure().valid.unwrap_or(f32::NAN);
    println!(
        "wrote {OUT}: {} bytes in f16; validation {full:.4} in f32, {shipped:.4} as shipped",
        half.len()
    );

    let prompt = "The harbour";
    let settings = sampling::Settings {
        temperature: 0.8,
        top_k: Some(5),
        top_p: None,
    };
    let mut text = prompt.to_string();
    for draw in 0..200 {
        let logits = session.logits(&text)?.logits;
        let probs = sampling::distribution(&logits, &settings)?;
        let token = sampling::draw(&probs, derive_seed(SEED, draw)) as u32;
        text.push(session.corpus().vocab.char_of(token).unwrap_or('?'));
    }
    println!("top-k 5, temperature 0.8 from {prompt:?}:\n{text}");
    Ok(())
}

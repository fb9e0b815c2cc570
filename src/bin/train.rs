//! Trains the shipped English model from a fixed seed and writes its weights in f16
//! (tests/fixtures/model-f16.bpk, the reference) and in eight bits made from those (www/model.q8,
//! what the page downloads).
//!
//! `cargo run --release --bin train [steps]` prints the training and validation loss as it goes,
//! then a few lines of top-k text, so the numbers in the README can be reproduced.
//! `cargo run --release --bin train -- --sample` prints only that text, from the shipped weights:
//! no training, and the weights stay as they are.
use std::time::Instant;

use dropout_topk::backend::Backend;
use dropout_topk::corpus;
use dropout_topk::sampling::Settings;
use dropout_topk::session::Session;
use dropout_topk::train::TrainConfig;

/// The seed the shipped weights were trained from.
const SEED: u64 = 2024;
/// Dropout rate of every training step.
const P: f32 = 0.1;
/// Default number of steps.
const STEPS: usize = 2500;
/// Larger batches than the page's live training: the shipped model should be as good as it gets.
const BATCH_SIZE: usize = 32;
/// Where the page loads the weights from.
const OUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/model.q8");
/// The half-precision weights the shipped eight-bit ones are made from (the tests' reference).
const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/model-f16.bpk");
/// The prompt of the README's sample text.
const PROMPT: &str = "The harbour";
/// Characters the sample writes after the prompt.
const SAMPLE_LENGTH: usize = 200;

/// What `--help` prints.
const USAGE: &str = "usage: train [steps]   trains the shipped model (default 2500 steps), writes www/model.q8 and prints a sample
       train --sample  prints the sample from the shipped weights, without training";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = std::env::args().nth(1);
    if matches!(arg.as_deref(), Some("--help" | "-h")) {
        println!("{USAGE}");
        return Ok(());
    }
    let mut session = if arg.as_deref() == Some("--sample") {
        Session::english_with_weights(&std::fs::read(OUT)?, Backend::Flex, SEED)?
    } else {
        let steps = arg.map(|s| s.parse()).transpose()?.unwrap_or(STEPS);
        train(steps)?
    };
    println!(
        "top-k 5, temperature 0.8 from {PROMPT:?}:\n{}",
        sample(&mut session)?
    );
    Ok(())
}

/// The README's sample: top-k 5 at temperature 0.8 after [`PROMPT`], written by
/// `Session::generate` (the page's Generate, draw numbers 0, 1, ... of [`SEED`]), so the README
/// shows what the page writes for the same settings.
fn sample(session: &mut Session) -> dropout_topk::Result<String> {
    let settings = Settings {
        temperature: 0.8,
        top_k: Some(5),
        top_p: None,
    };
    let text = session.generate(PROMPT, &settings, SEED, 0, SAMPLE_LENGTH)?;
    Ok(format!("{PROMPT}{text}"))
}

/// Trains the shipped model for `steps` steps, writes it to [`OUT`] in f16 and returns it as
/// shipped (the weights read back from f16).
fn train(steps: usize) -> Result<Session, Box<dyn std::error::Error>> {
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
    // The page downloads eight-bit weights made from half-precision ones; the sample comes from
    // what it gets.
    let full = session.measure().valid.unwrap_or(f32::NAN);
    let half = session.trainer().half_weights()?;
    std::fs::write(REFERENCE, &half)?;
    session.load_weights(&half)?;
    let eight_bit = session.trainer().eight_bit_weights();
    std::fs::write(OUT, &eight_bit)?;
    session.load_weights(&eight_bit)?;
    let shipped = session.measure().valid.unwrap_or(f32::NAN);
    println!(
        "wrote {REFERENCE} ({} bytes, f16) and {OUT} ({} bytes, eight bits); validation {full:.4} in f32, {shipped:.4} as shipped",
        half.len(),
        eight_bit.len()
    );
    Ok(session)
}

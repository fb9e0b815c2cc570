//! Native timings of the default model: a training step (batch 8, dropout 0.1, observed) and a
//! next-token evaluation, on both backends, with the step's arithmetic rate against what the
//! backend's own matmul reaches on this machine (a 512 x 512 product). Prints medians;
//! `cargo run --release --bin bench`, or one JSON line with `-- --json` (scripts/bench.mjs compares
//! it with the same in wasm).
use std::time::Instant;

use dropout_topk::backend::Backend;
use dropout_topk::corpus;
use dropout_topk::session::Session;

/// Side of the square matmul that measures the backend's throughput.
const PROBE_N: usize = 512;

/// Runs `f` `n` times and returns the median time in milliseconds.
fn median_ms(n: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[n / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let json = std::env::args().any(|a| a == "--json");
    let weights = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/www/model.q8"))?;
    if !json {
        println!(
            "{:<8} {:>16} {:>24} {:>16} {:>12} {:>14} {:>10}",
            "backend",
            "train step (ms)",
            "observed train step (ms)",
            "evaluation (ms)",
            "step GFLOP/s",
            "matmul GFLOP/s",
            "fraction"
        );
    }
    let mut rows = Vec::new();
    for &backend in Backend::ALL {
        let mut session = Session::english_with_weights(&weights, backend, 1)?;
        // Warm-up, as long as in wasm, where the engine compiles hot code again, optimised.
        for _ in 0..40 {
            session.train_step(0.1, true)?;
        }
        let step = median_ms(40, || drop(session.train_step(0.1, false)));
        let observed = median_ms(40, || drop(session.train_step(0.1, true)));
        let prompt = &corpus::ENGLISH[..64];
        let eval = median_ms(40, || drop(session.logits(prompt)));
        let flops = session.step_flops();
        let probe = median_ms(10, || {
            std::hint::black_box(backend.matmul_probe(PROBE_N));
        });
        let matmul = 2.0 * (PROBE_N as f64).powi(3) / probe / 1e6; // GFLOP/s
        let rate = flops / step / 1e6;
        if json {
            rows.push(format!(
                r#""{}":{{"step":{step:.3},"observed":{observed:.3},"eval":{eval:.3},"flops":{flops},"matmulGflops":{matmul:.3}}}"#,
                backend.name()
            ));
        } else {
            println!(
                "{:<8} {step:>16.2} {observed:>24.2} {eval:>16.2} {rate:>12.2} {matmul:>14.2} {:>10.3}",
                backend.name(),
                rate / matmul
            );
        }
    }
    if json {
        println!("{{{}}}", rows.join(","));
    }
    Ok(())
}

//! Prints the overfitting view's curves natively: two copies on a small slice of the English
//! text, one without dropout and one with it. `cargo run --release --example overfit -- 1500 0.3 600`
use dropout_topk::backend::Backend;
use dropout_topk::corpus;
use dropout_topk::session::Session;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let chars: usize = args.get(1).map_or(1500, |a| a.parse().unwrap());
    let p: f32 = args.get(2).map_or(0.3, |a| a.parse().unwrap());
    let steps: usize = args.get(3).map_or(600, |a| a.parse().unwrap());
    let mut copies: Vec<(Session, f32)> = [0.0, p]
        .iter()
        .map(|&rate| {
            let mut s = Session::from_text(corpus::ENGLISH, Backend::Flex, 42).unwrap();
            s.limit_training_tokens(chars);
            (s, rate)
        })
        .collect();
    println!("step  A train  A valid  A gap | B train  B valid  B gap");
    for step in 0..=steps {
        if step % 50 == 0 {
            let mut row = format!("{step:4}");
            for (s, _) in copies.iter_mut() {
                let losses = s.measure();
                let t = losses.train.unwrap_or(f32::NAN);
                let v = losses.valid.unwrap_or(f32::NAN);
                row += &format!("  {t:7.3}  {v:7.3}  {:5.3} |", v - t);
            }
            println!("{row}");
        }
        for (s, rate) in copies.iter_mut() {
            s.train_step(*rate, false).unwrap();
        }
    }
}

//! Sentence embeddings with a sentence-transformers folder, on weights `modules` loaded:
//!
//! ```sh
//! cargo run --release --features candle --example embed -- --model "$(scripts/get-minilm.sh)" "Hello world" "A second sentence"
//! ```
//!
//! stdout is exactly one JSON array with one array of floats per sentence; logs and timings go
//! to stderr. A missing folder or file, an unknown device or no sentence is an error and a
//! non-zero exit.

#[path = "../examples/models/attention_kernel.rs"]
mod attention_kernel;
#[path = "models/bert.rs"]
mod bert;
#[path = "../examples/models/bert_forward.rs"]
mod bert_forward;
#[path = "models/embedder.rs"]
mod embedder;

use std::path::PathBuf;
use std::time::Instant;

use embedder::{BoxError, Embedder};
use modules::Device;

fn run() -> Result<(), BoxError> {
    let usage = "usage: embed --model DIR [--device cpu|cuda:N] SENTENCE...";
    let mut args = std::env::args().skip(1);
    let (mut model, mut device, mut sentences) = (None, Device::Cpu, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model = Some(PathBuf::from(args.next().ok_or(usage)?)),
            "--device" => device = args.next().ok_or(usage)?.parse()?,
            _ => sentences.push(a),
        }
    }
    let model = model.ok_or(usage)?;
    if sentences.is_empty() {
        return Err(format!("no sentence given; {usage}").into());
    }
    let t = Instant::now();
    let embedder = Embedder::load(&model, device)?;
    eprintln!(
        "loaded {} in {:.1} ms",
        model.display(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let vectors = embedder.embed(&sentences)?;
    eprintln!(
        "embedded {} sentence(s) in {:.1} ms",
        sentences.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    println!("{}", serde_json::to_string(&vectors)?);
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

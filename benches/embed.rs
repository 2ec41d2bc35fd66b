//! Sentence-embedding throughput (feature `candle`): `cargo bench --features candle --bench embed`.
//!
//! all-MiniLM-L6-v2 (`scripts/get-minilm.sh`), batches of 32 sentences, sentences/s as the
//! median of 21 batches, and peak RSS; with `MODULES_PYTHON` set to a Python that has
//! sentence-transformers, the same batches through `benches/embed_torch.py` in the same run, on
//! the same number of threads. Cold start (process start to printed vectors) is
//! `scripts/bench-embed-cold.sh`.

#[path = "../examples/models/attention_kernel.rs"]
mod attention_kernel;
#[path = "../examples/models/bert.rs"]
mod bert;
#[path = "../examples/models/bert_forward.rs"]
mod bert_forward;
mod common;
#[path = "../examples/models/embedder.rs"]
mod embedder;

use std::path::PathBuf;
use std::process::Command;

fn sentences() -> Vec<String> {
    (0..32)
        .map(|i| {
            format!(
                "Sentence number {i} says that loaded weights reach compute, {} times over.",
                i % 7 + 1
            )
        })
        .collect()
}

/// The CPU crossing in GB/s, both ways, beside a plain copy of the same bytes (a `Vec` clone,
/// fresh destination like the crossing's): 256 MiB of f32, median of 7.
fn crossing_rows() {
    use modules::candle::{from_candle, ToCandle};
    let n = 64 << 20;
    let t = modules::Tensor::from_slice(&vec![1.5f32; n], [n], modules::Device::Cpu).unwrap();
    let bytes = t.as_bytes().unwrap().to_vec();
    let gb = (n * 4) as f64 / 1e9;
    let memcpy = common::time(7, || {
        std::hint::black_box(bytes.clone());
    });
    let cpu = candle_core::Device::Cpu;
    let to = common::time(7, || {
        std::hint::black_box(t.to_candle(&cpu).unwrap());
    });
    let c = t.to_candle(&cpu).unwrap();
    let back = common::time(7, || {
        std::hint::black_box(from_candle(&c, modules::DType::F32).unwrap());
    });
    for (name, d) in [
        ("memcpy of 256 MiB (Vec clone), fresh destination", memcpy),
        ("to_candle of 256 MiB f32 (one copy)", to),
        ("from_candle of 256 MiB f32 (one copy)", back),
    ] {
        println!("{name:<48} {:>10.2} GB/s", gb / d.as_secs_f64());
    }
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/minilm/all-MiniLM-L6-v2");
    if !dir.join("model.safetensors").is_file() {
        return println!("skipped: no all-MiniLM-L6-v2 folder: run scripts/get-minilm.sh");
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "modules + candle, {threads} threads, {}; medians",
        common::cpu_model()
    );
    let e = embedder::Embedder::load(&dir, modules::Device::Cpu).unwrap();
    let batch = sentences();
    e.embed(&batch).unwrap();
    let t = common::time(21, || {
        std::hint::black_box(e.embed(&batch).unwrap());
    });
    let ours = batch.len() as f64 / t.as_secs_f64();
    println!(
        "{:<48} {ours:>10.1} sentences/s",
        "embed, batch 32 (modules + candle)"
    );
    println!(
        "{:<48} {:>10.1} MB",
        "peak RSS (modules + candle)",
        common::status_kb("VmHWM:") as f64 / 1024.0
    );
    if let Ok(py) = std::env::var("MODULES_PYTHON") {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/embed_torch.py");
        let out = Command::new(py)
            .arg(script)
            .arg(&dir)
            .arg(threads.to_string())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}");
        if let Some(theirs) = text
            .lines()
            .find(|l| l.starts_with("embed, batch 32"))
            .and_then(|l| l.split_whitespace().rev().nth(1)?.parse::<f64>().ok())
        {
            println!("ratio, throughput: modules / PyTorch = {:.2}x", ours / theirs);
        }
    }
    // Last: its 256 MiB tensors would otherwise be this process's peak RSS, and the Python
    // twin's (a child inherits its parent's peak in `getrusage`).
    crossing_rows();
}

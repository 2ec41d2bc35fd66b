//! Construction benchmark: `cargo bench --bench construct`. Prints a table; the PyTorch
//! twin is `benches/construct_torch.py` (same shapes, same machine).
//!
//! Regimes: "warm" = back-to-back runs in one process (median of many); "fresh" = the first
//! call in a new process (median over several processes, each started by this binary).

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use modules::prelude::*;

#[path = "../examples/models/llama.rs"]
mod llama;
use llama::{Llama, LlamaConfig};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut ds = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        black_box(f());
        ds.push(t.elapsed());
    }
    median(ds)
}

/// Resident memory of this process, from /proc (Linux).
fn rss_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// 200 parameters totalling 4.4 GB of f32, as a flat list module.
fn flat_4_4gb() -> Vec<Parameter> {
    let total = 1_100_000_000usize;
    (0..200)
        .map(|_| Parameter::new(Tensor::empty([total / 200 / 1000, 1000], Meta).expect("meta")))
        .collect()
}

fn fresh_child(which: &str) -> Duration {
    let exe = std::env::current_exe().expect("current exe");
    let out = Command::new(exe)
        .arg("--fresh")
        .arg(which)
        .output()
        .expect("spawn");
    let s = String::from_utf8_lossy(&out.stdout);
    Duration::from_nanos(s.trim().parse().unwrap_or(0))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--fresh") {
        // Child: time the first skip_init in this process, print nanoseconds.
        let t = Instant::now();
        let m = match args.get(i + 1).map(String::as_str) {
            Some("meta70b") => skip_init!(Llama, LlamaConfig::llama_70b(), device = Meta, dtype = BF16),
            _ => skip_init!(Llama, LlamaConfig::tinyllama_1_1b()),
        };
        let d = t.elapsed();
        black_box(m.expect("skip_init"));
        println!("{}", d.as_nanos());
        return;
    }

    let tiny = LlamaConfig::tinyllama_1_1b();
    let big = LlamaConfig::llama_70b();
    println!("construction benchmark (medians; 'warm' = back-to-back in one process)");
    println!("{:<58} {:>12}", "work", "time");

    let fresh: Vec<Duration> = (0..5).map(|_| fresh_child("tiny")).collect();
    println!(
        "{:<58} {:>12.3?}",
        "skip_init Llama-1.1B f32, CPU, fresh process (first call)",
        median(fresh)
    );
    let warm = time(50, || skip_init!(Llama, tiny.clone()).expect("skip_init"));
    println!("{:<58} {:>12.3?}", "skip_init Llama-1.1B f32, CPU, warm", warm);
    let meta = time(50, || {
        skip_init!(Llama, big.clone(), device = Meta, dtype = BF16).expect("meta")
    });
    println!(
        "{:<58} {:>12.3?}",
        "construction on meta of Llama-70B shapes, warm", meta
    );
    let fresh_meta: Vec<Duration> = (0..5).map(|_| fresh_child("meta70b")).collect();
    println!(
        "{:<58} {:>12.3?}",
        "construction on meta of Llama-70B shapes, fresh process",
        median(fresh_meta)
    );

    let m70 = skip_init!(Llama, big.clone(), device = Meta).expect("meta");
    let n = m70.state_dict().len();
    let names = time(50, || m70.named_parameters().len());
    println!(
        "{:<58} {:>12.3?}",
        format!("named_parameters over {n} tensors (Llama-70B, meta)"),
        names
    );
    let count = time(50, || m70.num_parameters());
    println!("{:<58} {:>12.3?}", "num_parameters of Llama-70B on meta", count);

    let before = rss_bytes();
    let kept = skip_init!(Llama, tiny.clone()).expect("skip_init");
    let after = rss_bytes();
    println!(
        "{:<58} {:>9.2} MB  ({:.3}% of {:.1} GB)",
        "resident memory added by a CPU skip_init of Llama-1.1B f32",
        (after.saturating_sub(before)) as f64 / 1e6,
        100.0 * (after.saturating_sub(before)) as f64 / (kept.num_parameters() as f64 * 4.0),
        kept.num_parameters() as f64 * 4.0 / 1e9
    );
    drop(kept);

    let mut flat = flat_4_4gb();
    let before = rss_bytes();
    let t = Instant::now();
    flat.to_empty(Cpu).expect("to_empty");
    let d = t.elapsed();
    let after = rss_bytes();
    println!(
        "{:<58} {:>12.3?}  (resident after: +{:.2} MB)",
        "to_empty(Cpu) of 200 tensors, 4.4 GB f32 (one run)",
        d,
        (after.saturating_sub(before)) as f64 / 1e6
    );
    let to_empty = time(20, || flat.to_empty(Cpu).expect("to_empty"));
    println!(
        "{:<58} {:>12.3?}",
        "to_empty(Cpu) of 200 tensors, 4.4 GB f32, warm", to_empty
    );
    drop(flat);

    if std::env::args().any(|a| a == "--with-init") || std::env::var("BENCH_INIT").is_ok() {
        // Default init through fresh memory: page faults included (each run allocates anew).
        let runs: Vec<Duration> = (0..3)
            .map(|_| {
                let t = Instant::now();
                let m = modules::new!(Llama, tiny.clone()).expect("new");
                let d = t.elapsed();
                drop(m);
                d
            })
            .collect();
        println!(
            "{:<58} {:>12.3?}",
            "default init of Llama-1.1B f32, CPU (fresh memory)",
            median(runs)
        );

        // Where the time goes: first touch of fresh memory (page faults, kernel zeroing)
        // versus the fills themselves on memory already resident.
        let touch: Vec<Duration> = (0..3)
            .map(|_| {
                let m = skip_init!(Llama, tiny.clone()).expect("skip_init");
                let t = Instant::now();
                for (_, p) in m.named_parameters() {
                    p.tensor_mut().fill(0.0).expect("fill");
                }
                let d = t.elapsed();
                drop(m);
                d
            })
            .collect();
        println!(
            "{:<58} {:>12.3?}",
            "  of which: first touch of 4.4 GB fresh memory (fill 0)",
            median(touch)
        );
        let mut m = skip_init!(Llama, tiny.clone()).expect("skip_init");
        m.reset_parameters().expect("reset");
        let resident = time(3, || m.reset_parameters().expect("reset"));
        println!(
            "{:<58} {:>12.3?}",
            "  of which: default init on resident memory (reset)", resident
        );
    }
}

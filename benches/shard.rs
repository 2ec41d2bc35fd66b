//! Sharded loading benchmark: `cargo bench --bench shard`. Prints a table.
//!
//! A Llama-125M f32 checkpoint (536 MB, written once under `target/bench-load/`) is loaded
//! by 2 and 3 rank processes with the FSDP plan (torchrun's environment variables set), and
//! by one process whole, in the same run with the page cache warm. Per rank: the bytes the
//! kernel says it read (`rchar` of `/proc/self/io`) as a fraction of the checkpoint, and its
//! peak resident memory above its baseline against its shard's bytes. Also: the time to shard
//! a Llama-70B meta module for world size 8.

mod common;
#[path = "../examples/models/llama.rs"]
mod llama;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use llama::{Llama, LlamaConfig};
use modules::prelude::*;
use modules::shard::{Rank, ShardPlan};

/// One rank: prints `read_bytes local_bytes peak_rss_above_baseline_bytes load_seconds`.
fn rank_main(path: &Path) {
    let rank = Rank::from_env().unwrap();
    let mut m = skip_init!(Llama, LlamaConfig::llama_125m(), device = Meta).unwrap();
    m.shard(&ShardPlan::fsdp(), &rank).unwrap();
    m.to_empty(Cpu).unwrap();
    let base = common::status_kb("VmRSS:");
    let (r0, t) = (common::read_chars(), Instant::now());
    let report = m.load_safetensors(path, LoadOptions::strict()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let read = common::read_chars() - r0;
    let peak = (common::status_kb("VmHWM:").saturating_sub(base)) * 1024;
    println!("{read} {} {peak} {secs}", report.bytes);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if std::env::var_os("RANK").is_some() {
        return rank_main(Path::new(&args[1]));
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-load");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("llama125m-f32.safetensors");
    if !path.exists() {
        modules::new!(Llama, LlamaConfig::llama_125m())
            .unwrap()
            .save_safetensors(&path)
            .unwrap();
    }
    let file_bytes = std::fs::metadata(&path).unwrap().len() as f64;
    let cpu = common::cpu_model();
    println!(
        "modules sharded loads, {cpu}; Llama-125M f32 ({:.0} MB), page cache warm, FSDP plan",
        file_bytes / 1e6
    );

    let mut single = Vec::new();
    for _ in 0..3 {
        let mut m = skip_init!(Llama, LlamaConfig::llama_125m()).unwrap();
        let t = Instant::now();
        m.load_safetensors(&path, LoadOptions::strict()).unwrap();
        single.push(t.elapsed());
    }
    let single = common::median(single);
    println!(
        "{:<58} {:>9.1} ms",
        "single-process load (median of 3)",
        single.as_secs_f64() * 1e3
    );

    let exe = std::env::current_exe().unwrap();
    for world in [2usize, 3] {
        let mut walls = Vec::new();
        let mut last = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let children: Vec<_> = (0..world)
                .map(|r| {
                    Command::new(&exe)
                        .arg(&path)
                        .env("RANK", r.to_string())
                        .env("WORLD_SIZE", world.to_string())
                        .env("LOCAL_RANK", r.to_string())
                        .output_async()
                })
                .collect();
            last = children
                .into_iter()
                .map(|c| c.wait_with_output().unwrap())
                .collect();
            walls.push(t.elapsed());
        }
        let wall = common::median(walls);
        println!(
            "{:<58} {:>9.1} ms  ({:.2}x the single-process load; process start included)",
            format!("world {world}: wall time, all ranks (median of 3)"),
            wall.as_secs_f64() * 1e3,
            wall.as_secs_f64() / single.as_secs_f64()
        );
        for (r, out) in last.iter().enumerate() {
            let text = String::from_utf8_lossy(&out.stdout);
            let v: Vec<f64> = text
                .split_whitespace()
                .map(|x| x.parse().unwrap_or(0.0))
                .collect();
            println!(
                "  rank {r}: read {:.1} MB = {:.2}% of the file (target <= {:.2}%), peak RSS +{:.1} MB for a {:.1} MB shard, load {:.1} ms",
                v[0] / 1e6,
                100.0 * v[0] / file_bytes,
                100.0 / world as f64 + 1.0,
                v[2] / 1e6,
                v[1] / 1e6,
                v[3] * 1e3
            );
        }
    }

    let mut times = Vec::new();
    for _ in 0..21 {
        let mut m = skip_init!(Llama, LlamaConfig::llama_70b(), device = Meta, dtype = BF16).unwrap();
        let rank = Rank {
            rank: 3,
            world_size: 8,
            ..Rank::single()
        };
        let t = Instant::now();
        m.shard(&ShardPlan::fsdp(), &rank).unwrap();
        times.push(t.elapsed());
    }
    println!(
        "{:<58} {:>9.3} ms  (target <= 1 ms)",
        "shard Llama-70B on meta, world 8 (median of 21)",
        common::median(times).as_secs_f64() * 1e3
    );
}

/// `spawn` with piped stdout, so every rank starts before any is waited on.
trait OutputAsync {
    fn output_async(&mut self) -> std::process::Child;
}

impl OutputAsync for Command {
    fn output_async(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped()).spawn().unwrap()
    }
}

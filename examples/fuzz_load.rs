//! A mutation fuzzer over the checkpoint loader itself: real safetensors files (PyTorch's
//! fixtures and a Llama-shaped model), mutated, loaded into the real modules they belong to.
//!
//! Every load must either succeed or return an `Error` and leave the module byte for byte as
//! it was; a panic or a half-written module is a finding, saved under `target/fuzz-findings/`.
//!
//! ```sh
//! cargo run --release --example fuzz_load -- 1000000           # mutated safetensors files
//! cargo run --release --example fuzz_load -- 200000 --index    # mutated index files
//! ```
//!
//! With `--index` the mutations go to `model.safetensors.index.json` files instead: a
//! Hugging Face `weight_map` over three shards, and a `shard_map` of two ranks' parts.

#[path = "models/llama.rs"]
mod llama;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Instant;

use llama::{Llama, LlamaConfig};
use modules::prelude::*;
use modules::rng::philox4x32_10;

/// Random words from the project's own counter-based generator.
struct Words {
    counter: u64,
    buf: [u32; 4],
    used: usize,
}

impl Words {
    fn next(&mut self) -> u32 {
        if self.used == 4 {
            self.counter += 1;
            self.buf = philox4x32_10(
                [self.counter as u32, (self.counter >> 32) as u32, 0, 0],
                [0xF0, 0x22],
            );
            self.used = 0;
        }
        self.used += 1;
        self.buf[self.used - 1]
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() as usize) % n.max(1)
    }
}

type Make = fn() -> Box<dyn Module>;

fn seeds() -> Vec<(String, Vec<u8>, Make)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/torch_small");
    let read = |n: &str| std::fs::read(dir.join(format!("{n}.safetensors"))).expect("fixture");
    let mut v: Vec<(String, Vec<u8>, Make)> = vec![
        ("linear_5_1".into(), read("linear_5_1"), || {
            Box::new(modules::new!(Linear, 5, 1).unwrap())
        }),
        ("batchnorm2d_8".into(), read("batchnorm2d_8"), || {
            Box::new(modules::new!(BatchNorm2d, 8).unwrap())
        }),
        ("layernorm_16".into(), read("layernorm_16"), || {
            Box::new(modules::new!(LayerNorm, vec![16]).unwrap())
        }),
        ("lstm_8_16_l2".into(), read("lstm_8_16_l2"), || {
            Box::new(modules::new!(Lstm, 8, 16, num_layers = 2).unwrap())
        }),
    ];
    let tmp = std::env::temp_dir().join(format!("fuzz-llama-{}.safetensors", std::process::id()));
    let mut m = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    m.lm_head.weight = m.model.embed_tokens.weight.clone();
    m.save_safetensors(&tmp).unwrap();
    v.push(("llama_tiny_tied".into(), std::fs::read(&tmp).unwrap(), || {
        let mut m = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
        m.lm_head.weight = m.model.embed_tokens.weight.clone();
        Box::new(m)
    }));
    let _ = std::fs::remove_file(tmp);
    v
}

fn mutate(seed: &[u8], w: &mut Words) -> Vec<u8> {
    let mut b = seed.to_vec();
    let declared_end = 8 + u64::from_le_bytes(seed[..8].try_into().unwrap()) as usize;
    for _ in 0..1 + w.below(3) {
        if b.len() < 9 {
            break;
        }
        let header_end = declared_end.min(b.len());
        // Most mutations aim at the header, where the structure is.
        let at = if w.below(4) > 0 {
            w.below(header_end)
        } else {
            w.below(b.len())
        };
        let last = b.len() - 1;
        match w.below(9) {
            0 => b[at.min(last)] ^= 1 << w.below(8),
            1 => b[at.min(last)] = b"{}[]\",:0123456789-e \xff\x00"[w.below(22)],
            2 => b.truncate(w.below(b.len() + 1).max(1)),
            3 => b.extend((0..w.below(64)).map(|_| w.next() as u8)),
            4 => {
                let n = (w.next() as u64) >> w.below(32);
                b[..8].copy_from_slice(&n.to_le_bytes());
            }
            5 => {
                // A digit in the header replaced by a number: offsets and shapes.
                if let Some(p) = (at..header_end).find(|&i| b[i].is_ascii_digit()) {
                    let s = (w.next() % 100_000).to_string();
                    b.splice(p..p + 1, s.bytes());
                    let n = u64::from_le_bytes(b[..8].try_into().unwrap()).wrapping_add(s.len() as u64 - 1);
                    b[..8].copy_from_slice(&n.to_le_bytes());
                }
            }
            6 => {
                // A dtype name swapped for another.
                let names: [&[u8]; 6] = [b"F32", b"F16", b"I64", b"BOOL", b"U8", b"F8_E4M3"];
                if let Some(p) = b[..header_end]
                    .windows(3)
                    .position(|x| x == b"F32" || x == b"I64")
                {
                    let name = names[w.below(6)];
                    b.splice(p..p + 3, name.iter().copied());
                    let n = u64::from_le_bytes(b[..8].try_into().unwrap())
                        .wrapping_add(name.len() as u64)
                        .wrapping_sub(3);
                    b[..8].copy_from_slice(&n.to_le_bytes());
                }
            }
            7 => {
                // A span duplicated: repeated keys and entries.
                let (s, len) = (w.below(header_end), w.below(80));
                let e = (s + len).min(b.len());
                let piece = b[s..e].to_vec();
                let p = w.below(header_end);
                b.splice(p..p, piece);
            }
            _ => {
                let p = at.min(b.len() - 1);
                b.remove(p);
            }
        }
    }
    b
}

/// Index files to mutate, each beside its shards: (name, path to write the mutant to, text).
fn index_seeds(dir: &std::path::Path) -> Vec<(String, PathBuf, Vec<u8>)> {
    use modules::shard::{Rank, Shard, ShardPlan};
    let mut out = Vec::new();
    let m = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let hf = dir.join("hf");
    let files = m.save_safetensors_sharded(&hf, 20_000).unwrap();
    let index = files.last().unwrap().clone();
    out.push((
        "weight_map".to_string(),
        hf.join("fuzz.index.json"),
        std::fs::read(&index).unwrap(),
    ));
    let ranks = dir.join("ranks");
    for r in 0..2 {
        let rank = Rank {
            rank: r,
            world_size: 2,
            ..Rank::single()
        };
        let mut part = skip_init!(Llama, LlamaConfig::tiny(), device = Meta).unwrap();
        part.shard(&ShardPlan::fsdp(), &rank).unwrap();
        part.to_empty(Cpu).unwrap();
        part.load_safetensors(&index, LoadOptions::strict()).unwrap();
        part.save_safetensors_rank(&ranks, &rank).unwrap();
    }
    let text = std::fs::read(ranks.join("model.safetensors.index.json")).unwrap();
    out.push(("shard_map".to_string(), ranks.join("fuzz.index.json"), text));
    out
}

/// Text mutations for JSON: flips, digits turned into numbers, deletions, duplicated spans.
fn mutate_text(seed: &[u8], w: &mut Words) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + w.below(3) {
        if b.is_empty() {
            break;
        }
        let at = w.below(b.len());
        match w.below(5) {
            0 => b[at] ^= 1 << w.below(8),
            1 => {
                if let Some(p) = (at..b.len()).find(|&i| b[i].is_ascii_digit()) {
                    let n = (w.next() % 100_000).to_string();
                    b.splice(p..p + 1, n.bytes());
                }
            }
            2 => {
                b.remove(at);
            }
            3 => {
                let e = (at + w.below(60)).min(b.len());
                let piece = b[at..e].to_vec();
                let p = w.below(b.len());
                b.splice(p..p, piece);
            }
            _ => b[at] = b"{}[]\",:0123456789-"[w.below(18)],
        }
    }
    b
}

fn fuzz_indexes(runs: u64, w: &mut Words) {
    let dir = std::env::temp_dir().join(format!("fuzz-index-{}", std::process::id()));
    let seeds = index_seeds(&dir);
    let make = || modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let mut m = make();
    let (mut ok, mut err, mut bad) = (0u64, 0u64, 0u64);
    let start = Instant::now();
    for i in 0..runs {
        let (name, path, seed) = &seeds[w.below(seeds.len())];
        let text = mutate_text(seed, w);
        std::fs::write(path, &text).unwrap();
        let before = bytes_of(&m);
        let opts = if i % 2 == 0 {
            LoadOptions::strict()
        } else {
            LoadOptions::non_strict()
        };
        match catch_unwind(AssertUnwindSafe(|| m.load_safetensors(path, opts))) {
            Ok(Ok(_)) => {
                ok += 1;
                m = make();
            }
            Ok(Err(_)) if bytes_of(&m) == before => err += 1,
            outcome => {
                bad += 1;
                let kept = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join(format!("target/fuzz-findings/{name}-{i}.json"));
                std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
                std::fs::write(&kept, &text).unwrap();
                let what = match outcome {
                    Ok(Err(e)) => format!("half-loaded: {e}"),
                    _ => "panic".into(),
                };
                eprintln!("finding ({what}): {}", kept.display());
                m = make();
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{runs} index executions in {secs:.1} s: {ok} loaded, {err} rejected with the module unchanged, {bad} panics or half-loads"
    );
    let _ = std::fs::remove_dir_all(dir);
    if bad > 0 {
        std::process::exit(1);
    }
}

fn bytes_of(m: &dyn Module) -> Vec<Vec<u8>> {
    m.state_dict()
        .iter()
        .map(|(_, t)| t.tensor().as_bytes().unwrap().to_vec())
        .collect()
}

fn main() {
    let runs: u64 = std::env::args()
        .nth(1)
        .map_or(100_000, |s| s.parse().expect("a number of runs"));
    let seeds = seeds();
    let findings = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::env::var_os("FUZZ_VERBOSE").is_some() {
            default_hook(info)
        }
    }));
    let mut w = Words {
        counter: 0,
        buf: [0; 4],
        used: 4,
    };
    if std::env::args().any(|a| a == "--index") {
        return fuzz_indexes(runs, &mut w);
    }
    let (mut ok, mut err, mut panics, mut half) = (0u64, 0u64, 0u64, 0u64);
    let mut modules: Vec<Box<dyn Module>> = seeds.iter().map(|(_, _, make)| make()).collect();
    let start = Instant::now();
    for i in 0..runs {
        let k = w.below(seeds.len());
        let (name, seed, make) = &seeds[k];
        let input = mutate(seed, &mut w);
        let m = &mut modules[k];
        let before = bytes_of(&**m);
        let opts = if i % 2 == 0 {
            LoadOptions::strict()
        } else {
            LoadOptions::non_strict().cast_floats()
        };
        let result = catch_unwind(AssertUnwindSafe(|| m.load_safetensors_bytes(&input, name, opts)));
        let finding = match result {
            Ok(Ok(_)) => {
                ok += 1;
                *m = make(); // back to the seed's values for the next run
                None
            }
            Ok(Err(_)) if bytes_of(&**m) == before => {
                err += 1;
                None
            }
            Ok(Err(e)) => {
                half += 1;
                Some(format!("half-loaded: {e}"))
            }
            Err(_) => {
                panics += 1;
                Some("panic".to_string())
            }
        };
        if let Some(what) = finding {
            std::fs::create_dir_all(&findings).unwrap();
            let path = findings.join(format!("{name}-{i}.safetensors"));
            std::fs::write(&path, &input).unwrap();
            eprintln!("finding ({what}): {}", path.display());
            *m = make();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{runs} executions in {secs:.1} s ({:.0}/s): {ok} loaded, {err} rejected with the module unchanged, \
         {panics} panics, {half} half-loaded",
        runs as f64 / secs
    );
    if panics + half > 0 {
        std::process::exit(1);
    }
}

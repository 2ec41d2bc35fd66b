//! Checkpoint loading benchmark: `cargo bench --bench load`. Prints a table.
//!
//! The checkpoint is TinyLlama-1.1B's shapes in f32 (4.4 GB), written once under
//! `target/bench-load/` (or `$BENCH_DIR`). Every row is a median with the page cache warm.
//! "fresh" loads go into a new `skip_init!` model, whose memory is first touched by the load;
//! "resident" loads go into a model whose pages were already touched. The memcpy rows copy
//! the same bytes from the same mapping with 2 threads, in both regimes: they are the
//! bandwidth a load can reach. Peak resident memory is measured in child processes.
//!
//! With `MODULES_PYTHON` set to a Python that has torch and safetensors, the PyTorch twin
//! (`benches/load_torch.py`) runs on the same file in the same run, and ratios are printed.
//! It also writes the same tensors with `torch.save` (`tinyllama-f32.pt`), and the last rows
//! load that file and the safetensors one alternately, fresh and resident, side by side.

mod common;
#[path = "../examples/models/llama.rs"]
mod llama;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use llama::{Llama, LlamaConfig};
use modules::prelude::*;
use rayon::prelude::*;

fn checkpoint(dir: &Path) -> PathBuf {
    let path = dir.join("tinyllama-f32.safetensors");
    if !path.exists() {
        let t = Instant::now();
        let m = skip_init!(Llama, LlamaConfig::tinyllama_1_1b()).unwrap();
        for (i, (_, p)) in m.named_parameters().into_iter().enumerate() {
            p.tensor_mut().fill(0.001 * (i as f64 + 1.0)).unwrap();
        }
        m.save_safetensors(&path).unwrap();
        println!("wrote {} in {:.1} s", path.display(), t.elapsed().as_secs_f64());
    }
    path
}

/// A safetensors file with a Llama's header and no data (a sparse file): what a dry run reads.
/// The header is the safetensors crate's own serialization of the tensor list, so it has the
/// layout of every file that Python's and Rust's `safetensors` write (offset order, fields
/// `dtype`, `shape`, `data_offsets`).
fn header_only(dir: &Path, name: &str, cfg: LlamaConfig) -> PathBuf {
    use safetensors::tensor::{Metadata, TensorInfo};
    let path = dir.join(format!("{name}-bf16-header-only.safetensors"));
    if !path.exists() {
        let m = skip_init!(Llama, cfg, device = Meta, dtype = BF16).unwrap();
        let mut offset = 0usize;
        let mut tensors = Vec::new();
        for (name, t) in m.state_dict().iter() {
            let bytes = t.tensor().size_in_bytes();
            let info = TensorInfo {
                dtype: safetensors::Dtype::BF16,
                shape: t.shape().to_vec(),
                data_offsets: (offset, offset + bytes),
            };
            tensors.push((name.to_string(), info));
            offset += bytes;
        }
        let format = [("format".to_string(), "pt".to_string())].into();
        let metadata = Metadata::new(Some(format), tensors).unwrap();
        let mut text = serde_json::to_string(&metadata).unwrap().into_bytes();
        text.resize(text.len().next_multiple_of(8), b' ');
        let mut out = (text.len() as u64).to_le_bytes().to_vec();
        out.extend(&text);
        std::fs::write(&path, &out).unwrap();
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len((out.len() + offset) as u64).unwrap();
    }
    path
}

/// Copies the file's data into `dst` with 2 threads, 8 MiB at a time.
fn memcpy(src: &[u8], dst: &mut [u8]) {
    dst.par_chunks_mut(8 << 20)
        .zip(src.par_chunks(8 << 20))
        .for_each(|(d, s)| d.copy_from_slice(s));
}

fn child(mode: &str, path: &Path) {
    if mode == "resident" {
        let mut m = skip_init!(Llama, LlamaConfig::tinyllama_1_1b()).unwrap();
        m.load_safetensors(path, LoadOptions::strict()).unwrap();
        let d = common::time(7, || {
            m.load_safetensors(path, LoadOptions::strict()).unwrap();
        });
        println!("{d:?}");
        return;
    }
    if mode == "dry-run" {
        // For profilers (valgrind cannot map the 70B file's 140 GB, so this takes 7B):
        // `load --child dry-run <dir>`.
        let cfg = LlamaConfig::llama_7b();
        let path = header_only(path, "llama7b", cfg.clone());
        let meta = skip_init!(Llama, cfg, device = Meta, dtype = BF16).unwrap();
        let d = common::time(21, || {
            black_box(meta.check_safetensors(&path, LoadOptions::strict()).unwrap());
        });
        println!("{d:?}");
        return;
    }
    let mut m = skip_init!(
        Llama,
        LlamaConfig::tinyllama_1_1b(),
        device = if mode == "zero-copy" { Meta } else { Cpu }
    )
    .unwrap();
    let base = common::status_kb("VmRSS:");
    let opts = LoadOptions::strict().zero_copy(mode == "zero-copy");
    let r = m.load_safetensors(path, opts).unwrap();
    black_box(&m);
    println!("{} {} {}", base, common::status_kb("VmHWM:"), r.bytes);
}

fn peak_above_baseline(mode: &str, path: &Path) -> (f64, f64) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--child", mode])
        .arg(path)
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    let v: Vec<f64> = s.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    ((v[1] - v[0]) * 1024.0 / 1e6, v[2] / 1e6)
}

/// The dry run of a 70B header on a meta model: the first call in the process (cold: the header
/// is read from the page cache, the maps grow for the first time) and the median of a warm loop.
fn dry_run_rows(h70: &Path) {
    let meta70 = skip_init!(Llama, LlamaConfig::llama_70b(), device = Meta, dtype = BF16).unwrap();
    let t = std::time::Instant::now();
    black_box(meta70.check_safetensors(h70, LoadOptions::strict()).unwrap());
    let cold = t.elapsed();
    let warm = common::time(501, || {
        black_box(meta70.check_safetensors(h70, LoadOptions::strict()).unwrap());
    });
    println!(
        "{:<56} {:>10.3} ms\n{:<56} {:>10.3} ms",
        "dry run on meta, Llama-70B bf16 header",
        warm.as_secs_f64() * 1e3,
        "dry run on meta, Llama-70B bf16 header, first call",
        cold.as_secs_f64() * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        return child(&args[2], Path::new(&args[3]));
    }
    let dir = std::env::var_os("BENCH_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-load"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap();
    let h70 = header_only(&dir, "llama70b", LlamaConfig::llama_70b());
    if args.iter().any(|a| a == "--dry-run") {
        // `cargo bench --bench load -- --dry-run`: only the dry-run rows (and a loop to profile).
        return dry_run_rows(&h70);
    }
    let path = checkpoint(&dir);
    let cpu = common::cpu_model();
    println!(
        "modules, {} threads, {cpu}; medians, page cache warm",
        rayon::current_num_threads()
    );

    let file = std::fs::File::open(&path).unwrap();
    // SAFETY: the benchmark's own file, not modified while mapped.
    let map = unsafe { memmap2::Mmap::map(&file).unwrap() };
    let n = u64::from_le_bytes(map[..8].try_into().unwrap()) as usize;
    let data = &map[8 + n..];
    let gb = data.len() as f64 / 1e9;
    let mut resident = vec![1u8; data.len()];
    memcpy(data, &mut resident); // warms the page cache
    let rows: Vec<(&str, Duration)> = vec![
        (
            "memcpy 2 threads, resident destination",
            common::time(5, || memcpy(data, &mut resident)),
        ),
        ("memcpy 2 threads, fresh destination", {
            common::time(5, || {
                let mut t = Tensor::empty([data.len()], (Cpu, U8)).unwrap();
                memcpy(data, t.as_bytes_mut().unwrap());
                black_box(&t);
            })
        }),
    ];
    drop(resident);
    let mut warm = skip_init!(Llama, LlamaConfig::tinyllama_1_1b()).unwrap();
    warm.load_safetensors(&path, LoadOptions::strict()).unwrap();
    let resident_load = common::time(5, || {
        warm.load_safetensors(&path, LoadOptions::strict()).unwrap();
    });
    drop(warm);
    let fresh_load = common::time(5, || {
        let mut m = skip_init!(Llama, LlamaConfig::tinyllama_1_1b()).unwrap();
        m.load_safetensors(&path, LoadOptions::strict()).unwrap();
        black_box(&m);
    });
    let zero_copy = common::time(21, || {
        let mut m = skip_init!(Llama, LlamaConfig::tinyllama_1_1b(), device = Meta).unwrap();
        m.load_safetensors(&path, LoadOptions::strict().zero_copy(true))
            .unwrap();
        black_box(&m);
    });

    let line = |name: &str, d: Duration| {
        println!(
            "{name:<56} {:>10.3} ms {:>8.2} GB/s",
            d.as_secs_f64() * 1e3,
            gb / d.as_secs_f64()
        );
    };
    for (name, d) in &rows {
        line(name, *d);
    }
    line("copy load into a skip_init model (fresh)", fresh_load);
    line("copy load into a loaded model (resident)", resident_load);
    println!(
        "{:<56} {:>10.1} %  (fresh, of memcpy fresh)\n{:<56} {:>10.1} %  (resident, of memcpy resident)",
        "  copy load / memcpy",
        100.0 * rows[1].1.as_secs_f64() / fresh_load.as_secs_f64(),
        "",
        100.0 * rows[0].1.as_secs_f64() / resident_load.as_secs_f64()
    );
    println!(
        "{:<56} {:>10.3} ms",
        "zero-copy load (meta model, file views)",
        zero_copy.as_secs_f64() * 1e3
    );
    dry_run_rows(&h70);
    for mode in ["copy", "zero-copy"] {
        let (peak, model) = peak_above_baseline(mode, &path);
        println!(
            "{:<56} {peak:>10.1} MB  (model {model:.1} MB)",
            format!("peak RSS above baseline, {mode} load")
        );
    }

    if let Ok(py) = std::env::var("MODULES_PYTHON") {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/load_torch.py");
        let out = Command::new(py).arg(script).arg(&path).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}{}", String::from_utf8_lossy(&out.stderr));
        let torch = |key: &str| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().rev().nth(1)?.parse::<f64>().ok())
        };
        if let Some(t) = torch("load_state_dict(load_file) into skip_init") {
            println!(
                "ratio, copy load (fresh): PyTorch / modules = {:.2}x",
                t / 1e3 / fresh_load.as_secs_f64()
            );
        }
        if let Some(t) = torch("load_state_dict(load_file) into a loaded") {
            println!(
                "ratio, copy load (resident): PyTorch / modules = {:.2}x",
                t / 1e3 / resident_load.as_secs_f64()
            );
        }
        if let Some(t) = torch("torch.load(mmap=True)") {
            println!(
                "ratio, zero-copy: PyTorch / modules = {:.0}x",
                t / 1e3 / zero_copy.as_secs_f64()
            );
        }
    }
    let pt = path.with_extension("pt");
    if pt.exists() {
        torch_save_beside_safetensors(&path, &pt);
    }
}

/// The same weights from a `torch.save` file and from safetensors, loaded alternately (so both
/// see the same page cache and memory state), fresh and resident.
fn torch_save_beside_safetensors(st: &Path, pt: &Path) {
    let fresh = |p: &Path| {
        let t = Instant::now();
        let mut m = skip_init!(Llama, LlamaConfig::tinyllama_1_1b()).unwrap();
        m.load(p, LoadOptions::strict()).unwrap();
        black_box(&m);
        t.elapsed()
    };
    let mut times = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..5 {
        times[0].push(fresh(st));
        times[1].push(fresh(pt));
    }
    // Resident after fresh: a loaded model held during the fresh rounds would leave them
    // short of memory (two 4.4 GB files in the page cache, and the models).
    let mut warm = skip_init!(Llama, LlamaConfig::tinyllama_1_1b()).unwrap();
    warm.load(pt, LoadOptions::strict()).unwrap();
    let mut resident = |p: &Path| {
        let t = Instant::now();
        warm.load(p, LoadOptions::strict()).unwrap();
        t.elapsed()
    };
    for _ in 0..5 {
        times[2].push(resident(st));
        times[3].push(resident(pt));
    }
    let [a, b, c, d] = times.map(common::median);
    let rows = [
        ("safetensors, copy load (fresh)", a),
        ("torch.save .pt, copy load (fresh)", b),
        ("safetensors, copy load (resident)", c),
        ("torch.save .pt, copy load (resident)", d),
    ];
    for (name, t) in rows {
        println!("{name:<56} {:>10.3} ms", t.as_secs_f64() * 1e3);
    }
    println!(
        "ratio, .pt / safetensors: {:.3}x fresh, {:.3}x resident",
        b.as_secs_f64() / a.as_secs_f64(),
        d.as_secs_f64() / c.as_secs_f64()
    );
}

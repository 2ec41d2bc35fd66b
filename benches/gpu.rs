//! GPU benchmark at the tensor level (the user's view): `Tensor::empty` of Llama-7B bf16 shapes
//! on `cuda:0` (what `skip_init!(..., device = Cuda(0))` pays) and host→device tensor copies.
//! The backend-level numbers (init GB/s, pinned peak) are `cargo bench -p modules-cuda --bench
//! device`; the GPU bundle (scripts/gpu-bundle.sh) runs both. Without a GPU this prints `skipped: <reason>`.

use std::time::Instant;

use modules::{DType, Device, Tensor};

#[path = "../examples/models/llama.rs"]
mod llama;
use llama::{Llama, LlamaConfig};

/// Llama-7B parameter shapes: embed, 32 x (q, k, v, o, gate, up, down, 2 norms), norm, lm_head.
fn llama7b() -> Vec<Vec<usize>> {
    let (d, ff, vocab) = (4096, 11008, 32000);
    let mut v = vec![vec![vocab, d]];
    for _ in 0..32 {
        v.extend([vec![d, d], vec![d, d], vec![d, d], vec![d, d]]);
        v.extend([vec![ff, d], vec![ff, d], vec![d, ff]]);
        v.extend([vec![d], vec![d]]);
    }
    v.extend([vec![d], vec![vocab, d]]);
    v
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dev = Device::Cuda(0);
    if let Err(e) = Tensor::empty([1], (dev, DType::BF16)) {
        println!("skipped: {e}");
        return;
    }
    let shapes = llama7b();
    let specs: Vec<(&[usize], DType)> = shapes.iter().map(|s| (s.as_slice(), DType::BF16)).collect();
    let mut one_by_one = Vec::new();
    let mut many = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let ts: Vec<Tensor> = shapes
            .iter()
            .map(|s| Tensor::empty(s.clone(), (dev, DType::BF16)).expect("alloc"))
            .collect();
        one_by_one.push(t.elapsed().as_secs_f64() * 1e3);
        drop(ts);
        let t = Instant::now();
        let ts = Tensor::empty_many(&specs, dev).expect("alloc");
        many.push(t.elapsed().as_secs_f64() * 1e3);
        drop(ts);
    }
    println!(
        "tensor alloc Llama-7B bf16 (Tensor::empty x {})\t{:.3}\tms\t<= 5 ms",
        shapes.len(),
        median(one_by_one)
    );
    println!(
        "tensor alloc Llama-7B bf16 (Tensor::empty_many)\t{:.3}\tms\t<= 5 ms",
        median(many)
    );

    let n = 1usize << 28; // 1 GiB of f32
    let host: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let times = (0..3)
        .map(|_| {
            let t = Instant::now();
            let d = Tensor::from_slice(&host, [n], dev).expect("upload");
            let s = t.elapsed().as_secs_f64();
            drop(d);
            s
        })
        .collect();
    println!(
        "tensor H2D from pageable Vec (1 GiB, alloc + copy)\t{:.3}\tGB/s\t-",
        (4 * n) as f64 / median(times) / 1e9
    );
    load_7b(dev);
}

/// A Llama-7B bf16 checkpoint from the page cache into a `skip_init!` model on `cuda:0`
/// (written once to `$GPU_LOAD_FILE`, default target/gpu-load/llama7b-bf16.safetensors; the
/// torch side of the GPU bundle (scripts/gpu-bundle.sh) loads the same file).
fn load_7b(dev: Device) {
    use modules::prelude::*;
    let path = std::env::var_os("GPU_LOAD_FILE").map_or_else(
        || {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/gpu-load/llama7b-bf16.safetensors")
        },
        std::path::PathBuf::from,
    );
    if !path.exists() {
        std::fs::create_dir_all(path.parent().expect("a directory")).expect("mkdir");
        let m = skip_init!(Llama, LlamaConfig::llama_7b(), dtype = BF16).expect("host memory");
        m.save_safetensors(&path).expect("write the 7B checkpoint");
    }
    let mut m =
        skip_init!(Llama, LlamaConfig::llama_7b(), device = dev, dtype = BF16).expect("device memory");
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len()) as f64;
    m.load_safetensors(&path, LoadOptions::strict()).expect("load"); // warms the page cache
    let times = (0..3)
        .map(|_| {
            let t = Instant::now();
            m.load_safetensors(&path, LoadOptions::strict()).expect("load");
            t.elapsed().as_secs_f64()
        })
        .collect();
    println!(
        "load Llama-7B bf16, page cache -> cuda:0\t{:.3}\tGB/s\t>= 80% of pinned H2D",
        bytes / median(times) / 1e9
    );
}

//! Device benchmarks of the backend (run by scripts/gpu-check.sh): uninitialized allocation of
//! Llama-7B bf16 shapes, on-device random init bandwidth, host↔device copy bandwidth from
//! pageable and pinned memory. Prints `skipped: <reason>` and exits 0 without a GPU.
//! Each line is `name<TAB>value<TAB>unit<TAB>target` for the check script's table.

use std::time::Instant;

use modules_cuda::{CudaBuffer, FloatKind, PinnedBuffer, RandomFill};

/// Llama-7B parameter shapes (elements), bf16.
fn llama7b_shapes() -> Vec<usize> {
    let (d, ff, vocab) = (4096usize, 11008usize, 32000usize);
    let mut v = vec![vocab * d]; // embed_tokens
    for _ in 0..32 {
        v.extend([d * d; 4]); // q, k, v, o
        v.extend([ff * d; 3]); // gate, up, down
        v.extend([d; 2]); // input and post-attention RMSNorm
    }
    v.push(d); // final norm
    v.push(vocab * d); // lm_head
    v
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn row(name: &str, value: f64, unit: &str, target: &str) {
    println!("{name}\t{value:.3}\t{unit}\t{target}");
}

fn main() {
    if let Some(why) = modules_cuda::no_device_reason() {
        return println!("skipped: {why}");
    }
    // Context creation and the PTX JIT are one-time costs: pay them before timing.
    let mut warm = CudaBuffer::uninit(0, 1 << 20).expect("1 MiB");
    warm.fill_uniform(FloatKind::F32, 0, 0, 0.0, 1.0)
        .expect("warm-up fill");

    let shapes = llama7b_shapes();
    let total: usize = shapes.iter().map(|n| n * 2).sum();
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let bufs: Vec<CudaBuffer> = shapes
            .iter()
            .map(|&n| CudaBuffer::uninit(0, n * 2).expect("alloc"))
            .collect();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        drop(bufs);
    }
    println!(
        "# Llama-7B bf16: {} tensors, {:.2} GB",
        shapes.len(),
        total as f64 / 1e9
    );
    row(
        "alloc Llama-7B bf16 (uninit, median of 5)",
        median(times),
        "ms",
        "<= 5 ms",
    );

    let bytes = 1usize << 30;
    let mut buf = CudaBuffer::uninit(0, bytes).expect("1 GiB");
    let fills: [(&str, FloatKind, RandomFill); 5] = [
        (
            "uniform bf16",
            FloatKind::BF16,
            RandomFill::Uniform { low: -0.1, high: 0.1 },
        ),
        (
            "uniform f32",
            FloatKind::F32,
            RandomFill::Uniform { low: -0.1, high: 0.1 },
        ),
        (
            "normal bf16",
            FloatKind::BF16,
            RandomFill::Normal { mean: 0.0, std: 0.02 },
        ),
        (
            "normal f32",
            FloatKind::F32,
            RandomFill::Normal { mean: 0.0, std: 0.02 },
        ),
        (
            "trunc_normal f32",
            FloatKind::F32,
            RandomFill::TruncNormal {
                mean: 0.0,
                std: 0.02,
                a: -0.04,
                b: 0.04,
            },
        ),
    ];
    for (name, kind, dist) in fills {
        buf.fill_random(kind, 1, 0, dist).expect("fill");
        let t = (0..5)
            .map(|i| {
                let t = Instant::now();
                buf.fill_random(kind, 1, i, dist).expect("fill");
                t.elapsed().as_secs_f64()
            })
            .collect();
        row(
            &format!("init {name}, 1 GiB"),
            bytes as f64 / median(t) / 1e9,
            "GB/s",
            ">= 1000 GB/s",
        );
    }
    drop(buf);

    let size = 1usize << 30;
    let mut dev = CudaBuffer::uninit(0, size).expect("1 GiB");
    let mut pinned = PinnedBuffer::new(0, size).expect("1 GiB pinned");
    pinned.as_mut_slice().expect("pinned").fill(3);
    let pinned_t = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                dev.copy_from_pinned(&pinned).expect("pinned copy");
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    let peak = size as f64 / pinned_t / 1e9;
    row("H2D from pinned (1 GiB, measured peak)", peak, "GB/s", "-");
    let host: Vec<u8> = (0..size).map(|i| i as u8).collect();
    let pageable_t = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                dev.copy_from_host(&host).expect("staged copy");
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    let pageable = size as f64 / pageable_t / 1e9;
    row(
        "H2D from pageable via pinned staging (1 GiB)",
        pageable,
        "GB/s",
        ">= 80% of peak",
    );
    row("H2D pageable / pinned", 100.0 * pageable / peak, "%", ">= 80 %");
    let mut back = vec![0u8; size];
    let d2h_t = median(
        (0..3)
            .map(|_| {
                let t = Instant::now();
                dev.copy_to_host(&mut back).expect("download");
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    row(
        "D2H to pageable via pinned staging (1 GiB)",
        size as f64 / d2h_t / 1e9,
        "GB/s",
        "-",
    );
    assert!(back == host, "round trip differs");
}

//! Device benchmarks of the backend (run by the GPU bundle (scripts/gpu-bundle.sh)): uninitialized allocation of
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

/// The median seconds of `runs` calls of `f`.
fn median_secs(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
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
    let pinned_t = median_secs(5, || {
        dev.copy_from_pinned(&pinned).expect("pinned copy");
    });
    let peak = size as f64 / pinned_t / 1e9;
    row("H2D from pinned (1 GiB, measured peak)", peak, "GB/s", "-");
    match pinned_kinds(size) {
        Ok(kinds) => {
            let best = kinds.iter().map(|k| k.1).fold(0.0, f64::max);
            for (kind, gbs) in kinds {
                row(&format!("H2D from {kind} (1 GiB)"), gbs, "GB/s", "-");
                row(
                    &format!("  {kind} / best pinned kind"),
                    100.0 * gbs / best,
                    "%",
                    "-",
                );
            }
        }
        Err(e) => println!("# pinned kinds not measured: {e}"),
    }
    // The staging ring's shape: chunk size and chunks in flight, from pageable memory.
    for (chunk, depth) in [(2usize << 20, 3usize), (8 << 20, 3), (32 << 20, 2)] {
        match staging_ring(size, chunk, depth) {
            Ok(gbs) => row(
                &format!("H2D pageable via a ring of {depth} x {} MiB", chunk >> 20),
                gbs,
                "GB/s",
                "-",
            ),
            Err(e) => println!("# staging ring {chunk} x {depth} not measured: {e}"),
        }
    }
    let host: Vec<u8> = (0..size).map(|i| i as u8).collect();
    let pageable_t = median_secs(5, || {
        dev.copy_from_host(&host).expect("staged copy");
    });
    let pageable = size as f64 / pageable_t / 1e9;
    row(
        "H2D from pageable via pinned staging (1 GiB)",
        pageable,
        "GB/s",
        ">= 80% of peak",
    );
    row("H2D pageable / pinned", 100.0 * pageable / peak, "%", ">= 80 %");
    let mut back = vec![0u8; size];
    let d2h_t = median_secs(3, || {
        dev.copy_to_host(&mut back).expect("download");
    });
    row(
        "D2H to pageable via pinned staging (1 GiB)",
        size as f64 / d2h_t / 1e9,
        "GB/s",
        "-",
    );
    assert!(back == host, "round trip differs");
}

/// Host→device GB/s from each kind of page-locked memory, so that the staging path keeps the
/// fastest: `cuMemHostAlloc` cached and write-combined, and pageable memory registered with
/// `cuMemHostRegister`. cudarc directly, beside the crate's own buffers, to compare the kinds
/// only.
fn pinned_kinds(size: usize) -> Result<Vec<(&'static str, f64)>, modules_cuda::cudarc::driver::DriverError> {
    use modules_cuda::cudarc::driver::{sys, CudaContext};
    let ctx = CudaContext::new(0)?;
    let stream = ctx.default_stream();
    let mut dev = stream.alloc_zeros::<u8>(size)?;
    let mut gbs = |src: &[u8]| -> Result<f64, modules_cuda::cudarc::driver::DriverError> {
        let mut t = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            stream.memcpy_htod(src, &mut dev)?;
            stream.synchronize()?;
            t.push(start.elapsed().as_secs_f64());
        }
        Ok(size as f64 / median(t) / 1e9)
    };
    // SAFETY: uninitialized pinned bytes, all written by `fill` before the copies read them.
    let mut cached = unsafe { ctx.alloc_pinned_with_flags::<u8>(size, 0)? };
    cached.as_mut_slice()?.fill(1);
    let cached_gbs = gbs(cached.as_slice()?)?;
    drop(cached);
    // SAFETY: as above; `alloc_pinned` is CU_MEMHOSTALLOC_WRITECOMBINED.
    let mut combined = unsafe { ctx.alloc_pinned::<u8>(size)? };
    combined.as_mut_slice()?.fill(1);
    let combined_gbs = gbs(combined.as_slice()?)?;
    drop(combined);
    let mut registered = vec![1u8; size];
    ctx.bind_to_thread()?;
    let ptr = registered.as_mut_ptr().cast();
    // SAFETY: registers a live allocation of exactly `size` bytes, unregistered below while the
    // Vec still owns it; the copies only read it.
    unsafe { sys::cuMemHostRegister_v2(ptr, size, 0) }.result()?;
    let registered_gbs = gbs(&registered);
    // SAFETY: `ptr` was registered above and no copy is in flight (each one synchronized).
    unsafe { sys::cuMemHostUnregister(ptr) }.result()?;
    Ok(vec![
        ("pinned, cached (cuMemHostAlloc 0)", cached_gbs),
        ("pinned, write-combined", combined_gbs),
        ("registered pageable (cuMemHostRegister)", registered_gbs?),
    ])
}

/// Host→device GB/s from pageable memory through a ring of `depth` write-combined pinned
/// buffers of `chunk` bytes: the CPU threads fill one buffer while the DMA engine drains the
/// others.
/// Which shape is fastest decides `staging::CHUNK` (today 32 MiB x 2).
fn staging_ring(
    size: usize,
    chunk: usize,
    depth: usize,
) -> Result<f64, modules_cuda::cudarc::driver::DriverError> {
    use modules_cuda::cudarc::driver::{CudaContext, CudaEvent};
    let ctx = CudaContext::new(0)?;
    let stream = ctx.default_stream();
    let mut dev = stream.alloc_zeros::<u8>(size)?;
    // SAFETY: uninitialized pinned bytes; each chunk is written by `copy_from_slice` before the
    // DMA that reads it is queued, and only that written prefix is read.
    let mut ring = (0..depth)
        .map(|_| unsafe { ctx.alloc_pinned::<u8>(chunk) })
        .collect::<Result<Vec<_>, _>>()?;
    let src: Vec<u8> = (0..size).map(|i| (i * 7) as u8).collect();
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut done: Vec<Option<CudaEvent>> = (0..depth).map(|_| None).collect();
        for (k, piece) in src.chunks(chunk).enumerate() {
            let slot = k % depth;
            if let Some(e) = done[slot].take() {
                e.synchronize()?;
            }
            let host = ring[slot].as_mut_slice()?;
            // Several threads, as the crate's staging copies: one core is slower than the bus.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
            let per = piece.len().div_ceil(threads);
            std::thread::scope(|s| {
                for (d, c) in host[..piece.len()].chunks_mut(per).zip(piece.chunks(per)) {
                    s.spawn(move || d.copy_from_slice(c));
                }
            });
            let mut view = dev.slice_mut(k * chunk..k * chunk + piece.len());
            stream.memcpy_htod(&host[..piece.len()], &mut view)?;
            done[slot] = Some(stream.record_event(None)?);
        }
        stream.synchronize()?;
        times.push(start.elapsed().as_secs_f64());
    }
    Ok(size as f64 / median(times) / 1e9)
}

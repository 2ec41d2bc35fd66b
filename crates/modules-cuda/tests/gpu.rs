//! Tests that need a real GPU. Each reports `skipped: <test>: <reason>` (`gpu_or_skip`) and
//! returns where there is none; the GPU bundle (`scripts/gpu-bundle.sh`) runs them on a device
//! machine, with `--nocapture` for the numbers.
//! The random fills are checked against the CPU streams in `modules-core` (its `cuda` tests),
//! the level that sees both.

use std::time::Instant;

use modules_cuda::{device_count, gpu_or_skip, CudaBuffer, CudaError, PinnedBuffer};

fn pseudo_random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn uninitialized_allocation_is_fast() {
    if !gpu_or_skip() {
        return;
    }
    // Warm up the context and the memory pool.
    drop(CudaBuffer::uninit(0, 1 << 20).unwrap());
    let t = Instant::now();
    let bufs: Vec<CudaBuffer> = (0..100)
        .map(|_| CudaBuffer::uninit(0, 64 << 20).unwrap())
        .collect();
    let dt = t.elapsed();
    println!(
        "alloc of 100 x 64 MiB uninitialized: {:.3} ms",
        dt.as_secs_f64() * 1e3
    );
    assert_eq!(bufs.len(), 100);
    assert!(dt.as_secs_f64() < 1.0, "uninitialized allocation took {dt:?}");
}

#[test]
fn round_trips_are_byte_exact_for_every_dtype_and_size() {
    if !gpu_or_skip() {
        return;
    }
    // Sizes around the direct/staged threshold and across several staging chunks.
    let sizes = [1usize, 3, 4096, (1 << 20) + 1, (70 << 20) + 5];
    for (k, elem) in [8usize, 4, 2, 1].into_iter().enumerate() {
        for &n in &sizes {
            let bytes = pseudo_random_bytes(n * elem, (k * 31 + n) as u64);
            let b = CudaBuffer::from_host(0, &bytes).unwrap();
            let mut back = vec![0u8; bytes.len()];
            b.copy_to_host(&mut back).unwrap();
            assert!(back == bytes, "host round trip, {elem}-byte elements x {n}");
            let c = b.copy_to_device(0).unwrap();
            let mut back = vec![0u8; bytes.len()];
            c.copy_to_host(&mut back).unwrap();
            assert!(back == bytes, "device copy, {elem}-byte elements x {n}");
        }
    }
}

#[test]
fn copies_across_devices() {
    if !gpu_or_skip() {
        return;
    }
    let n = device_count().unwrap();
    if n < 2 {
        modules_cuda::report_skip("one CUDA device, no cross-device copy to test");
        return;
    }
    let bytes = pseudo_random_bytes((40 << 20) + 3, 5);
    let a = CudaBuffer::from_host(0, &bytes).unwrap();
    let b = a.copy_to_device(1).unwrap();
    assert_eq!(b.ordinal(), 1);
    let mut back = vec![0u8; bytes.len()];
    b.copy_to_host(&mut back).unwrap();
    assert!(back == bytes);
}

#[test]
fn pinned_sources_upload_exactly() {
    if !gpu_or_skip() {
        return;
    }
    let mut p = PinnedBuffer::new(0, 10 << 20).unwrap();
    let bytes = pseudo_random_bytes(10 << 20, 9);
    p.as_mut_slice().unwrap().copy_from_slice(&bytes);
    let mut d = CudaBuffer::uninit(0, 10 << 20).unwrap();
    d.copy_from_pinned(&p).unwrap();
    let mut back = vec![0u8; bytes.len()];
    d.copy_to_host(&mut back).unwrap();
    assert!(back == bytes);
}

#[test]
fn out_of_memory_is_an_error_and_the_device_recovers() {
    if !gpu_or_skip() {
        return;
    }
    let free = modules_cuda::context(0).unwrap().mem_info().unwrap().0;
    let ask = free + (1 << 30);
    match CudaBuffer::uninit(0, ask) {
        Err(CudaError::OutOfMemory { requested, free }) => {
            println!("OOM as expected: requested {requested}, free {free}");
            assert_eq!(requested, ask);
        }
        Err(e) => panic!("expected OutOfMemory, got {e}"),
        Ok(_) => panic!("allocating {ask} bytes with {free} free succeeded"),
    }
    let mut b = CudaBuffer::uninit(0, 1 << 20).unwrap();
    b.fill_pattern(&[0xab, 0xcd]).unwrap();
    let mut back = vec![0u8; 1 << 20];
    b.copy_to_host(&mut back).unwrap();
    assert!(back.chunks(2).all(|c| c == [0xab, 0xcd]));
}

#[test]
fn pattern_fills_are_exact_for_every_length() {
    if !gpu_or_skip() {
        return;
    }
    for plen in [1usize, 2, 3, 4, 5, 8, 12, 16, 24] {
        let pattern: Vec<u8> = (0..plen as u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(1))
            .collect();
        for count in [1usize, 7, 1000, 100_003] {
            let mut b = CudaBuffer::uninit(0, plen * count).unwrap();
            b.fill_pattern(&pattern).unwrap();
            let mut back = vec![0u8; plen * count];
            b.copy_to_host(&mut back).unwrap();
            assert!(
                back.chunks(plen).all(|c| c == pattern),
                "pattern {plen} x {count}"
            );
        }
    }
}

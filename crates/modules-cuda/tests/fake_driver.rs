//! Error paths against a fake `libcuda.so.1` (tests/fake/fakecuda.c): no device, a stub
//! driver, out of memory and recovery, a bad ordinal, kernels the driver cannot load, and the
//! chunking of staged copies. The fake's "device memory" is host memory, so passing here says
//! nothing about real GPUs -- it shows that failures come back as errors, not panics.
//!
//! The loader reads `LD_LIBRARY_PATH` at process start, so each scenario re-runs this test
//! binary in a child process (`FAKE_SCENARIO` selects it) with the fake on the path.

use std::path::{Path, PathBuf};
use std::process::Command;

use modules_cuda::{CudaBuffer, CudaError, FloatKind, PinnedBuffer, RandomFill};

/// Compiles the fake driver into a fresh temp dir, or says why it can't.
fn build_fake(tag: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("modules-cuda-fake-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake/fakecuda.c");
    let out = Command::new("cc")
        .args(["-O2", "-shared", "-fPIC", "-o"])
        .arg(dir.join("libcuda.so.1"))
        .arg(&src)
        .output()
        .map_err(|e| format!("no C compiler (cc): {e}"))?;
    if !out.status.success() {
        return Err(format!("cc failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(dir)
}

/// Runs `scenario` in a child with the fake driver; returns its stdout.
fn run_child(scenario: &str, env: &[(&str, &str)]) -> Option<String> {
    if std::env::var_os("FAKE_SCENARIO").is_some() {
        return None; // already a child: the dispatcher test does the work
    }
    let dir = match build_fake(scenario) {
        Ok(d) => d,
        Err(why) => {
            println!("skipped: {why}");
            return None;
        }
    };
    let mut cmd = Command::new(std::env::current_exe().expect("test binary path"));
    cmd.args(["child_dispatch", "--exact", "--nocapture", "--test-threads=1"])
        .env("FAKE_SCENARIO", scenario)
        .env("LD_LIBRARY_PATH", &dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("re-running the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "scenario {scenario} failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(&format!("scenario {scenario} ok")),
        "{stdout}\n{stderr}"
    );
    Some(stdout)
}

/// The child side: runs the scenario named by `FAKE_SCENARIO` (a no-op in the parent).
#[test]
fn child_dispatch() {
    let Ok(scenario) = std::env::var("FAKE_SCENARIO") else {
        return;
    };
    match scenario.as_str() {
        "nodev" | "stub" => {
            let e = CudaBuffer::uninit(0, 16).err().expect("no usable device");
            let CudaError::Unavailable(why) = &e else {
                panic!("{e:?}")
            };
            let expected = if scenario == "nodev" {
                "no CUDA-capable device"
            } else {
                "stub"
            };
            assert!(why.contains(expected), "{why}");
            assert!(matches!(
                modules_cuda::device_count(),
                Err(CudaError::Unavailable(_))
            ));
            assert!(matches!(PinnedBuffer::new(0, 8), Err(CudaError::Unavailable(_))));
        }
        "oom" => {
            // Capacity 64 MiB: ask for more, get OutOfMemory with the numbers, then recover.
            let e = CudaBuffer::uninit(0, 100 << 20).err().expect("over capacity");
            assert_eq!(
                e,
                CudaError::OutOfMemory {
                    requested: 100 << 20,
                    free: 64 << 20
                }
            );
            let b = CudaBuffer::from_host(0, &[1, 2, 3, 4]).expect("small alloc after OOM");
            let mut back = [0u8; 4];
            b.copy_to_host(&mut back).unwrap();
            assert_eq!(back, [1, 2, 3, 4]);
        }
        "ordinal" => {
            let e = CudaBuffer::uninit(1, 16).err().expect("one device only");
            assert!(
                matches!(&e, CudaError::Unavailable(m) if m.contains("ordinal 1")),
                "{e}"
            );
        }
        "kernels" => {
            // The fake has no cuModuleLoadData: cudarc panics inside; we must return errors.
            let mut b = CudaBuffer::uninit(0, 64).unwrap();
            let e = b.fill_random(FloatKind::F32, 1, 0, RandomFill::Uniform { low: 0.0, high: 1.0 });
            assert!(matches!(e, Err(CudaError::Driver(_))), "{e:?}");
            // The failure is remembered, not retried into another panic.
            let e = b.fill_pattern(&[1, 2, 3, 4]);
            assert!(matches!(e, Err(CudaError::Driver(_))), "{e:?}");
            // Zero patterns are a memset, no kernel needed.
            b.fill_pattern(&[0, 0]).unwrap();
            let mut back = [9u8; 64];
            b.copy_to_host(&mut back).unwrap();
            assert_eq!(back, [0u8; 64]);
            // Length checks come before cudarc's asserts.
            assert!(matches!(
                b.copy_to_host(&mut [0u8; 3]),
                Err(CudaError::InvalidArgument(_))
            ));
            assert!(matches!(
                b.copy_from_host(&[0u8; 65]),
                Err(CudaError::InvalidArgument(_))
            ));
            assert!(matches!(
                b.fill_pattern(&[1, 2, 3]),
                Err(CudaError::InvalidArgument(_))
            ));
        }
        "staging" => {
            // Several 32 MiB chunks plus an odd tail through the double-buffered paths.
            let n = (3 << 25) + (5 << 20) + 7;
            let src: Vec<u8> = (0..n).map(|i| (i * 7 + i / 4099) as u8).collect();
            let b = CudaBuffer::from_host(0, &src).unwrap();
            let mut back = vec![0u8; n];
            b.copy_to_host(&mut back).unwrap();
            assert!(back == src, "staged round trip differs");
            let c = b.copy_to_device(0).unwrap();
            let mut back2 = vec![0u8; n];
            c.copy_to_host(&mut back2).unwrap();
            assert!(back2 == src, "device copy differs");
        }
        other => panic!("unknown scenario {other}"),
    }
    println!("scenario {scenario} ok");
}

#[test]
fn no_device_is_unavailable() {
    run_child("nodev", &[("FAKE_CUDA_MODE", "nodev")]);
}

#[test]
fn stub_driver_is_unavailable() {
    run_child("stub", &[("FAKE_CUDA_MODE", "stub")]);
}

#[test]
fn out_of_memory_is_reported_and_the_device_stays_usable() {
    run_child("oom", &[("FAKE_CUDA_TOTAL", "67108864")]);
}

#[test]
fn bad_ordinal_is_unavailable() {
    run_child("ordinal", &[]);
}

#[test]
fn missing_kernel_support_is_an_error_not_a_panic() {
    run_child("kernels", &[]);
}

#[test]
fn staged_copies_keep_every_byte_in_order() {
    run_child("staging", &[("FAKE_CUDA_TOTAL", "1073741824")]);
}

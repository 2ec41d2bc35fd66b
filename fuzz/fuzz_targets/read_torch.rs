#![no_main]
//! Coverage-guided fuzzing of the `torch.save` reader (zip container + restricted pickle):
//! any bytes must give `Ok` or `Err`, never a panic, and every range it hands out must be in
//! bounds. `cargo +nightly fuzz run read_torch fuzz/corpus-torch crates/modules-torch/tests/fixtures -- -runs=1000000`

use libfuzzer_sys::fuzz_target;

// Any bytes: `read` must return, Ok or Err, without panicking or running away.
fuzz_target!(|data: &[u8]| {
    if let Ok(file) = modules_torch::read(data) {
        // Everything `read` hands out must be usable without further checks.
        for t in &file.tensors {
            let storage = &file.storages[t.storage];
            assert!(storage.file_offset + storage.len_bytes <= data.len() as u64);
            if let Some(bytes) = file.tensor_bytes(data, t) {
                assert_eq!(
                    bytes.len() as u64,
                    t.numel().unwrap() as u64 * t.dtype.size() as u64
                );
            }
        }
    }
});

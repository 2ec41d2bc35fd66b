//! Coverage-guided fuzzing of the checkpoint loader: any bytes, loaded into a real module
//! (a Linear and a BatchNorm, f32 and i64 tensors). A load either succeeds or returns an
//! `Error` with the module unchanged; a panic or a half-written module is a crash.
//!
//! `cargo +nightly fuzz run load_safetensors fuzz/corpus fuzz/seeds -- -runs=1000000`
//! (`fuzz/seeds/target.safetensors` is this module written by PyTorch 2.15).
#![no_main]

use libfuzzer_sys::fuzz_target;
use modules::prelude::*;

#[path = "common.rs"]
mod common;
use common::{bytes_of, Target};

fuzz_target!(|data: &[u8]| {
    let mut m = new!(Target).unwrap();
    let before = bytes_of(&m);
    let strict = data.first().is_some_and(|b| b & 1 == 0);
    let opts = if strict {
        LoadOptions::strict()
    } else {
        LoadOptions::non_strict().cast_floats().strip_prefix("lin.")
    };
    if m.load_safetensors_bytes(data, "fuzz", opts).is_err() {
        assert!(bytes_of(&m) == before, "a failed load changed the module");
    }
});

//! Coverage-guided fuzzing of the index reader: any bytes as `model.safetensors.index.json`,
//! beside two real shards and one file outside the index's folder, loaded into a real module.
//! A load either succeeds from the shards or returns an `Error` with the module unchanged; a
//! panic, a half-written module or a file opened outside the folder is a crash.
//!
//! `cargo +nightly fuzz run load_index fuzz/corpus-index fuzz/seeds-index -- -runs=1000000`
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use modules::prelude::*;

#[path = "common.rs"]
mod common;
use common::{bytes_of, Target};

/// `root/outside.safetensors` (a valid checkpoint of a *different* value) and
/// `root/model/` with the sharded save of `Target`; returns the folder.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("fuzz-index-{}", std::process::id()));
        let dir = root.join("model");
        std::fs::create_dir_all(&dir).unwrap();
        let mut outside = new!(Target).unwrap();
        outside.lin.weight.tensor_mut().fill(1234.0).unwrap();
        outside.save_safetensors(root.join("outside.safetensors")).unwrap();
        new!(Target).unwrap().save_safetensors_sharded(&dir, 64).unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    let index = dir.join(format!("fuzz-{}.index.json", std::thread::current().name().unwrap_or("0")));
    std::fs::write(&index, data).unwrap();
    let mut m = new!(Target).unwrap();
    let before = bytes_of(&m);
    match m.load_safetensors(&index, LoadOptions::non_strict()) {
        Ok(_) => {
            let w = m.lin.weight.tensor().to_vec::<f32>().unwrap();
            assert!(!w.contains(&1234.0), "a tensor came from outside the index's folder");
        }
        Err(_) => assert!(bytes_of(&m) == before, "a failed load changed the module"),
    }
});

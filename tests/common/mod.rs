//! A small 3-level model shared by the integration tests, and checkpoint helpers.
#![allow(dead_code)]

use modules::prelude::*;

/// `m` saved as safetensors file `name` in a fresh temporary folder; the folder lives as long
/// as the returned guard.
pub fn saved(m: &(impl Module + ?Sized), name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    m.save_safetensors(&path).unwrap();
    (dir, path)
}

pub mod builders;
pub mod stats;
pub mod values;

#[derive(Module)]
#[module(new(dim: usize))]
pub struct Attention {
    #[module(new(dim, dim))]
    pub q: Linear,
    #[module(new(dim, dim, bias = false))]
    pub k: Linear,
    #[module(buffer = [dim], init = init::zeros(), persistent = false)]
    pub cache: Buffer,
}

#[derive(Module)]
#[module(new(dim: usize))]
pub struct Block {
    #[module(new(dim))]
    pub attn: Attention,
    #[module(new(vec![dim]))]
    pub norm: LayerNorm,
    #[module(buffer = [], init = init::zeros(), dtype = I64)]
    pub steps: Buffer,
}

#[derive(Module)]
#[module(new(vocab: usize, dim: usize, n_layers: usize = 2))]
pub struct Model {
    #[module(new(vocab, dim))]
    pub embed: Embedding,
    #[module(new(dim), repeat = n_layers)]
    pub layers: Vec<Block>,
    #[module(param = [dim], init = init::ones())]
    pub scale: Parameter,
    #[module(new(dim, vocab, bias = false))]
    pub head: Linear,
}

pub fn names<T>(v: Vec<(String, T)>) -> Vec<String> {
    v.into_iter().map(|(n, _)| n).collect()
}

/// Every state-dict tensor's bytes (copied to the host), by name, in state-dict order.
pub fn tensor_bytes(m: &dyn Module) -> Vec<(String, Vec<u8>)> {
    m.state_dict()
        .iter()
        .map(|(k, t)| {
            (
                k.to_string(),
                t.tensor().to(Cpu).unwrap().as_bytes().unwrap().to_vec(),
            )
        })
        .collect()
}

/// A safetensors file by hand: the header text as given, padded to 8 bytes, then `data`.
pub fn write_raw(path: &std::path::Path, header: &str, data: &[u8]) {
    let mut h = header.as_bytes().to_vec();
    h.resize(h.len().next_multiple_of(8), b' ');
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend(h);
    out.extend(data);
    std::fs::write(path, out).unwrap();
}

/// A safetensors file written by PyTorch 2.15 (`tests/fixtures/torch_small/`).
pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/torch_small/{name}.safetensors"))
}

/// Bytes this process has read through system calls (`rchar` of `/proc/self/io`; 0 elsewhere).
pub fn read_chars() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("rchar: ").and_then(|v| v.trim().parse().ok()))
        })
        .unwrap_or(0)
}

/// The message of a call that must fail, checked to name every one of `expected` (a tensor, a
/// file, the rule broken); returned for further checks.
pub fn assert_error_names<T>(result: modules::Result<T>, expected: &[&str]) -> String {
    let e = match result {
        Ok(_) => panic!("the call succeeded; expected an error naming {expected:?}"),
        Err(e) => e.to_string(),
    };
    for part in expected {
        assert!(e.contains(part), "expected {part:?} in: {e}");
    }
    e
}

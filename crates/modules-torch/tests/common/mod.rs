//! Shared helpers: fixtures written by `make_fixtures.py` and their expected values.
#![allow(dead_code)]

use std::path::PathBuf;

use modules_torch::{TorchFile, TorchTensor};
use serde_json::Value;

pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}; run tests/make_fixtures.py"))
}

pub fn expected() -> Value {
    serde_json::from_slice(&fixture("expected.json")).unwrap()
}

/// Every fixture file except the JSON, for the robustness tests.
pub fn all_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<String> = std::fs::read_dir(path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".pt"))
        .collect();
    names.sort();
    names.into_iter().map(|n| (n.clone(), fixture(&n))).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The tensor's elements in row-major order, gathered through its strides (f32 or f64).
pub fn strided_values(file: &TorchFile, bytes: &[u8], t: &TorchTensor) -> Vec<f64> {
    let storage = &file.storages[t.storage];
    let item = t.dtype.size();
    let mut out = Vec::new();
    let mut index = vec![0usize; t.shape.len()];
    for _ in 0..t.numel().unwrap() {
        let elem = t.storage_offset + index.iter().zip(&t.strides).map(|(i, s)| i * s).sum::<usize>();
        let at = storage.file_offset as usize + elem * item;
        let raw = &bytes[at..at + item];
        out.push(match item {
            4 => f32::from_le_bytes(raw.try_into().unwrap()) as f64,
            8 => f64::from_le_bytes(raw.try_into().unwrap()),
            _ => panic!("strided_values reads f32 or f64 only"),
        });
        for d in (0..index.len()).rev() {
            index[d] += 1;
            if index[d] < t.shape[d] {
                break;
            }
            index[d] = 0;
        }
    }
    out
}

/// Reads `file_name` and checks every tensor against the expectations recorded under `key`.
pub fn check_against_expected(file_name: &str, key: &str) -> TorchFile {
    let bytes = fixture(file_name);
    let file = modules_torch::read(&bytes).unwrap_or_else(|e| panic!("{file_name}: {e}"));
    let expected = expected();
    let want = expected["files"][key]
        .as_array()
        .unwrap_or_else(|| panic!("no expectations for {key}"));
    let names: Vec<&str> = file.tensors.iter().map(|t| t.name.as_str()).collect();
    let want_names: Vec<&str> = want.iter().map(|w| w["name"].as_str().unwrap()).collect();
    assert_eq!(names, want_names, "{file_name}: tensor names");
    for (t, w) in file.tensors.iter().zip(want) {
        let ctx = format!("{file_name}: {}", t.name);
        let usizes = |v: &Value| -> Vec<usize> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as usize)
                .collect()
        };
        assert_eq!(t.dtype.torch_name(), w["dtype"].as_str().unwrap(), "{ctx}: dtype");
        assert_eq!(t.shape, usizes(&w["shape"]), "{ctx}: shape");
        assert_eq!(t.strides, usizes(&w["strides"]), "{ctx}: strides");
        assert_eq!(
            t.storage_offset as u64,
            w["offset"].as_u64().unwrap(),
            "{ctx}: offset"
        );
        assert_eq!(
            t.storage as u64,
            w["storage_index"].as_u64().unwrap(),
            "{ctx}: storage index"
        );
        let storage = &file.storages[t.storage];
        assert_eq!(storage.dtype, t.dtype, "{ctx}: storage dtype");
        let start = storage.file_offset as usize;
        let stored = &bytes[start..start + storage.len_bytes as usize];
        assert_eq!(
            hex(stored),
            w["storage_hex"].as_str().unwrap(),
            "{ctx}: storage bytes"
        );
        if let Some(values) = w.get("values") {
            let values: Vec<f64> = values
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            assert_eq!(strided_values(&file, &bytes, t), values, "{ctx}: values");
        }
    }
    file
}

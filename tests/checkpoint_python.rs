//! Files we write load in Python's `safetensors` + `torch`, with the same dtypes, shapes and
//! bytes. Needs a Python with torch and safetensors: `MODULES_PYTHON=/path/to/python`, or a
//! `python3` that has them; otherwise the test prints why it skipped.

#[path = "../examples/models/llama.rs"]
mod llama;

use std::process::Command;

use llama::{Llama, LlamaConfig};
use modules::prelude::*;

const READ_BACK: &str = r#"
import json, sys
import torch
from safetensors.torch import load_file
from safetensors import safe_open
sd = load_file(sys.argv[1])
with safe_open(sys.argv[1], framework="pt") as f:
    meta = f.metadata()
out = {k: [str(t.dtype), list(t.shape), t.contiguous().view(torch.uint8).numpy().tobytes().hex()] for k, t in sd.items()}
print(json.dumps({"metadata": meta, "tensors": out}))
"#;

fn python() -> Option<String> {
    let exe = std::env::var("MODULES_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&exe)
        .args(["-c", "import torch, safetensors"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then_some(exe)
}

#[test]
fn files_we_write_load_in_python_safetensors_and_torch() {
    let Some(py) = python() else {
        modules_cuda::report_skip("no Python with torch and safetensors (set MODULES_PYTHON to one)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut m = modules::new!(Llama, LlamaConfig::tiny(), dtype = BF16).unwrap();
    m.lm_head.weight = m.model.embed_tokens.weight.clone();
    let path = dir.path().join("llama.safetensors");
    m.save_safetensors(&path).unwrap();
    let out = Command::new(&py)
        .args(["-c", READ_BACK])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["metadata"]["format"], "pt");
    let tensors = v["tensors"].as_object().unwrap();
    let sd = m.state_dict();
    assert_eq!(tensors.len(), sd.len() - 1, "the tie is stored once");
    assert!(!tensors.contains_key("lm_head.weight"));
    for (key, t) in sd.iter().filter(|(k, _)| *k != "lm_head.weight") {
        let t = t.tensor();
        let got = &tensors[key];
        assert_eq!(got[0], t.dtype().torch_name(), "{key}");
        assert_eq!(got[1], serde_json::json!(t.shape()), "{key}");
        let hex: String = t.as_bytes().unwrap().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got[2], hex, "{key}");
    }
}

//! Fixtures written by PyTorch 2.15 (`tests/fixtures/torch_small/*.json`): our module built
//! with `skip_init!(..., device = Meta)` has the same state-dict keys in the same order,
//! shapes, dtypes, parameter and buffer names, and prints byte for byte like `print(module)`.

use modules::prelude::*;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/torch_small/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn torch_dtype(d: DType) -> &'static str {
    match d {
        F32 => "torch.float32",
        F64 => "torch.float64",
        F16 => "torch.float16",
        BF16 => "torch.bfloat16",
        I64 => "torch.int64",
        _ => "other",
    }
}

fn check(name: &str, m: &dyn Module, display: String) {
    let fx = fixture(name);
    assert_eq!(display, fx["print_module"].as_str().unwrap(), "{name}: repr");
    let sd = m.state_dict();
    let keys: Vec<String> = sd.keys().map(str::to_string).collect();
    assert_eq!(keys, strings(&fx["state_dict_keys"]), "{name}: state_dict keys");
    let params: Vec<String> = m.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        params,
        strings(&fx["named_parameters"]),
        "{name}: named_parameters"
    );
    let buffers: Vec<String> = m.named_buffers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(buffers, strings(&fx["named_buffers"]), "{name}: named_buffers");
    for t in fx["tensors"].as_array().unwrap() {
        let key = t["key"].as_str().unwrap();
        let ours = sd.get(key).unwrap_or_else(|| panic!("{name}: no {key}"));
        let shape: Vec<usize> = t["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(ours.shape(), shape, "{name}: {key} shape");
        assert_eq!(
            torch_dtype(ours.dtype()),
            t["dtype"].as_str().unwrap(),
            "{name}: {key} dtype"
        );
        assert_eq!(ours.device(), Meta);
        let is_param = m.named_parameters().iter().any(|(n, _)| n == key);
        assert_eq!(is_param, t["kind"] == "parameter", "{name}: {key} kind");
        if is_param {
            let p = m
                .named_parameters()
                .into_iter()
                .find(|(n, _)| n == key)
                .unwrap()
                .1;
            assert_eq!(p.requires_grad(), t["requires_grad"].as_bool().unwrap());
        }
    }
}

#[test]
fn mha_16_4() {
    let m = skip_init!(MultiheadAttention, 16, 4, device = Meta).unwrap();
    check("mha_16_4", &m, m.to_string());
}

#[test]
fn lstm_8_16_l2() {
    let m = skip_init!(Lstm, 8, 16, num_layers = 2, device = Meta).unwrap();
    check("lstm_8_16_l2", &m, m.to_string());
}

#[test]
fn mlp_seq() {
    let m = skip_init!(
        Sequential,
        vec![
            modules::layer!(Linear, 16, 32),
            modules::layer!(Relu),
            modules::layer!(Linear, 32, 4)
        ],
        device = Meta
    )
    .unwrap();
    check("mlp_seq", &m, m.to_string());
}

/// The fixtures' `expected_init` bounds hold for our default init (cpu, f32).
#[test]
fn fixture_bounds_hold_for_new() {
    let mha = MultiheadAttention::new(16, 4, Cpu).unwrap();
    let lstm = modules::new!(Lstm, 8, 16, num_layers = 2).unwrap();
    let seq = modules::new!(
        Sequential,
        vec![
            modules::layer!(Linear, 16, 32),
            modules::layer!(Relu),
            modules::layer!(Linear, 32, 4)
        ]
    )
    .unwrap();
    for (name, m) in [
        ("mha_16_4", &mha as &dyn Module),
        ("lstm_8_16_l2", &lstm),
        ("mlp_seq", &seq),
    ] {
        let fx = fixture(name);
        let sd = m.state_dict();
        for t in fx["tensors"].as_array().unwrap() {
            let key = t["key"].as_str().unwrap();
            let values = sd.get(key).unwrap().tensor().to_f64_vec().unwrap();
            let init = &t["expected_init"];
            match init["dist"].as_str().unwrap() {
                "uniform" => {
                    let (lo, hi) = (init["low"].as_f64().unwrap(), init["high"].as_f64().unwrap());
                    // f32 rounding of the bound itself
                    let tol = hi.abs() * 1e-6;
                    assert!(
                        values.iter().all(|&x| x >= lo - tol && x <= hi + tol),
                        "{name}: {key} outside [{lo}, {hi}]"
                    );
                    assert!(values.iter().any(|&x| x != 0.0), "{name}: {key} not initialized");
                }
                "constant" => {
                    let c = init["value"].as_f64().unwrap();
                    assert!(values.iter().all(|&x| x == c), "{name}: {key} != {c}");
                }
                d => panic!("{name}: {key}: unexpected dist {d}"),
            }
        }
    }
}

//! Parity with state dicts and reprs written by PyTorch 2.15 (`tests/fixtures/torch_small/`,
//! copied from the shared fixtures; `scripts/make_fixtures.py` wrote them): the same state-dict
//! keys in the same order, shapes, dtypes, parameter/buffer split and `requires_grad`,
//! `print(module)` byte for byte, and the safetensors header of each file; default-init values
//! within PyTorch's bounds.

use common::names;
use modules::prelude::*;
use serde_json::Value;

mod common;

/// A fixture's JSON (`<name>.json`): what PyTorch reported for the module.
fn fixture(name: &str) -> Value {
    let path = common::fixture(name).with_extension("json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A safetensors file by hand: 8-byte little-endian header length, the JSON header, the data.
struct SafeTensors {
    header: serde_json::Map<String, Value>,
    data: Vec<u8>,
}

impl SafeTensors {
    fn read(name: &str) -> SafeTensors {
        let bytes = std::fs::read(common::fixture(name)).unwrap();
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let mut header: serde_json::Map<String, Value> = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
        header.remove("__metadata__");
        SafeTensors {
            header,
            data: bytes[8 + n..].to_vec(),
        }
    }

    fn dtype(&self, key: &str) -> &str {
        self.header[key]["dtype"].as_str().unwrap()
    }

    fn shape(&self, key: &str) -> Vec<usize> {
        usizes(&self.header[key]["shape"])
    }

    fn f64s(&self, key: &str) -> Vec<f64> {
        let off = &self.header[key]["data_offsets"];
        let (a, b) = (
            off[0].as_u64().unwrap() as usize,
            off[1].as_u64().unwrap() as usize,
        );
        let bytes = &self.data[a..b];
        match self.dtype(key) {
            "F32" => bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().unwrap()) as f64)
                .collect(),
            "I64" => bytes
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes(c.try_into().unwrap()) as f64)
                .collect(),
            other => panic!("unexpected dtype {other}"),
        }
    }
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// Our dtype for the name PyTorch prints (`torch.float32`, ...).
fn torch_dtype(name: &str) -> DType {
    match name {
        "torch.float32" => F32,
        "torch.float64" => F64,
        "torch.float16" => F16,
        "torch.bfloat16" => BF16,
        "torch.int64" => I64,
        other => panic!("unexpected dtype {other}"),
    }
}

// ---------------------------------------------------------------- Linear, Conv2d, Embedding, LayerNorm, BatchNorm2d

/// Our counterpart of each fixture's constructor, built on `device`.
fn build(name: &str, device: Device) -> Box<dyn Module> {
    match name {
        "linear_5_1" => Box::new(skip_init!(Linear, 5, 1, device = device).unwrap()),
        "linear_64_32_nobias" => Box::new(skip_init!(Linear, 64, 32, bias = false, device = device).unwrap()),
        "conv2d_3_8_3" => Box::new(skip_init!(Conv2d, 3, 8, 3.into(), device = device).unwrap()),
        "embedding_100_16_pad0" => {
            Box::new(skip_init!(Embedding, 100, 16, padding_idx = Some(0), device = device).unwrap())
        }
        "layernorm_16" => Box::new(skip_init!(LayerNorm, vec![16], device = device).unwrap()),
        "batchnorm2d_8" => Box::new(skip_init!(BatchNorm2d, 8, device = device).unwrap()),
        other => panic!("no constructor for {other}"),
    }
}

/// The same, initialized (`new`).
fn build_initialized(name: &str) -> Box<dyn Module> {
    match name {
        "linear_5_1" => Box::new(Linear::new(5, 1, Cpu).unwrap()),
        "linear_64_32_nobias" => Box::new(modules::new!(Linear, 64, 32, bias = false).unwrap()),
        "conv2d_3_8_3" => Box::new(Conv2d::new(3, 8, 3, Cpu).unwrap()),
        "embedding_100_16_pad0" => {
            Box::new(modules::new!(Embedding, 100, 16, padding_idx = Some(0)).unwrap())
        }
        "layernorm_16" => Box::new(LayerNorm::new(vec![16], Cpu).unwrap()),
        "batchnorm2d_8" => Box::new(BatchNorm2d::new(8, Cpu).unwrap()),
        other => panic!("no constructor for {other}"),
    }
}

const FIXTURES: [&str; 6] = [
    "linear_5_1",
    "linear_64_32_nobias",
    "conv2d_3_8_3",
    "embedding_100_16_pad0",
    "layernorm_16",
    "batchnorm2d_8",
];

#[test]
fn fixtures_are_pytorch_2_15() {
    for name in FIXTURES {
        let f = fixture(name);
        assert!(
            f["torch_version"].as_str().unwrap().starts_with("2.15."),
            "{name}"
        );
    }
}

#[test]
fn state_dict_keys_shapes_dtypes_match_pytorch() {
    for name in FIXTURES {
        let f = fixture(name);
        for device in [Meta, Cpu] {
            let m = build(name, device);
            let sd = m.state_dict();
            let keys: Vec<String> = sd.keys().map(String::from).collect();
            assert_eq!(keys, strings(&f["state_dict_keys"]), "{name}");
            let params = m.named_parameters();
            let buffers = m.named_buffers();
            let param_names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
            let buffer_names: Vec<&str> = buffers.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(param_names, strings(&f["named_parameters"]), "{name}");
            assert_eq!(buffer_names, strings(&f["named_buffers"]), "{name}");
            for t in f["tensors"].as_array().unwrap() {
                let key = t["key"].as_str().unwrap();
                let ours = sd.get(key).unwrap();
                assert_eq!(ours.shape(), usizes(&t["shape"]), "{name}.{key}");
                assert_eq!(
                    ours.dtype(),
                    torch_dtype(t["dtype"].as_str().unwrap()),
                    "{name}.{key}"
                );
                assert_eq!(ours.device(), device, "{name}.{key}");
                match t["kind"].as_str().unwrap() {
                    "parameter" => {
                        let p = params.iter().find(|(n, _)| n == key).unwrap().1;
                        assert_eq!(p.requires_grad(), t["requires_grad"].as_bool().unwrap());
                    }
                    "buffer" => assert!(buffer_names.contains(&key), "{name}.{key}"),
                    other => panic!("{other}"),
                }
            }
        }
    }
}

#[test]
fn display_equals_print_module() {
    for name in FIXTURES {
        let f = fixture(name);
        let m = build(name, Meta);
        assert_eq!(
            modules::module_repr(&*m),
            f["print_module"].as_str().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn safetensors_headers_list_our_names_shapes_dtypes() {
    for name in FIXTURES {
        let st = SafeTensors::read(name);
        let m = build(name, Meta);
        let sd = m.state_dict();
        let mut theirs: Vec<&String> = st.header.keys().collect();
        let mut ours: Vec<&str> = sd.keys().collect();
        theirs.sort();
        ours.sort();
        assert_eq!(theirs, ours, "{name}");
        for (key, t) in sd.iter() {
            assert_eq!(st.shape(key), t.shape(), "{name}.{key}");
            assert_eq!(st.dtype(key), t.dtype().safetensors_name(), "{name}.{key}");
        }
    }
}

#[test]
fn default_init_matches_pytorch_rules() {
    for name in FIXTURES {
        let f = fixture(name);
        let st = SafeTensors::read(name);
        let m = build_initialized(name);
        let sd = m.state_dict();
        for t in f["tensors"].as_array().unwrap() {
            let key = t["key"].as_str().unwrap();
            let ours = sd.get(key).unwrap().tensor().to_f64_vec().unwrap();
            let theirs = st.f64s(key);
            assert_eq!(ours.len(), theirs.len(), "{name}.{key}");
            let init = &t["expected_init"];
            match init["dist"].as_str().unwrap() {
                // Constants: ours equals PyTorch's, value for value.
                "constant" => {
                    assert_eq!(ours, theirs, "{name}.{key}");
                    let v = init["value"].as_f64().unwrap();
                    assert!(ours.iter().all(|&x| x == v), "{name}.{key}");
                }
                // Random: both within PyTorch's bounds (the values themselves differ by design).
                "uniform" => {
                    let (lo, hi) = (init["low"].as_f64().unwrap(), init["high"].as_f64().unwrap());
                    let inside = |x: &f64| (lo as f32 as f64) <= *x && *x <= (hi as f32 as f64);
                    assert!(ours.iter().all(inside), "{name}.{key}");
                    assert!(theirs.iter().all(inside), "{name}.{key}");
                }
                "normal" => {
                    // The padding row is zero in both.
                    if let Some(p) = m.extra_repr().split("padding_idx=").nth(1) {
                        let p: usize = p.parse().unwrap();
                        let d = t["shape"][1].as_u64().unwrap() as usize;
                        assert!(ours[p * d..(p + 1) * d].iter().all(|&x| x == 0.0));
                        assert!(theirs[p * d..(p + 1) * d].iter().all(|&x| x == 0.0));
                    }
                }
                other => panic!("{name}.{key}: unexpected init {other}"),
            }
        }
    }
}

// ---------------------------------------------------------------- MultiheadAttention, LSTM, Sequential

/// `m` (built on meta) against fixture `name`: `display` is the repr, then the state-dict keys,
/// parameter and buffer names, and each tensor's shape, dtype, device, kind and `requires_grad`.
fn check(name: &str, m: &dyn Module, display: String) {
    let fx = fixture(name);
    assert_eq!(display, fx["print_module"].as_str().unwrap(), "{name}: repr");
    let sd = m.state_dict();
    let keys: Vec<String> = sd.keys().map(str::to_string).collect();
    assert_eq!(keys, strings(&fx["state_dict_keys"]), "{name}: state_dict keys");
    assert_eq!(
        names(m.named_parameters()),
        strings(&fx["named_parameters"]),
        "{name}: named_parameters"
    );
    assert_eq!(
        names(m.named_buffers()),
        strings(&fx["named_buffers"]),
        "{name}: named_buffers"
    );
    for t in fx["tensors"].as_array().unwrap() {
        let key = t["key"].as_str().unwrap();
        let ours = sd.get(key).unwrap_or_else(|| panic!("{name}: no {key}"));
        assert_eq!(ours.shape(), usizes(&t["shape"]), "{name}: {key} shape");
        assert_eq!(
            ours.dtype(),
            torch_dtype(t["dtype"].as_str().unwrap()),
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
fn mha_16_4_matches_pytorch() {
    let m = skip_init!(MultiheadAttention, 16, 4, device = Meta).unwrap();
    check("mha_16_4", &m, m.to_string());
}

#[test]
fn lstm_8_16_l2_matches_pytorch() {
    let m = skip_init!(Lstm, 8, 16, num_layers = 2, device = Meta).unwrap();
    check("lstm_8_16_l2", &m, m.to_string());
}

#[test]
fn mlp_seq_matches_pytorch() {
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

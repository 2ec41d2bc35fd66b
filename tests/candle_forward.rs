//! Zoo forwards through candle (feature `candle`) against outputs PyTorch 2.15 wrote
//! (`scripts/make_forward_fixtures.py`, `tests/fixtures/forward/`): each module loads its state
//! dict strictly, becomes a candle-nn module, and its output on the same input matches
//! PyTorch's within 1e-5 relative.
#![cfg(feature = "candle")]

use std::path::PathBuf;

use candle_core::{Device as CDevice, Module as _};
use modules::candle::{from_candle, ToCandle, ToCandleModule};
use modules::prelude::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/forward/{name}.safetensors"))
}

/// PyTorch's input and output in `name`'s fixture, as modules tensors.
fn io(name: &str, x_dtype: DType) -> (Tensor, Vec<f32>) {
    #[derive(Module)]
    #[module(new(x: Vec<usize>, y: Vec<usize>, x_dtype: DType))]
    struct Io {
        #[module(buffer = x, init = init::zeros(), dtype = x_dtype)]
        x: Buffer,
        #[module(buffer = y, init = init::zeros())]
        y: Buffer,
    }
    let bytes = std::fs::read(fixture(name)).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let (xs, ys) = (
        st.tensor("x").unwrap().shape().to_vec(),
        st.tensor("y").unwrap().shape().to_vec(),
    );
    let mut m = modules::new!(Io, xs, ys, x_dtype).unwrap();
    m.load(fixture(name), LoadOptions::non_strict()).unwrap();
    let x = m.x.tensor().to(Cpu).unwrap();
    let y = m.y.tensor().to_vec::<f32>().unwrap();
    (x, y)
}

fn check(name: &str, got: &candle_core::Tensor, want: &[f32]) {
    let got = from_candle(got, F32).unwrap().to_vec::<f32>().unwrap();
    assert_eq!(got.len(), want.len(), "{name}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-5 * w.abs().max(1.0),
            "{name}[{k}]: {g} vs PyTorch's {w}"
        );
    }
}

fn forward<M: ToCandleModule + Module>(name: &str, mut m: M, x_dtype: DType) {
    let r = m.load(fixture(name), LoadOptions::non_strict()).unwrap();
    let mut unexpected = r.unexpected.clone();
    unexpected.sort();
    assert!(r.missing.is_empty() && unexpected == ["x", "y"], "{name}: {r}");
    let (x, want) = io(name, x_dtype);
    let dev = CDevice::Cpu;
    let y = m
        .to_candle_module(&dev)
        .unwrap()
        .forward(&x.to_candle(&dev).unwrap())
        .unwrap();
    check(name, &y, &want);
}

#[test]
fn zoo_forwards_match_pytorch() {
    forward("linear", skip_init!(Linear, 5, 3).unwrap(), F32);
    forward(
        "linear_nobias",
        skip_init!(Linear, 6, 2, bias = false).unwrap(),
        F32,
    );
    forward(
        "embedding",
        skip_init!(Embedding, 10, 4, padding_idx = Some(0)).unwrap(),
        I64,
    );
    forward("layernorm", skip_init!(LayerNorm, vec![8]).unwrap(), F32);
    forward(
        "rmsnorm",
        skip_init!(RmsNorm, vec![8], eps = Some(1e-6)).unwrap(),
        F32,
    );
    forward("relu", skip_init!(Relu).unwrap(), F32);
    forward(
        "conv1d",
        skip_init!(Conv1d, 4, 6, 3, stride = 2, padding = 1).unwrap(),
        F32,
    );
    let same = Padding::Same;
    forward(
        "conv2d",
        skip_init!(Conv2d, 4, 6, 3, padding = same, dilation = 2, groups = 2).unwrap(),
        F32,
    );
    forward("batchnorm2d", skip_init!(BatchNorm2d, 5).unwrap(), F32);
    forward("groupnorm", skip_init!(GroupNorm, 2, 6).unwrap(), F32);
}

#[test]
fn what_candle_nn_cannot_compute_is_an_error() {
    let ln = skip_init!(LayerNorm, vec![2, 4]).unwrap();
    let e = ln.to_candle_module(&CDevice::Cpu).unwrap_err().to_string();
    assert!(e.contains("LayerNorm over 2 dimensions [2, 4]"), "{e}");
    let conv = skip_init!(Conv2d, 2, 2, [3, 5], stride = [1, 2]).unwrap();
    let e = conv.to_candle_module(&CDevice::Cpu).unwrap_err().to_string();
    assert!(e.contains("Conv2d with stride [1, 2]"), "{e}");
    let even = skip_init!(Conv1d, 2, 2, 4, padding = Padding::Same).unwrap();
    assert!(even
        .to_candle_module(&CDevice::Cpu)
        .unwrap_err()
        .to_string()
        .contains("even kernel"));
    let bn = skip_init!(BatchNorm2d, 3, track_running_stats = false).unwrap();
    assert!(bn
        .to_candle_module(&CDevice::Cpu)
        .unwrap_err()
        .to_string()
        .contains("track_running_stats"));
    let emb = skip_init!(Embedding, 10, 4, max_norm = Some(1.0)).unwrap();
    assert!(emb
        .to_candle_module(&CDevice::Cpu)
        .unwrap_err()
        .to_string()
        .contains("max_norm"));
}

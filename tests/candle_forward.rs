//! Zoo forwards through candle (feature `candle`) against outputs PyTorch 2.15 wrote
//! (`scripts/make_forward_fixtures.py`, `tests/fixtures/forward/`): each module loads its state
//! dict strictly, becomes a candle-nn module, and its output on the same input matches
//! PyTorch's within 1e-5 relative.
#![cfg(feature = "candle")]

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{Device as CDevice, Module as _};
use modules::candle::{from_candle, AttentionMasks, ToCandleModule};
use modules::nn::GeluApproximate;
use modules::prelude::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/forward/{name}.safetensors"))
}

/// The module's weights, loaded by `modules` from the fixture's state dict (the rest of the
/// file, PyTorch's inputs and outputs, is not the module's), and those inputs and outputs as
/// candle tensors.
fn load<M: Module>(name: &str, m: &mut M) -> HashMap<String, candle_core::Tensor> {
    let io = candle_core::safetensors::load(fixture(name), &CDevice::Cpu).unwrap();
    let r = m.load(fixture(name), LoadOptions::non_strict()).unwrap();
    const INPUTS_AND_OUTPUTS: [&str; 10] = [
        "x",
        "x1",
        "x2",
        "q",
        "k",
        "v",
        "attn_mask",
        "key_padding_mask",
        "y",
        "w",
    ];
    assert!(r.missing.is_empty(), "{name}: {r}");
    assert!(
        r.unexpected
            .iter()
            .all(|k| INPUTS_AND_OUTPUTS.contains(&k.as_str())),
        "{name}: {r}"
    );
    io
}

fn check(name: &str, got: &candle_core::Tensor, want: &candle_core::Tensor) {
    assert_eq!(got.dims(), want.dims(), "{name}");
    let got = from_candle(got, F32).unwrap().to_vec::<f32>().unwrap();
    let want = from_candle(want, F32).unwrap().to_vec::<f32>().unwrap();
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-5 * w.abs().max(1.0),
            "{name}[{k}]: {g} vs PyTorch's {w}"
        );
    }
}

/// A module of one input: `y = m(x)`.
fn forward<M>(name: &str, mut m: M)
where
    M: ToCandleModule + Module,
    M::Output: candle_core::Module,
{
    let io = load(name, &mut m);
    let y = m
        .to_candle_module(&CDevice::Cpu)
        .unwrap()
        .forward(&io["x"])
        .unwrap();
    check(name, &y, &io["y"]);
}

#[test]
fn zoo_forwards_match_pytorch() {
    forward("linear", skip_init!(Linear, 5, 3).unwrap());
    forward("linear_nobias", skip_init!(Linear, 6, 2, bias = false).unwrap());
    forward(
        "embedding",
        skip_init!(Embedding, 10, 4, padding_idx = Some(0)).unwrap(),
    );
    forward("layernorm", skip_init!(LayerNorm, vec![8]).unwrap());
    forward("rmsnorm", skip_init!(RmsNorm, vec![8], eps = Some(1e-6)).unwrap());
    forward("relu", skip_init!(Relu).unwrap());
    forward(
        "conv1d",
        skip_init!(Conv1d, 4, 6, 3, stride = 2, padding = 1).unwrap(),
    );
    let same = Padding::Same;
    forward(
        "conv2d",
        skip_init!(Conv2d, 4, 6, 3, padding = same, dilation = 2, groups = 2).unwrap(),
    );
    forward("batchnorm2d", skip_init!(BatchNorm2d, 5).unwrap());
    forward("groupnorm", skip_init!(GroupNorm, 2, 6).unwrap());
}

#[test]
fn parameter_free_forwards_match_pytorch() {
    forward("identity", skip_init!(Identity).unwrap());
    forward("dropout", skip_init!(Dropout, 0.3).unwrap());
    forward("gelu", skip_init!(Gelu).unwrap());
    let tanh = GeluApproximate::Tanh;
    forward("gelu_tanh", skip_init!(Gelu, approximate = tanh).unwrap());
    forward("silu", skip_init!(Silu).unwrap());
    forward("tanh", skip_init!(Tanh).unwrap());
    forward("sigmoid", skip_init!(Sigmoid).unwrap());
    forward("softmax", skip_init!(Softmax, dim = Some(1)).unwrap());
    forward("log_softmax", skip_init!(LogSoftmax, dim = Some(-1)).unwrap());
    forward("softmax_legacy", skip_init!(Softmax).unwrap());
}

#[test]
fn bilinear_matches_pytorch() {
    let mut m = skip_init!(Bilinear, 3, 4, 5).unwrap();
    let io = load("bilinear", &mut m);
    let y = m
        .to_candle_module(&CDevice::Cpu)
        .unwrap()
        .forward(&io["x1"], &io["x2"]);
    check("bilinear", &y.unwrap(), &io["y"]);
}

#[test]
fn attention_matches_pytorch_with_every_mask() {
    let cpu = &CDevice::Cpu;
    let self_attend = |m: &MultiheadAttention, x, masks| {
        let attn = m.to_candle_module(cpu).unwrap();
        attn.forward_masked(x, x, x, masks).unwrap()
    };
    // Sequence first, boolean causal and padding masks, weights averaged over heads.
    let mut m = skip_init!(MultiheadAttention, 8, 2).unwrap();
    let io = load("mha_self", &mut m);
    let masks = AttentionMasks {
        key_padding_mask: Some(&io["key_padding_mask"]),
        attn_mask: Some(&io["attn_mask"]),
        ..AttentionMasks::default()
    };
    let (y, w) = self_attend(&m, &io["x"], masks);
    check("mha_self y", &y, &io["y"]);
    check("mha_self w", &w.unwrap(), &io["w"]);

    // Batch first, kdim/vdim, bias_k/bias_v, a zero key, a float mask, weights per head.
    let mut m = skip_init!(
        MultiheadAttention,
        8,
        2,
        bias = false,
        add_bias_kv = true,
        add_zero_attn = true,
        kdim = Some(6),
        vdim = Some(4),
        batch_first = true
    )
    .unwrap();
    let io = load("mha_cross", &mut m);
    let masks = AttentionMasks {
        attn_mask: Some(&io["attn_mask"]),
        average_attn_weights: false,
        ..AttentionMasks::default()
    };
    let attn = m.to_candle_module(cpu).unwrap();
    let (y, w) = attn.forward_masked(&io["q"], &io["k"], &io["v"], masks).unwrap();
    check("mha_cross y", &y, &io["y"]);
    check("mha_cross w", &w.unwrap(), &io["w"]);

    // Unbatched, causal by PyTorch's hint.
    let mut m = skip_init!(MultiheadAttention, 8, 4).unwrap();
    let io = load("mha_causal", &mut m);
    let masks = AttentionMasks {
        attn_mask: Some(&io["attn_mask"]),
        is_causal: true,
        need_weights: false,
        ..AttentionMasks::default()
    };
    let (y, w) = self_attend(&m, &io["x"], masks);
    assert!(w.is_none());
    check("mha_causal", &y, &io["y"]);

    let hint_alone = AttentionMasks {
        is_causal: true,
        ..AttentionMasks::default()
    };
    let x = &io["x"];
    let e = m
        .to_candle_module(cpu)
        .unwrap()
        .forward_masked(x, x, x, hint_alone)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("Need attn_mask if specifying the is_causal hint"),
        "{e}"
    );
}

#[test]
fn encoder_layers_match_pytorch_post_and_pre_norm() {
    let cpu = &CDevice::Cpu;
    let mut post = skip_init!(
        TransformerEncoderLayer,
        8,
        2,
        dim_feedforward = 16,
        batch_first = true
    )
    .unwrap();
    let io = load("encoder_post", &mut post);
    let layer = post.to_candle_module(cpu).unwrap();
    let y = layer.forward_masked(&io["x"], None, Some(&io["key_padding_mask"]), false);
    check("encoder_post", &y.unwrap(), &io["y"]);

    let mut pre = skip_init!(
        TransformerEncoderLayer,
        8,
        2,
        dim_feedforward = 16,
        activation = Activation::Gelu,
        norm_first = true
    )
    .unwrap();
    let io = load("encoder_pre", &mut pre);
    let layer = pre.to_candle_module(cpu).unwrap();
    let y = layer.forward_masked(&io["x"], Some(&io["attn_mask"]), None, false);
    check("encoder_pre", &y.unwrap(), &io["y"]);

    let silu = skip_init!(
        TransformerEncoderLayer,
        8,
        2,
        activation = Activation::Other("silu")
    )
    .unwrap();
    let e = silu.to_candle_module(cpu).unwrap_err().to_string();
    assert!(e.contains("activation `silu`"), "{e}");
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
    let softmax = skip_init!(Softmax, dim = Some(3)).unwrap();
    let x = candle_core::Tensor::zeros((2, 3), candle_core::DType::F32, &CDevice::Cpu).unwrap();
    let e = softmax
        .to_candle_module(&CDevice::Cpu)
        .unwrap()
        .forward(&x)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("Softmax: Dimension out of range (expected to be in range of [-2, 1], but got 3)"),
        "{e}"
    );
    let emb = skip_init!(Embedding, 10, 4, max_norm = Some(1.0)).unwrap();
    assert!(emb
        .to_candle_module(&CDevice::Cpu)
        .unwrap_err()
        .to_string()
        .contains("max_norm"));
}

//! Every safetensors dtype, and FP8 checkpoints with their scales, against files and values
//! written by PyTorch 2.15 (`scripts/make_fp8_fixtures.py`, `tests/fixtures/fp8/`).

use std::path::PathBuf;

use common::write_raw;
use modules::prelude::*;

mod common;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fp8")
        .join(name)
}

/// The f32 values of tensor `key` in a PyTorch-written file.
fn torch_f32(file: &str, key: &str) -> Vec<f32> {
    let bytes = std::fs::read(fixture(file)).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let t = st.tensor(key).unwrap();
    match t.dtype() {
        safetensors::Dtype::F32 => t
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect(),
        safetensors::Dtype::BF16 => t
            .data()
            .chunks_exact(2)
            .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
        d => panic!("{d:?}"),
    }
}

fn same_bits(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
            "{what}[{k}]: {g} != PyTorch's {w}"
        );
    }
}

#[test]
fn every_fp8_code_decodes_as_pytorch_does() {
    #[derive(Module)]
    #[module(new())]
    struct Codes {
        #[module(buffer = [256], init = init::zeros())]
        e4m3: Buffer,
        #[module(buffer = [256], init = init::zeros())]
        e5m2: Buffer,
    }
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("codes.safetensors");
    let codes: Vec<u8> = (0..=255).chain(0..=255).collect();
    write_raw(
        &p,
        r#"{"e4m3":{"dtype":"F8_E4M3","shape":[256],"data_offsets":[0,256]},"e5m2":{"dtype":"F8_E5M2","shape":[256],"data_offsets":[256,512]}}"#,
        &codes,
    );
    let mut m = modules::new!(Codes).unwrap();
    m.load_safetensors(&p, LoadOptions::strict().cast_floats())
        .unwrap();
    for key in ["e4m3", "e5m2"] {
        let got = m.state_dict().get(key).unwrap().tensor().to_vec::<f32>().unwrap();
        same_bits(&got, &torch_f32("all_codes.safetensors", key), key);
    }
}

#[test]
fn fp8_weights_load_as_they_are_into_fp8_tensors() {
    #[derive(Module)]
    #[module(new())]
    struct Raw {
        #[module(buffer = [6], init = init::zeros(), dtype = F8E4M3)]
        f8_e4m3: Buffer,
        #[module(buffer = [6], init = init::zeros(), dtype = F8E5M2)]
        f8_e5m2: Buffer,
    }
    let mut m = skip_init!(Raw).unwrap();
    let r = m
        .load_safetensors(fixture("dtypes.safetensors"), LoadOptions::non_strict())
        .unwrap();
    assert_eq!(r.tensors, 2);
    // u16, u32, u64, f8_e8m0 and f32 are not used: they never fail the load.
    let mut unexpected = r.unexpected.clone();
    unexpected.sort();
    assert_eq!(unexpected, ["f32", "f8_e8m0", "u16", "u32", "u64"]);
    let want = [0.0, 1.0, -2.5, 3.0, 96.0, -0.015625];
    assert_eq!(m.f8_e4m3.tensor().to_f64_vec().unwrap(), want);
    assert_eq!(m.f8_e5m2.tensor().to_f64_vec().unwrap(), want);
    assert_eq!(m.f8_e4m3.tensor().dtype().to_string(), "torch.float8_e4m3fn");

    // Saved as they are, and read back by the safetensors crate as F8_E4M3 / F8_E5M2.
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("fp8.safetensors");
    m.save_safetensors(&p).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    assert_eq!(st.tensor("f8_e4m3").unwrap().dtype(), safetensors::Dtype::F8_E4M3);
    assert_eq!(st.tensor("f8_e5m2").unwrap().dtype(), safetensors::Dtype::F8_E5M2);
    // Filling rounds and saturates as `torch.full(..., dtype=torch.float8_e4m3fn)` does.
    let mut t = Tensor::zeros([2], (Cpu, F8E4M3)).unwrap();
    t.fill(0.3).unwrap();
    assert_eq!(t.to_f64_vec().unwrap(), [0.3125, 0.3125]);
    assert!(
        init::normal_(&mut t, 0.0, 1.0, None).is_err(),
        "random init refuses FP8, as PyTorch does"
    );
}

#[test]
fn a_used_tensor_of_a_dtype_modules_cannot_hold_names_both_dtypes() {
    #[derive(Module)]
    #[module(new())]
    struct Wants {
        #[module(buffer = [6], init = init::zeros())]
        u32: Buffer,
    }
    let mut m = modules::new!(Wants).unwrap();
    let e = m
        .load_safetensors(fixture("dtypes.safetensors"), LoadOptions::non_strict())
        .unwrap_err();
    assert!(
        e.to_string().contains("dtype mismatch for u32: the checkpoint stores it as U32, which modules cannot hold or convert to torch.float32"),
        "{e}"
    );
    assert_eq!(m.u32.tensor().to_vec::<f32>().unwrap(), [0.0; 6]);
}

#[derive(Module)]
#[module(new())]
struct Quantized {
    #[module(new(260, 136, bias = false))]
    w: Linear,
    #[module(new(32, 16, bias = false))]
    c: Linear,
    #[module(new(16, 8, bias = false))]
    t: Linear,
}

/// DeepSeek's 128x128 block scales, and compressed-tensors' per-channel and per-tensor ones:
/// the load equals PyTorch's `(w.float() * scale).to(dtype)` bit for bit.
#[test]
fn fp8_checkpoints_dequantize_with_their_scales_as_pytorch_does() {
    for (dtype, suffix) in [(F32, ""), (BF16, ".bf16")] {
        let mut m = skip_init!(Quantized, dtype = dtype).unwrap();
        let r = m
            .load_safetensors(fixture("scaled.safetensors"), LoadOptions::strict().cast_floats())
            .unwrap();
        assert!(r.is_complete(), "the scales are consumed, not unexpected: {r}");
        for key in ["w.weight", "c.weight", "t.weight"] {
            let got: Vec<f32> = m
                .state_dict()
                .get(key)
                .unwrap()
                .tensor()
                .to_f64_vec()
                .unwrap()
                .iter()
                .map(|&v| v as f32)
                .collect();
            same_bits(
                &got,
                &torch_f32("expected.safetensors", &format!("{key}{suffix}")),
                &format!("{key} {dtype}"),
            );
        }
        let dry = m
            .check_safetensors(fixture("scaled.safetensors"), LoadOptions::strict().cast_floats())
            .unwrap();
        assert!(dry.is_complete());
    }
}

#[test]
fn fp8_into_a_wider_float_needs_the_cast_option() {
    let mut m = skip_init!(Quantized).unwrap();
    let e = m
        .load_safetensors(fixture("scaled.safetensors"), LoadOptions::strict())
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("dtype mismatch for w.weight: copying a param of torch.float8_e4m3fn"),
        "{e}"
    );
    assert!(e.to_string().contains("cast_floats()"), "{e}");
}

#[test]
fn a_scale_of_no_known_layout_is_refused_not_cast() {
    #[derive(Module)]
    #[module(new())]
    struct One {
        #[module(new(4, 2, bias = false))]
        w: Linear,
    }
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("bad_scale.safetensors");
    write_raw(
        &p,
        r#"{"w.weight":{"dtype":"F8_E4M3","shape":[2,4],"data_offsets":[0,8]},"w.weight_scale":{"dtype":"F32","shape":[3],"data_offsets":[8,20]}}"#,
        &[0x38; 20],
    );
    let mut m = modules::new!(One).unwrap();
    let before = m.w.weight.tensor().to_vec::<f32>().unwrap();
    let e = common::assert_error_names(
        m.load_safetensors(&p, LoadOptions::strict().cast_floats()),
        &["dequantization of w.weight: its scale \"w.weight_scale\" has shape [3]"],
    );
    assert!(e.contains("[2, 1] (per channel)"), "{e}");
    assert_eq!(m.w.weight.tensor().to_vec::<f32>().unwrap(), before);
}

//! Loads from bytes in memory: the copy and cast paths with no file or mapping involved, so
//! Miri can check their unsafe code (`scripts/miri.sh`).

use super::{Checkpoint, LoadOptions};
use crate::{Buffer, DType, Device, Parameter, Tensor};

test_module!(Small {
    w: Parameter,
    steps: Buffer,
    mask: Buffer,
});

fn small(w: DType) -> Small {
    Small {
        w: Parameter::new(Tensor::zeros([3], (Device::Cpu, w)).unwrap()),
        steps: Buffer::new(Tensor::zeros([], (Device::Cpu, DType::I64)).unwrap()),
        mask: Buffer::new(Tensor::zeros([2], (Device::Cpu, DType::Bool)).unwrap()),
    }
}

/// A file whose `w` data starts at an odd offset: `pad` (1 byte) comes first.
fn file(mask: [u8; 2]) -> Vec<u8> {
    let mut data = vec![0xAAu8];
    data.extend([1.5f32, -2.0, 0.25].iter().flat_map(|x| x.to_le_bytes()));
    data.extend(9i64.to_le_bytes());
    data.extend(mask);
    let header = r#"{"pad":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"F32","shape":[3],"data_offsets":[1,13]},"steps":{"dtype":"I64","shape":[],"data_offsets":[13,21]},"mask":{"dtype":"BOOL","shape":[2],"data_offsets":[21,23]}}"#;
    let mut h = header.as_bytes().to_vec();
    h.resize(h.len().next_multiple_of(8), b' ');
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend(h);
    out.extend(data);
    out
}

#[test]
fn copies_and_casts_from_unaligned_bytes() {
    let bytes = file([1, 0]);
    let mut m = small(DType::F32);
    let r = m
        .load_safetensors_bytes(&bytes, "mem", LoadOptions::non_strict())
        .unwrap();
    assert_eq!(r.unexpected, ["pad"]);
    assert_eq!(m.w.tensor().to_vec::<f32>().unwrap(), [1.5, -2.0, 0.25]);
    assert_eq!(m.steps.tensor().to_vec::<i64>().unwrap(), [9]);
    assert_eq!(m.mask.tensor().to_vec::<bool>().unwrap(), [true, false]);

    let mut h = small(DType::BF16);
    h.load_safetensors_bytes(&bytes, "mem", LoadOptions::non_strict().cast_floats())
        .unwrap();
    let want: Vec<half::bf16> = [1.5f32, -2.0, 0.25].map(half::bf16::from_f32).to_vec();
    assert_eq!(h.w.tensor().to_vec::<half::bf16>().unwrap(), want);
}

#[test]
fn an_invalid_bool_byte_is_rejected_before_any_write() {
    let mut m = small(DType::F32);
    let e = m
        .load_safetensors_bytes(&file([1, 7]), "mem", LoadOptions::non_strict())
        .unwrap_err();
    assert!(e.to_string().contains("mask"), "{e}");
    assert_eq!(m.w.tensor().to_vec::<f32>().unwrap(), [0.0; 3]);
    assert_eq!(m.mask.tensor().to_vec::<bool>().unwrap(), [false; 2]);
}

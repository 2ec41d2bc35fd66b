//! Files PyTorch wrote, read back and checked against the values PyTorch recorded.

mod common;

use common::{check_against_expected, fixture, strided_values};
use modules_torch::TorchDType;

#[test]
fn linear_f32_values_at_file_offsets() {
    let file = check_against_expected("linear.pt", "linear.pt");
    let bytes = fixture("linear.pt");
    let expected = common::expected();
    for (t, w) in file
        .tensors
        .iter()
        .zip(expected["files"]["linear.pt"].as_array().unwrap())
    {
        assert_eq!(t.dtype, TorchDType::F32);
        assert!(t.is_contiguous());
        let data = file.tensor_bytes(&bytes, t).unwrap();
        let got: Vec<f64> = data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()) as f64)
            .collect();
        let want: Vec<f64> = w["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(got, want, "{}", t.name);
    }
    assert_eq!(file.tensor("weight").unwrap().shape, [3, 4]);
    // torch.save aligns storage data to 64 bytes.
    assert!(file.storages.iter().all(|s| s.file_offset % 64 == 0));
}

#[test]
fn every_dtype() {
    let file = check_against_expected("dtypes.pt", "dtypes.pt");
    use TorchDType::*;
    let dtypes: Vec<TorchDType> = file.tensors.iter().map(|t| t.dtype).collect();
    let want = [
        F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool, U16, U32, U64, F8E4M3, F8E5M2, F8E4M3Fnuz,
        F8E5M2Fnuz, C64, C128,
    ];
    assert_eq!(dtypes, want);
    for t in &file.tensors {
        assert_eq!(
            file.storages[t.storage].len_bytes,
            6 * t.dtype.size() as u64,
            "{}",
            t.name
        );
    }
}

#[test]
fn tied_tensors_share_a_storage() {
    let file = check_against_expected("tied.pt", "tied.pt");
    assert_eq!(file.storages.len(), 1);
    let [a, b, c] = &file.tensors[..] else {
        panic!("three tensors")
    };
    assert_eq!((a.storage, b.storage, c.storage), (0, 0, 0));
    assert_eq!(
        (&a.shape, &a.strides, a.storage_offset),
        (&b.shape, &b.strides, b.storage_offset)
    );
    assert_eq!((c.shape.as_slice(), c.storage_offset), (&[3][..], 3));
}

#[test]
fn views_keep_offsets_and_strides() {
    let file = check_against_expected("views.pt", "views.pt");
    let bytes = fixture("views.pt");
    let t = file.tensor("t").unwrap();
    assert_eq!(
        (t.shape.as_slice(), t.strides.as_slice()),
        (&[4, 3][..], &[1, 4][..])
    );
    assert!(!t.is_contiguous());
    assert_eq!(t.contiguous_byte_range(), None);
    assert_eq!(file.tensor_bytes(&bytes, t), None);

    let s = file.tensor("s").unwrap();
    assert!(s.is_contiguous());
    assert_eq!(s.storage_offset, 4);
    assert_eq!(s.contiguous_byte_range(), Some(16..48));
    let got: Vec<f32> = file
        .tensor_bytes(&bytes, s)
        .unwrap()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(got, (4..12).map(|v| v as f32).collect::<Vec<_>>());

    let col = file.tensor("col").unwrap();
    assert!(!col.is_contiguous());
    assert_eq!(strided_values(&file, &bytes, col), [1.0, 5.0, 9.0]);
}

#[test]
fn parameters_empty_scalar_and_non_tensors() {
    let file = check_against_expected("misc.pt", "misc.pt");
    let names: Vec<&str> = file.tensors.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["p", "empty", "scalar"], "ints and strings are skipped");
    let empty = file.tensor("empty").unwrap();
    assert_eq!((empty.numel(), empty.is_contiguous()), (Some(0), true));
    let scalar = file.tensor("scalar").unwrap();
    assert_eq!(
        (scalar.shape.len(), scalar.numel(), scalar.dtype),
        (0, Some(1), TorchDType::F64)
    );
    assert_eq!(scalar.contiguous_byte_range(), Some(0..8));
}

#[test]
fn nested_state_dict_and_model_are_unwrapped() {
    let plain = check_against_expected("linear.pt", "linear.pt");
    for name in ["wrapped.pt", "wrapped_model.pt"] {
        let file = check_against_expected(name, name);
        let names: Vec<&str> = file.tensors.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["weight", "bias"], "{name}: names are not prefixed");
        assert_eq!(file.tensors.len(), plain.tensors.len());
    }
}

#[test]
fn other_pickle_protocols() {
    for name in ["proto4.pt", "proto1.pt"] {
        check_against_expected(name, name);
    }
}

#[test]
fn empty_dict_is_an_empty_state_dict() {
    let file = modules_torch::read(&fixture("empty_dict.pt")).unwrap();
    assert_eq!(file, modules_torch::TorchFile::default());
}

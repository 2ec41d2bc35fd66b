//! `validate` against the safetensors crate's own validation.

use std::borrow::Cow;

use proptest::prelude::*;
use safetensors::tensor::{Metadata, TensorInfo};

use super::*;
use crate::checkpoint::header_entry::{Entries, RawEntry};
use safetensors::Dtype;

/// The crate's own verdict on the same entries: `Metadata::new` validates them.
fn crates_verdict(entries: &Entries<'_>, stored: &[Stored]) -> std::result::Result<usize, String> {
    let infos = entries
        .iter()
        .zip(stored)
        .map(|((k, e), s)| {
            let info = TensorInfo {
                dtype: s.format,
                shape: e.shape.to_vec(),
                data_offsets: e.data_offsets,
            };
            (k.to_string(), info)
        })
        .collect();
    Metadata::new(None, infos)
        .map(|m| m.data_len())
        .map_err(|e| e.to_string())
}

proptest! {
    /// `validate` agrees with the safetensors crate on every layout: contiguous or not,
    /// sizes right or wrong, sub-byte dtypes, overflowing shapes.
    #[test]
    fn validate_agrees_with_the_safetensors_crate(
        tensors in proptest::collection::vec(
            (0usize..4, proptest::collection::vec(0usize..5, 0..3), 0usize..3, 0usize..3),
            0..6,
        ),
        huge in any::<bool>(),
    ) {
        let formats = [Dtype::F32, Dtype::BF16, Dtype::F4, Dtype::U8];
        let mut entries: Entries<'_> = Vec::new();
        let mut stored = Vec::new();
        let mut at = 0usize;
        for (i, (f, mut shape, gap, slack)) in tensors.into_iter().enumerate() {
            if huge && i == 0 {
                shape.push(usize::MAX / 2);
            }
            let format = formats[f];
            let n: usize = shape.iter().fold(1usize, |a, &d| a.saturating_mul(d));
            let bytes = n.saturating_mul(format.bitsize()) / 8;
            // Mostly right; a gap, an overlap or a wrong size now and then.
            let start = if gap == 2 { at + 1 } else { at };
            let end = start.saturating_add(bytes).saturating_add(if slack == 2 { 1 } else { 0 });
            entries.push((
                Cow::Owned(format!("t{i}")),
                RawEntry { dtype: Cow::Borrowed("x"), shape: crate::tensor::Shape::new(&shape), data_offsets: (start, end) },
            ));
            stored.push(Stored { format, dtype: None });
            at = end;
        }
        let ours = validate(&entries, &stored).map_err(|e| e.to_string());
        prop_assert_eq!(ours, crates_verdict(&entries, &stored));
    }
}

/// A file with this header and `data_len` bytes of data counting up.
fn file_with_header(header: &str, data_len: usize) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend(header.as_bytes());
    out.extend((0..data_len).map(|i| i as u8));
    out
}

proptest! {
    /// The one-pass path (`tensors_in_order`) gives what the general path gives: the same
    /// file, its header spaced out of the writers' layout, reads the same tensors.
    #[test]
    fn in_order_path_agrees_with_the_general_one(
        tensors in proptest::collection::vec((0usize..3, proptest::collection::vec(1usize..4, 0..3)), 0..5),
    ) {
        let dtypes = [("F32", 4), ("BF16", 2), ("U8", 1)];
        let mut fields = vec![r#""__metadata__":{"format":"pt"}"#.to_string()];
        let mut offset = 0;
        for (i, (d, shape)) in tensors.iter().enumerate() {
            let (name, size) = dtypes[*d];
            let bytes = shape.iter().product::<usize>() * size;
            let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
            fields.push(format!(
                r#""t{i}":{{"dtype":"{name}","shape":[{}],"data_offsets":[{offset},{}]}}"#,
                dims.join(","),
                offset + bytes
            ));
            offset += bytes;
        }
        let canonical = format!("{{{}}}", fields.join(","));
        let spaced = format!("{{ {} }}", fields.join(", "));
        let (a, b) = (file_with_header(&canonical, offset), file_with_header(&spaced, offset));
        let (fa, fb) = (OpenFile::from_bytes("a", &a), OpenFile::from_bytes("b", &b));
        let header = std::str::from_utf8(&a[8..8 + canonical.len()]).unwrap();
        prop_assert!(fa.tensors_in_order(0, header).is_some());
        let (ta, tb) = (fa.tensors(0).unwrap(), fb.tensors(0).unwrap());
        prop_assert_eq!(ta.len(), tb.len());
        for (x, y) in ta.iter().zip(&tb) {
            prop_assert_eq!(&x.key, &y.key);
            prop_assert_eq!((x.dtype, &x.shape, x.data), (y.dtype, &y.shape, y.data));
            prop_assert_eq!(x.offset - 8 - canonical.len(), y.offset - 8 - spaced.len());
        }
    }
}

//! `validate` against the safetensors crate's own validation.

use std::borrow::Cow;

use proptest::prelude::*;
use safetensors::tensor::{Metadata, TensorInfo};

use super::*;

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

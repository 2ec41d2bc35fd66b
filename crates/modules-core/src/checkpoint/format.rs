//! The safetensors format's rules on a header and its entries, checked with the file and the
//! tensor named: the header's length, each entry's dtype and byte count, and the entries
//! back to back.

use std::path::Path;

use safetensors::{Dtype, SafeTensorError};

use super::errors::bad;
use super::header_entry::{Entries, RawEntry};
use crate::{DType, Error, Result};

/// The format's rules on the sorted entries, as `safetensors::tensor::Metadata::validate`
/// states them and with its errors: each tensor starts where the previous one ends, and holds
/// exactly its elements' bytes. Written here because the crate reaches them only through
/// `Metadata::new`, which wants an owned name and shape per tensor and builds a SipHash index
/// that a load then discards (a quarter of a 70B dry run). Returns where the data ends.
pub(super) fn validate(
    entries: &Entries<'_>,
    stored: &[Stored],
) -> std::result::Result<usize, SafeTensorError> {
    let mut end = 0;
    for ((name, e), stored) in entries.iter().zip(stored) {
        let (s, t) = e.data_offsets;
        if s != end || t < s {
            return Err(SafeTensorError::InvalidOffset(name.to_string()));
        }
        end = t;
        let bits = e
            .shape
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(d))
            .and_then(|n| n.checked_mul(stored.format.bitsize()))
            .ok_or(SafeTensorError::ValidationOverflow)?;
        if bits % 8 != 0 {
            return Err(SafeTensorError::MisalignedSlice);
        }
        if t - s != bits / 8 {
            return Err(SafeTensorError::TensorInvalidInfo);
        }
    }
    Ok(end)
}

/// `safetensors::tensor::MAX_HEADER_SIZE`, which the crate does not export.
const MAX_HEADER_BYTES: u64 = 100_000_000;

pub(super) fn header_len(path: &Path, bytes: &[u8]) -> Result<usize> {
    let Some(first) = bytes.get(..8) else {
        return Err(bad(
            path,
            None,
            format!(
                "expected at least 8 bytes (the header length), found {}",
                bytes.len()
            ),
        ));
    };
    let n = u64::from_le_bytes(first.try_into().expect("8 bytes"));
    // The safetensors crate's own cap, enforced here because the header is parsed by `scan`
    // and validated through `Metadata::new`, which skips it.
    if n > MAX_HEADER_BYTES {
        return Err(bad(
            path,
            None,
            format!("header length {n} exceeds the 100 MB (100000000 bytes) safetensors allows: refused before reading it"),
        ));
    }
    if n > (bytes.len() - 8) as u64 {
        return Err(bad(
            path,
            None,
            format!("header length {n} is larger than the {} bytes after it: the file is truncated or not safetensors", bytes.len() - 8),
        ));
    }
    Ok(n as usize)
}

/// Every dtype the safetensors format names, by its header name.
const FORMAT_DTYPES: [(&str, Dtype); 20] = [
    ("BOOL", Dtype::BOOL),
    ("F4", Dtype::F4),
    ("F6_E2M3", Dtype::F6_E2M3),
    ("F6_E3M2", Dtype::F6_E3M2),
    ("U8", Dtype::U8),
    ("I8", Dtype::I8),
    ("F8_E5M2", Dtype::F8_E5M2),
    ("F8_E4M3", Dtype::F8_E4M3),
    ("F8_E8M0", Dtype::F8_E8M0),
    ("I16", Dtype::I16),
    ("U16", Dtype::U16),
    ("F16", Dtype::F16),
    ("BF16", Dtype::BF16),
    ("I32", Dtype::I32),
    ("U32", Dtype::U32),
    ("F32", Dtype::F32),
    ("C64", Dtype::C64),
    ("F64", Dtype::F64),
    ("I64", Dtype::I64),
    ("U64", Dtype::U64),
];

pub(super) fn format_name(format: Dtype) -> &'static str {
    FORMAT_DTYPES
        .iter()
        .find(|(_, d)| *d == format)
        .map_or("?", |(n, _)| n)
}

/// A tensor's dtype as the file stores it, and the dtype modules holds it as, if any.
pub(super) struct Stored {
    pub format: Dtype,
    pub dtype: Option<DType>,
}

/// Dtype, element count against byte range: checks the crate also makes, here with the name.
pub(super) fn check_entry(path: &Path, key: &str, e: &RawEntry<'_>) -> Result<Stored> {
    let Some(&(_, format)) = FORMAT_DTYPES.iter().find(|(n, _)| *n == e.dtype) else {
        let names: Vec<&str> = FORMAT_DTYPES.iter().map(|(n, _)| *n).collect();
        return Err(bad(
            path,
            Some(key),
            format!(
                "unknown dtype {:?} (safetensors names {})",
                e.dtype,
                names.join(", ")
            ),
        ));
    };
    let dtype = e.dtype.parse::<DType>().ok();
    // Sub-byte dtypes (F4, F6) pack elements: the byte count is the bit count over 8, whole.
    let bits = e
        .shape
        .iter()
        .try_fold(format.bitsize(), |a, &d| a.checked_mul(d))
        .ok_or_else(|| bad(path, Some(key), format!("shape {:?} overflows", e.shape)))?;
    if bits % 8 != 0 {
        return Err(bad(
            path,
            Some(key),
            format!(
                "shape {:?} of {} holds {bits} bits, not a whole number of bytes",
                e.shape, e.dtype
            ),
        ));
    }
    let bytes = bits / 8;
    let (s, t) = e.data_offsets;
    if t < s || t - s != bytes {
        return Err(bad(
            path,
            Some(key),
            format!(
                "shape {:?} of {} needs {bytes} bytes, but data_offsets [{s}, {t}] hold {}",
                e.shape,
                e.dtype,
                t as i128 - s as i128
            ),
        ));
    }
    Ok(Stored { format, dtype })
}

pub(super) fn format_error(
    path: &Path,
    bytes: &[u8],
    header_len: usize,
    entries: &Entries<'_>,
    e: SafeTensorError,
) -> Error {
    let data_len = bytes.len() - 8 - header_len;
    match e {
        SafeTensorError::InvalidOffset(name) => {
            let prev_end = entries
                .iter()
                .take_while(|(k, _)| **k != *name)
                .last()
                .map_or(0, |(_, e)| e.data_offsets.1);
            let found = entries
                .iter()
                .find(|(k, _)| **k == *name)
                .map(|(_, e)| e.data_offsets);
            bad(
                path,
                Some(&name),
                format!(
                    "data_offsets must start where the previous tensor ends (byte {prev_end}), found {found:?}: offsets overlap or leave a gap"
                ),
            )
        }
        SafeTensorError::MetadataIncompleteBuffer => {
            let end = entries.last().map_or(0, |(_, e)| e.data_offsets.1);
            let what = if end > data_len {
                "the file is truncated"
            } else {
                "bytes follow the last tensor"
            };
            bad(
                path,
                entries
                    .iter()
                    .find(|(_, e)| e.data_offsets.1 > data_len)
                    .map(|(k, _)| &**k),
                format!(
                    "tensor data ends at byte {end}, but the file holds {data_len} bytes of data: {what}"
                ),
            )
        }
        SafeTensorError::HeaderTooLarge => {
            bad(path, None, "header is larger than the 100 MB safetensors allows")
        }
        other => bad(path, None, format!("not a valid safetensors file: {other}")),
    }
}

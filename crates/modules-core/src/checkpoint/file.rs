//! Opening safetensors checkpoints: one file, a sharded `model.safetensors.index.json`, or
//! bytes in memory. Every check happens here, before anything is written.

use std::borrow::Cow;
use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use safetensors::{Dtype, SafeTensorError};

use super::header::{expected_entries, scan, Entries, RawEntry};
use super::header_fast::each_canonical;
use crate::{DType, Error, Result};

/// An opened checkpoint file: its path, and its bytes mapped read-only.
pub(crate) struct OpenFile<'b> {
    pub path: PathBuf,
    pub file: Option<File>,
    map: Backing<'b>,
}

enum Backing<'b> {
    Map(Mmap),
    Bytes(&'b [u8]),
}

/// One tensor of a checkpoint, checked against the format.
pub(crate) struct SourceTensor<'a> {
    /// The key as the checkpoint spells it.
    pub key: Cow<'a, str>,
    pub dtype: DType,
    /// A dtype the format names but modules cannot hold or convert (`F8_E8M0`, `F4`, `U32`,
    /// ...): `dtype` is then meaningless, and using the tensor is an error naming this. An
    /// unused one never fails a load.
    pub unsupported: Option<&'static str>,
    pub shape: crate::tensor::Shape,
    pub data: &'a [u8],
    /// Index of the file it lives in (for messages and zero-copy views).
    pub file: usize,
    /// Offset of `data` in that file.
    pub offset: usize,
    /// The slot it comes from, when the source is a module's own state dict.
    pub slot: Option<usize>,
    /// For a tensor saved in parts by several ranks: the parts, and `data` is empty.
    pub parts: Vec<RankPart<'a>>,
}

/// One rank's part of a tensor saved sharded: its bytes and where they go in the whole.
pub(crate) struct RankPart<'a> {
    pub data: &'a [u8],
    pub file: usize,
    pub offset: usize,
    pub info: crate::shard::ShardInfo,
}

pub(crate) fn bad(file: &Path, tensor: Option<&str>, message: impl Into<String>) -> Error {
    Error::BadCheckpoint {
        file: file.to_path_buf(),
        tensor: tensor.map(str::to_string),
        message: message.into(),
    }
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl<'b> OpenFile<'b> {
    pub(crate) fn open(path: &Path) -> Result<OpenFile<'b>> {
        let file = File::open(path).map_err(io(path))?;
        // SAFETY: a read-only shared mapping. The checkpoint must not be truncated while it is
        // mapped (reading a page past the new end raises SIGBUS), the contract of every
        // mmap-based loader (safetensors, PyTorch's mmap=True). Bytes another process changes
        // are read as they are: every dtype accepts any bit pattern, and bool data is checked
        // before it is written.
        let map = unsafe { Mmap::map(&file) }.map_err(io(path))?;
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        Ok(OpenFile {
            path: path.to_path_buf(),
            file: Some(file),
            map: Backing::Map(map),
        })
    }

    pub(crate) fn from_bytes(label: &str, bytes: &'b [u8]) -> OpenFile<'b> {
        OpenFile {
            path: PathBuf::from(label),
            file: None,
            map: Backing::Bytes(bytes),
        }
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        match &self.map {
            Backing::Map(m) => m,
            Backing::Bytes(b) => b,
        }
    }

    /// Drops the mapped pages of `data` (a slice of this file) from the process: they stay in
    /// the page cache, but a copy load no longer holds the file's bytes resident twice.
    pub(crate) fn release(&self, data: &[u8]) {
        #[cfg(all(unix, not(miri)))]
        if let Backing::Map(m) = &self.map {
            const PAGE: usize = 4096;
            let offset = data.as_ptr() as usize - m.as_ptr() as usize;
            let start = offset.next_multiple_of(PAGE);
            let end = (offset + data.len()) / PAGE * PAGE;
            if end > start {
                // SAFETY: a read-only shared file mapping: MADV_DONTNEED only unmaps the pages,
                // which the next read faults back in from the page cache with the same bytes.
                // (Its danger, discarding private changes, needs a private writable mapping.)
                let _ = unsafe {
                    m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
                };
            }
        }
        #[cfg(not(all(unix, not(miri))))]
        let _ = data;
    }

    /// The file's tensors in file order, after every format check.
    pub(crate) fn tensors(&self, index: usize) -> Result<Vec<SourceTensor<'_>>> {
        let bytes = self.bytes();
        let path = self.path.as_path();
        let header_len = header_len(path, bytes)?;
        let header = std::str::from_utf8(&bytes[8..8 + header_len])
            .map_err(|e| bad(path, None, format!("header is not valid UTF-8: {e}")))?;
        if let Some(tensors) = self.tensors_in_order(index, header) {
            return Ok(tensors);
        }
        let mut entries = scan(header).map_err(|e| bad(path, e.tensor.as_deref(), e.message))?;
        if !entries.is_sorted_by_key(|(_, e)| e.data_offsets) {
            entries.sort_unstable_by_key(|(_, e)| e.data_offsets);
        }
        let dtypes = entries
            .iter()
            .map(|(key, e)| check_entry(path, key, e))
            .collect::<Result<Vec<Stored>>>()?;
        let data_len = bytes.len() - 8 - header_len;
        let fail = |e| format_error(path, bytes, header_len, &entries, e);
        let end = validate(&entries, &dtypes).map_err(fail)?;
        if end != data_len {
            return Err(fail(SafeTensorError::MetadataIncompleteBuffer));
        }
        let data_start = 8 + header_len;
        Ok(entries
            .into_iter()
            .zip(dtypes)
            .map(|((key, e), stored)| {
                let (s, t) = e.data_offsets;
                SourceTensor {
                    dtype: stored.dtype.unwrap_or(DType::U8),
                    unsupported: stored.dtype.is_none().then(|| format_name(stored.format)),
                    shape: e.shape,
                    data: &bytes[data_start + s..data_start + t],
                    key,
                    file: index,
                    offset: data_start + s,
                    slot: None,
                    parts: Vec::new(),
                }
            })
            .collect())
    }
}

impl OpenFile<'_> {
    /// The common case in one pass, with no list of entries beside the tensors: a header in
    /// the writers' layout whose tensors lie in file order, back to back, each of a dtype the
    /// format names and of exactly its elements' bytes. `None` for anything else, which
    /// `tensors` then reads the general way and reports.
    fn tensors_in_order<'a>(&'a self, index: usize, header: &'a str) -> Option<Vec<SourceTensor<'a>>> {
        let bytes = self.bytes();
        let data_start = 8 + header.len();
        let data_len = bytes.len() - data_start;
        let mut out = Vec::with_capacity(expected_entries(header));
        let mut end = 0;
        each_canonical(header, |key, e| {
            let (s, t) = e.data_offsets;
            if s != end || t < s || t > data_len {
                return None;
            }
            let stored = check_entry(&self.path, key, &e).ok()?;
            end = t;
            out.push(SourceTensor {
                dtype: stored.dtype.unwrap_or(DType::U8),
                unsupported: stored.dtype.is_none().then(|| format_name(stored.format)),
                shape: e.shape,
                data: &bytes[data_start + s..data_start + t],
                key: Cow::Borrowed(key),
                file: index,
                offset: data_start + s,
                slot: None,
                parts: Vec::new(),
            });
            Some(())
        })?;
        (end == data_len).then_some(out)
    }
}

/// The format's rules on the sorted entries, as `safetensors::tensor::Metadata::validate`
/// states them and with its errors: each tensor starts where the previous one ends, and holds
/// exactly its elements' bytes. Written here because the crate reaches them only through
/// `Metadata::new`, which wants an owned name and shape per tensor and builds a SipHash index
/// that a load then discards (a quarter of a 70B dry run). Returns where the data ends.
fn validate(entries: &Entries<'_>, stored: &[Stored]) -> std::result::Result<usize, SafeTensorError> {
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

fn header_len(path: &Path, bytes: &[u8]) -> Result<usize> {
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

fn format_name(format: Dtype) -> &'static str {
    FORMAT_DTYPES
        .iter()
        .find(|(_, d)| *d == format)
        .map_or("?", |(n, _)| n)
}

/// A tensor's dtype as the file stores it, and the dtype modules holds it as, if any.
struct Stored {
    format: Dtype,
    dtype: Option<DType>,
}

/// Dtype, element count against byte range: checks the crate also makes, here with the name.
fn check_entry(path: &Path, key: &str, e: &RawEntry<'_>) -> Result<Stored> {
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

fn format_error(
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

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;

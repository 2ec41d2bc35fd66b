//! Opening safetensors checkpoints: one file, a sharded `model.safetensors.index.json`, or
//! bytes in memory. Every check happens here, before anything is written.

use std::borrow::Cow;
use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use safetensors::SafeTensorError;

use super::errors::{bad, io};
use super::format::{check_entry, format_error, format_name, header_len, validate, Stored};
use super::header::scan;
use super::header_entry::expected_entries;
use super::header_fast::each_canonical;
use crate::{DType, Result};

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

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;

//! What [`read`](crate::read) returns: the tensors of a checkpoint, as views into storages
//! that are byte ranges of the file.

use crate::TorchDType;

/// One tensor of the state dict, as a view into a storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TorchTensor {
    pub name: String,
    pub dtype: TorchDType,
    pub shape: Vec<usize>,
    /// In elements.
    pub strides: Vec<usize>,
    /// In elements.
    pub storage_offset: usize,
    /// Index into [`TorchFile::storages`]; tied tensors share one.
    pub storage: usize,
}

/// One storage: a contiguous run of bytes in the file that tensors view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TorchStorage {
    /// The storage's key in the archive (its entry is `<folder>/data/<key>`).
    pub key: String,
    pub dtype: TorchDType,
    /// Where the bytes start in the file given to [`read`](crate::read).
    pub file_offset: u64,
    pub len_bytes: u64,
}

/// What [`read`](crate::read) found: every tensor fits inside its storage, and every storage inside the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TorchFile {
    /// In pickle (insertion) order.
    pub tensors: Vec<TorchTensor>,
    /// Only the storages the tensors use, in order of first use.
    pub storages: Vec<TorchStorage>,
}

impl TorchFile {
    /// The tensor called `name`, if any.
    pub fn tensor(&self, name: &str) -> Option<&TorchTensor> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// The bytes of a contiguous tensor inside `file` (the buffer given to [`read`](crate::read)); `None`
    /// for a non-contiguous tensor or a buffer other than the one read.
    pub fn tensor_bytes<'a>(&self, file: &'a [u8], tensor: &TorchTensor) -> Option<&'a [u8]> {
        let range = self.file_byte_range(tensor)?;
        file.get(usize::try_from(range.start).ok()?..usize::try_from(range.end).ok()?)
    }

    /// Where a contiguous tensor's bytes are in the file; `None` if it is not contiguous.
    pub fn file_byte_range(&self, tensor: &TorchTensor) -> Option<std::ops::Range<u64>> {
        let storage = self.storages.get(tensor.storage)?;
        let range = tensor.contiguous_byte_range()?;
        if range.end > storage.len_bytes {
            return None;
        }
        Some(storage.file_offset.checked_add(range.start)?..storage.file_offset.checked_add(range.end)?)
    }
}

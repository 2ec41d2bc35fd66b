//! Read PyTorch `torch.save` checkpoints (`pytorch_model.bin`, `.pt`, `.pth`) without running
//! any pickle code.
//!
//! [`read`] takes the whole file (typically memory-mapped by the caller) and returns where
//! every tensor's bytes are: nothing is copied and nothing is converted. The pickle inside is
//! run by a small restricted machine that builds plain data and refuses every global a state
//! dict does not need (see [`Error::ForbiddenGlobal`]).
//!
//! What is accepted:
//! - the zip format `torch.save` writes by default since torch 1.6, with stored entries;
//! - a top-level dict (plain or `OrderedDict`) whose values are tensors or parameters; values
//!   that are not tensors (ints, strings, nested dicts) are skipped;
//! - if the top-level dict holds no tensors itself but exactly one dict of tensors under the
//!   key `state_dict` or `model` (a training checkpoint), that dict is used instead. Names are
//!   never flattened or prefixed.
//!
//! ```no_run
//! let bytes = std::fs::read("pytorch_model.bin")?; // or a memory map
//! let file = modules_torch::read(&bytes)?;
//! for t in &file.tensors {
//!     match file.tensor_bytes(&bytes, t) {
//!         Some(data) => println!("{}: {:?} {:?}, {} bytes", t.name, t.dtype, t.shape, data.len()),
//!         None => println!("{}: strided view of storage {}", t.name, t.storage),
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Little-endian files only; the legacy (pre-1.6) format and TorchScript archives are refused
//! with a message saying how to re-save.

#![forbid(unsafe_code)]

mod archive;
mod dtype;
mod error;
mod pickle;
mod state_dict;
mod tensor;

pub use dtype::TorchDType;
pub use error::Error;

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
    /// Where the bytes start in the file given to [`read`].
    pub file_offset: u64,
    pub len_bytes: u64,
}

/// What [`read`] found: every tensor fits inside its storage, and every storage inside the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TorchFile {
    /// In pickle (insertion) order.
    pub tensors: Vec<TorchTensor>,
    /// Only the storages the tensors use, in order of first use.
    pub storages: Vec<TorchStorage>,
}

/// Reads a `torch.save` checkpoint; `bytes` is the whole file.
pub fn read(bytes: &[u8]) -> Result<TorchFile, Error> {
    let archive = archive::Archive::open(bytes)?;
    archive.check_byteorder(bytes)?;
    let data = archive.read(bytes, "data.pkl")?;
    let data = data.ok_or_else(|| Error::MissingEntry {
        entry: archive.full_name("data.pkl"),
    })?;
    let (top, arena) = pickle::run(data)?;
    state_dict::extract(&arena, top, &archive, bytes.len())
}

impl TorchFile {
    /// The tensor called `name`, if any.
    pub fn tensor(&self, name: &str) -> Option<&TorchTensor> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// The bytes of a contiguous tensor inside `file` (the buffer given to [`read`]); `None`
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

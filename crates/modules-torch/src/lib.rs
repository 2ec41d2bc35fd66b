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
mod file;
mod pickle;
mod state_dict;
mod tensor;

pub use dtype::TorchDType;
pub use error::Error;
pub use file::{TorchFile, TorchStorage, TorchTensor};

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

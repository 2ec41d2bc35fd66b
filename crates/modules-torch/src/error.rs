use thiserror::Error;

use crate::TorchDType;

/// Why a file could not be read. Every message says what was expected and what was found.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    #[error(
        "this file uses torch.save's legacy (pre-1.6, non-zip) format, which this reader does not \
         support: load it in Python and re-save it with torch.save's default format \
         (`torch.save(torch.load(path), path)`)"
    )]
    Legacy,

    #[error(
        "this is a TorchScript archive (torch.jit.save), not a torch.save state dict: save \
         `model.state_dict()` with torch.save instead"
    )]
    TorchScript,

    #[error("not a PyTorch checkpoint: expected a zip archive (starting with `PK`), found bytes {found}")]
    NotACheckpoint { found: String },

    #[error("the zip archive is unreadable: {0}")]
    Zip(#[from] zip::result::ZipError),

    #[error("the zip archive has no entry `{entry}`, which torch.save always writes")]
    MissingEntry { entry: String },

    #[error("the zip entry `{entry}` is compressed ({method}); torch.save stores entries uncompressed")]
    Compressed { entry: String, method: String },

    #[error("the zip entry `{entry}` is encrypted; torch.save never encrypts entries")]
    Encrypted { entry: String },

    #[error("the zip entry `{entry}` claims {len} bytes at offset {offset}, past the end of the {file_len}-byte file")]
    EntryOutOfBounds {
        entry: String,
        offset: u64,
        len: u64,
        file_len: usize,
    },

    #[error(
        "the checkpoint was written on a big-endian machine (byteorder `big`); only little-endian \
         checkpoints are supported: re-save it on a little-endian machine"
    )]
    BigEndian,

    #[error("the `byteorder` entry should be `little` or `big`, found {found:?}")]
    BadByteorder { found: String },

    #[error("the pickle ends in the middle of {what} (at byte {offset}); the file is truncated")]
    Truncated { what: &'static str, offset: usize },

    #[error("bad pickle: opcode {opcode:#04x} at byte {offset}: {why}")]
    BadPickle { opcode: u8, offset: usize, why: String },

    #[error("the pickle calls `{module}.{name}`, which a state dict never needs: refused (nothing was run)")]
    ForbiddenGlobal { module: String, name: String },

    #[error("the pickle needs more than {limit} {what}; refused to bound memory use")]
    TooLarge { what: &'static str, limit: usize },

    #[error("the pickle refers to storage `{key}`, but the archive has no entry `{entry}`")]
    MissingStorage { key: String, entry: String },

    #[error("storage `{key}` should hold {expected} bytes, but its zip entry holds {found}")]
    StorageSize { key: String, expected: u64, found: u64 },

    #[error("storage `{key}` is used as both {first:?} and {second:?}; torch.save never writes that")]
    DTypeConflict {
        key: String,
        first: TorchDType,
        second: TorchDType,
    },

    #[error(
        "tensor `{name}` needs bytes up to {needed} of its storage, but the storage holds only {available}"
    )]
    StorageTooShort {
        name: String,
        needed: u64,
        available: u64,
    },

    #[error("tensor `{name}` is malformed: {why}")]
    BadTensor { name: String, why: String },

    #[error("expected the pickle to hold a dict of tensors (a state dict), found {found}")]
    NotAStateDict { found: String },

    #[error(
        "the top-level dict holds no tensors and no `state_dict` or `model` dict of tensors; \
         its keys are: {keys}"
    )]
    NoTensors { keys: String },

    #[error("the top-level dict holds both a `state_dict` and a `model` dict of tensors; which to use is ambiguous")]
    AmbiguousWrapper,
}

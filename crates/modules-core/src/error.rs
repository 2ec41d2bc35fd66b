//! The one error type of the public API.

#![forbid(unsafe_code)]

use crate::parse_error::ParseError;
use crate::{DType, Device};

/// Everything that can go wrong in `modules`. Messages say what was expected and what was found.
///
/// ```
/// use modules_core::{Device, Error};
/// let e: Error = "gpu".parse::<Device>().unwrap_err().into();
/// assert!(matches!(e, Error::BadDevice(_)));
/// assert_eq!(e.to_string(), "expected a device string like \"cpu\", \"cuda\", \"cuda:1\" or \"meta\", found \"gpu\"");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A device string that is not `cpu`, `cuda`, `cuda:N` or `meta`.
    #[error(transparent)]
    BadDevice(#[from] ParseError<Device>),

    /// A dtype name that is not known.
    #[error(transparent)]
    BadDType(#[from] ParseError<DType>),

    /// Reading or copying the data of a meta tensor, which has none.
    #[error("Cannot copy out of meta tensor; no data! {hint}")]
    MetaTensor {
        /// What to do instead (PyTorch's hint).
        hint: &'static str,
    },

    /// Typed access with the wrong element type.
    #[error("expected a tensor of dtype {expected}, found {found}")]
    DTypeMismatch {
        /// The dtype the call needs.
        expected: DType,
        /// The tensor's dtype.
        found: DType,
    },

    /// A dtype the operation does not support.
    #[error("{op} does not support dtype {dtype}")]
    UnsupportedDType {
        /// The operation.
        op: &'static str,
        /// The dtype given.
        dtype: DType,
    },

    /// Data whose length does not fit the shape.
    #[error("expected {expected} elements for shape {shape:?}, found {found}")]
    LengthMismatch {
        /// The shape asked for.
        shape: Vec<usize>,
        /// Its number of elements.
        expected: usize,
        /// The number of elements given.
        found: usize,
    },

    /// A tensor with the wrong shape, named by its path in the module.
    #[error("{name}: expected shape {expected:?}, found {found:?}")]
    ShapeMismatch {
        /// The tensor's name (`layers.3.attn.q_proj.weight`).
        name: String,
        /// The shape required.
        expected: Vec<usize>,
        /// The shape found.
        found: Vec<usize>,
    },

    /// A shape whose byte size does not fit in memory addresses.
    #[error("shape {shape:?} of {dtype} is too large: its size in bytes overflows")]
    TooLarge {
        /// The shape.
        shape: Vec<usize>,
        /// The dtype.
        dtype: DType,
    },

    /// Host memory could not be allocated.
    #[error("could not allocate {bytes} bytes of host memory")]
    HostAllocation {
        /// Bytes asked for.
        bytes: usize,
    },

    /// A bad argument to an init function or a module constructor (PyTorch's ValueError).
    #[error("{function}: {message}")]
    InvalidArgument {
        /// The function or constructor (`kaiming_uniform_`, `Bilinear::new`).
        function: &'static str,
        /// What was expected and what was found.
        message: String,
    },

    /// Two tensors that must be on one device are not.
    #[error("expected a tensor on {expected}, found one on {found}")]
    DeviceMismatch {
        /// The device required.
        expected: Device,
        /// The device found.
        found: Device,
    },

    /// A hand-written `SupportsDevice` constructor allocated memory while asked for the meta device.
    #[error(
        "{module}: `SupportsDevice::construct` was asked for the meta device but put `{tensor}` on {found}; \
         create every parameter and buffer with the options it is given"
    )]
    NotOnMeta {
        /// The module type.
        module: &'static str,
        /// The offending tensor's name.
        tensor: String,
        /// Where it was allocated.
        found: Device,
    },

    /// CUDA is not usable: no driver library, a stub driver, no device, a bad ordinal.
    #[error("{device} is not available: {reason}")]
    CudaUnavailable {
        /// The device asked for.
        device: Device,
        /// Why (missing libcuda.so, no device, ordinal out of range, ...).
        reason: String,
    },

    /// A device allocation failed for lack of memory.
    #[error("out of memory on {device}: asked for {requested} bytes, {free} bytes free")]
    OutOfMemory {
        /// The device.
        device: Device,
        /// Bytes asked for.
        requested: usize,
        /// Bytes free on the device when the allocation failed.
        free: usize,
    },

    /// Any other CUDA driver failure.
    #[error("CUDA error on {device}: {message}")]
    Cuda {
        /// The device.
        device: Device,
        /// The driver's message.
        message: String,
    },

    /// A checkpoint whose keys, shapes or dtypes do not fit the module, in PyTorch's wording:
    /// `Error(s) in loading state_dict for Llama:` then one tab-indented line per problem.
    #[error("Error(s) in loading state_dict for {module}:\n\t{}", errors.join("\n\t"))]
    LoadStateDict {
        /// The module's type name.
        module: String,
        /// Missing keys, unexpected keys, then each size or dtype mismatch and tie conflict.
        errors: Vec<String>,
    },

    /// A malformed checkpoint file (truncated, bad header, bad offsets, unknown dtype, ...).
    #[error("{}: {}{message}", file.display(), tensor.as_ref().map(|t| format!("tensor {t:?}: ")).unwrap_or_default())]
    BadCheckpoint {
        /// The file.
        file: std::path::PathBuf,
        /// The tensor, where the problem is one tensor's.
        tensor: Option<String>,
        /// What was expected and what was found.
        message: String,
    },

    /// A load that failed after it began writing (the file changed or failed under it, or the
    /// GPU failed): the tensors listed may hold part of the checkpoint, and are marked as never
    /// written ([`uninitialized`](crate::checkpoint::Checkpoint::uninitialized) lists them);
    /// every other tensor is as it was.
    #[error("{cause}\n\tthe load stopped after it began writing: {} tensor(s) may hold part of the checkpoint and are marked unwritten: {}", written.len(), written.join(", "))]
    PartialLoad {
        /// What went wrong.
        cause: Box<Error>,
        /// The tensors that were written, wholly or in part.
        written: Vec<String>,
    },

    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// A launcher's environment variable (`RANK`, `WORLD_SIZE`, ...) that is missing, malformed
    /// or inconsistent with the others.
    #[error("environment variable {var}: expected {expected}, found {found}")]
    BadEnvironment {
        /// The variable.
        var: &'static str,
        /// What it must hold.
        expected: &'static str,
        /// What it holds.
        found: String,
    },

    /// The exchange between ranks at `MASTER_ADDR:MASTER_PORT` failed.
    #[error("rendezvous at {address}: {message}")]
    Rendezvous {
        /// Where rank 0 listens.
        address: String,
        /// What went wrong.
        message: String,
    },

    /// A shard plan that does not fit the module (a dimension it does not have, a tie placed
    /// two ways, a module that is not on meta).
    #[error("cannot shard {tensor}: {message}")]
    Shard {
        /// The parameter's name.
        tensor: String,
        /// What was expected and what was found.
        message: String,
    },

    /// A device this build does not support (e.g. CUDA without the `cuda` feature).
    #[error("{device} is not supported by this build: {reason}")]
    UnsupportedDevice {
        /// The device.
        device: Device,
        /// Why.
        reason: &'static str,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

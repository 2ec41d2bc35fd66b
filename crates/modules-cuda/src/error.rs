//! Errors of the CUDA backend.

#![forbid(unsafe_code)]

/// What went wrong talking to CUDA.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CudaError {
    /// No usable CUDA: no driver library, a stub driver, no device, a bad ordinal.
    #[error("{0}")]
    Unavailable(String),
    /// A device allocation failed for lack of memory.
    #[error("out of memory: asked for {requested} bytes, {free} bytes free")]
    OutOfMemory {
        /// Bytes asked for.
        requested: usize,
        /// Bytes free when it failed.
        free: usize,
    },
    /// An argument the backend cannot honour (a length that is not a whole number of
    /// elements, a copy between buffers of different sizes, bad distribution parameters).
    #[error("{0}")]
    InvalidArgument(String),
    /// Any other driver failure.
    #[error("{0}")]
    Driver(String),
}

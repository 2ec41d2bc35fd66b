//! The CUDA backend of `modules`, on cudarc: device probing that never panics, untyped device
//! buffers (uninitialized allocation, staged copies, pattern fills) and on-device random
//! initialization with the Philox streams shared with the CPU. It knows nothing of modules or
//! tensors.
//!
//! cudarc loads `libcuda.so` at run time and panics when it is missing, so every entry point
//! goes through [`context`], which checks for the library first, and every driver call is
//! guarded against cudarc's panics (a symbol an old driver lacks).
//!
//! Kernels ship as PTX generated from our own CUDA C (`src/kernels.cu`, `ptx/generate.sh`):
//! users need a driver, not the CUDA toolkit.
//!
//! ```
//! // On a machine without a GPU this is an error, not a panic.
//! match modules_cuda::device_count() {
//!     Ok(n) => println!("{n} CUDA device(s)"),
//!     Err(e) => println!("no CUDA: {e}"),
//! }
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod buffer;
mod collective;
mod context;
mod error;
mod guard;
mod kernels;
mod pinned;
mod random;
mod skip;
mod staging;

pub use buffer::CudaBuffer;
pub use collective::{nccl_available, nccl_unique_id, NcclComm};
pub use context::{context, device_count, no_device_reason, DeviceContext};
/// The cudarc this crate is built on, so that users name the same types
/// ([`CudaBuffer::cuda_slice`]). Semver-coupled: a cudarc release that breaks its API is a
/// breaking release of this crate; this path (`modules::cuda::cudarc`) is the only one through
/// which `modules` exposes it.
pub use cudarc;
pub use error::CudaError;
pub use modules_philox::RandomFill;
pub use pinned::PinnedBuffer;
pub use random::FloatKind;
pub use skip::{gpu_or_skip, report_skip};

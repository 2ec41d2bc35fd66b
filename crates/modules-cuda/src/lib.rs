//! The CUDA backend of `modules`, on cudarc: device probing that never panics, untyped device
//! buffers (uninitialized allocation, fills, copies). It knows nothing of modules or tensors.
//!
//! cudarc loads `libcuda.so` at run time and panics when it is missing, so every entry point
//! goes through [`context`], which checks for the library first and catches cudarc's panics.
//!
//! ```
//! // On a machine without a GPU this is an error, not a panic.
//! match modules_cuda::device_count() {
//!     Ok(n) => println!("{n} CUDA device(s)"),
//!     Err(e) => println!("no CUDA: {e}"),
//! }
//! ```

mod buffer;
mod context;
mod error;

pub use buffer::CudaBuffer;
pub use context::{context, device_count, DeviceContext};
pub use error::CudaError;

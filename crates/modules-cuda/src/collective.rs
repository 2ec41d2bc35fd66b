//! Collectives across ranks through NCCL (cudarc's `nccl` module), on raw device bytes.
//!
//! NCCL is loaded at run time like the driver: without libnccl or a GPU every entry point is
//! `Err(Unavailable)`, never a panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use cudarc::nccl::{Comm, Id};

use crate::context::{context, DeviceContext};
use crate::{CudaBuffer, CudaError};

fn nccl_error(e: cudarc::nccl::result::NcclError) -> CudaError {
    CudaError::Driver(format!("NCCL: {e:?}"))
}

/// Runs a call into NCCL, turning a panic of cudarc's loader (a missing symbol) into an error.
fn guarded<T>(f: impl FnOnce() -> Result<T, CudaError>) -> Result<T, CudaError> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(CudaError::Unavailable("NCCL could not be called".into())))
}

/// Whether libnccl can be loaded.
///
/// ```
/// // On a machine without NCCL this is an error that says so, not a panic.
/// let _ = modules_cuda::nccl_available();
/// ```
pub fn nccl_available() -> Result<(), CudaError> {
    // SAFETY: `is_culib_present` only dlopens candidate library names and closes them again.
    if unsafe { cudarc::nccl::sys::is_culib_present() } {
        Ok(())
    } else {
        Err(CudaError::Unavailable(
            "the NCCL library (libnccl.so) was not found".into(),
        ))
    }
}

/// A new NCCL unique id (`ncclGetUniqueId`), which rank 0 creates and hands to the others.
pub fn nccl_unique_id() -> Result<[u8; 128], CudaError> {
    nccl_available()?;
    guarded(|| {
        let id = Id::new().map_err(nccl_error)?;
        Ok(id.internal().map(|c| c as u8))
    })
}

/// One rank's NCCL communicator on one device.
pub struct NcclComm {
    comm: Comm,
    dev: DeviceContext,
}

impl NcclComm {
    /// Joins the communicator of `world_size` ranks identified by `id`, as `rank`, on GPU
    /// `ordinal` (`ncclCommInitRank`: every rank must call it).
    pub fn new(ordinal: usize, rank: usize, world_size: usize, id: [u8; 128]) -> Result<NcclComm, CudaError> {
        let dev = context(ordinal)?;
        nccl_available()?;
        let stream = dev.stream.clone();
        let comm = guarded(|| {
            Comm::from_rank(
                stream,
                rank,
                world_size,
                Id::uninit(id.map(|b| b as std::ffi::c_char)),
            )
            .map_err(nccl_error)
        })?;
        Ok(NcclComm { comm, dev })
    }

    /// This rank.
    pub fn rank(&self) -> usize {
        self.comm.rank()
    }

    /// Number of ranks.
    pub fn world_size(&self) -> usize {
        self.comm.world_size()
    }

    /// Every rank's `local` bytes, rank after rank, into `out` (`ncclAllGather`). `out` must
    /// hold `world_size` times `local`.
    pub fn all_gather(&self, local: &CudaBuffer, out: &mut CudaBuffer) -> Result<(), CudaError> {
        if out.len() != local.len() * self.world_size() {
            return Err(CudaError::InvalidArgument(format!(
                "all_gather of {} bytes from {} ranks needs {} bytes, found {}",
                local.len(),
                self.world_size(),
                local.len() * self.world_size(),
                out.len()
            )));
        }
        match (local.cuda_slice(), out.cuda_slice_mut()) {
            (Some(src), Some(dst)) => {
                guarded(|| self.comm.all_gather(src, dst).map(|_| ()).map_err(nccl_error))?
            }
            _ => return Ok(()), // zero bytes
        }
        self.synchronize()
    }

    /// Root's bytes into every rank's `buf`, in place (`ncclBroadcast`).
    pub fn broadcast(&self, buf: &mut CudaBuffer, root: usize) -> Result<(), CudaError> {
        if let Some(b) = buf.cuda_slice_mut() {
            guarded(|| {
                self.comm
                    .broadcast_in_place(b, root as i32)
                    .map(|_| ())
                    .map_err(nccl_error)
            })?;
        }
        self.synchronize()
    }

    fn synchronize(&self) -> Result<(), CudaError> {
        self.dev
            .stream
            .synchronize()
            .map_err(|e| CudaError::Driver(e.to_string()))
    }
}

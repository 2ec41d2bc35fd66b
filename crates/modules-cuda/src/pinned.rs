//! Page-locked host memory, for callers that keep their data pinned (loaders, benchmarks).

use cudarc::driver::PinnedHostSlice;

use crate::context::context;
use crate::guard::{call, call_map, driver};
use crate::{CudaBuffer, CudaError};

/// Page-locked (pinned) host bytes, registered with device `ordinal`'s context. Copies from it
/// are direct DMA, without staging.
///
/// ```
/// use modules_cuda::{CudaBuffer, PinnedBuffer};
/// let (mut host, mut dev) = match (PinnedBuffer::new(0, 1 << 20), CudaBuffer::uninit(0, 1 << 20)) {
///     (Ok(h), Ok(d)) => (h, d),
///     _ => { println!("skipped: no CUDA device"); return; }
/// };
/// host.as_mut_slice().unwrap().fill(7);
/// dev.copy_from_pinned(&host).unwrap();
/// ```
pub struct PinnedBuffer {
    host: PinnedHostSlice<u8>,
}

impl PinnedBuffer {
    /// `bytes` (at least 1) of write-combined pinned memory: fast for the CPU to write and the
    /// GPU to read, very slow for the CPU to read.
    pub fn new(ordinal: usize, bytes: usize) -> Result<PinnedBuffer, CudaError> {
        let dev = context(ordinal)?;
        let bytes = bytes.max(1);
        // SAFETY: the bytes are uninitialized; `as_mut_slice` hands them out as `u8`, for which
        // any bit pattern is valid, and `new` zeroes them below before anyone can read them.
        let alloc = || unsafe { dev.ctx.alloc_pinned::<u8>(bytes) };
        let mut host = call_map(alloc, |e| match driver(e) {
            CudaError::Driver(m) if m.contains("OUT_OF_MEMORY") => CudaError::OutOfMemory {
                requested: bytes,
                free: 0,
            },
            other => other,
        })?;
        host.as_mut_slice().map_err(driver)?.fill(0);
        Ok(PinnedBuffer { host })
    }

    /// The bytes, for writing.
    pub fn as_mut_slice(&mut self) -> Result<&mut [u8], CudaError> {
        self.host.as_mut_slice().map_err(driver)
    }

    /// The bytes.
    pub fn as_slice(&self) -> Result<&[u8], CudaError> {
        self.host.as_slice().map_err(driver)
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.host.len()
    }

    /// Never true: pinned buffers hold at least one byte.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl CudaBuffer {
    /// Overwrites the buffer with the first `self.len()` bytes of a pinned buffer by one DMA.
    pub fn copy_from_pinned(&mut self, src: &PinnedBuffer) -> Result<(), CudaError> {
        if src.len() < self.len() {
            return Err(CudaError::InvalidArgument(format!(
                "copy of a {}-byte pinned buffer into a device buffer of {} bytes",
                src.len(),
                self.len()
            )));
        }
        let n = self.len();
        let (dev, slice) = self.parts_mut();
        let Some(dst) = slice else { return Ok(()) };
        let host = &src.as_slice()?[..n];
        call(|| dev.stream.memcpy_htod(host, dst))?;
        call(|| dev.stream.synchronize())
    }
}

//! Untyped device memory on one ordinal: allocation, copies, pattern fills.

use cudarc::driver::{CudaSlice, DevicePtr, DevicePtrMut, PushKernelArg};

use crate::context::{context, DeviceContext};
use crate::guard::{call, call_map};
use crate::{kernels, staging, CudaError};

/// Bytes on one CUDA device. Allocation does not initialize them.
///
/// ```
/// use modules_cuda::{CudaBuffer, CudaError};
/// // Probe and skip: without a GPU every entry point is `Err(Unavailable)`, never a panic.
/// match CudaBuffer::from_host(0, &[1u8, 2, 3]) {
///     Ok(b) => {
///         let mut back = [0u8; 3];
///         b.copy_to_host(&mut back)?;
///         assert_eq!(back, [1, 2, 3]);
///     }
///     Err(e) => assert!(matches!(e, CudaError::Unavailable(_)), "{e}"),
/// }
/// # Ok::<(), CudaError>(())
/// ```
pub struct CudaBuffer {
    dev: DeviceContext,
    // `None` for zero bytes: cuMemAlloc rejects zero-size allocations.
    slice: Option<CudaSlice<u8>>,
    len: usize,
}

impl CudaBuffer {
    /// `bytes` of uninitialized device memory: a real allocation, no memset, no host traffic.
    ///
    /// Out of memory is [`CudaError::OutOfMemory`], and the device stays usable.
    pub fn uninit(ordinal: usize, bytes: usize) -> Result<CudaBuffer, CudaError> {
        let dev = context(ordinal)?;
        let slice = if bytes == 0 {
            None
        } else {
            // SAFETY: the memory is uninitialized device memory; the host only ever sees it
            // through byte copies, and any bit pattern is a valid `u8`.
            let alloc = || unsafe { dev.stream.alloc::<u8>(bytes) };
            Some(call_map(alloc, |e| dev.map_alloc_error(e, bytes))?)
        };
        Ok(CudaBuffer {
            dev,
            slice,
            len: bytes,
        })
    }

    /// A device copy of host bytes.
    pub fn from_host(ordinal: usize, bytes: &[u8]) -> Result<CudaBuffer, CudaError> {
        let mut b = CudaBuffer::uninit(ordinal, bytes.len())?;
        b.copy_from_host(bytes)?;
        Ok(b)
    }

    /// Overwrites the buffer with host bytes of the same length, through pinned staging
    /// buffers (chunked, double-buffered) for large copies. Returns when the copy is done.
    pub fn copy_from_host(&mut self, bytes: &[u8]) -> Result<(), CudaError> {
        self.check_len(bytes.len())?;
        match &mut self.slice {
            Some(s) => staging::upload(&self.dev.stager(), bytes, s),
            None => Ok(()),
        }
    }

    /// Copies the buffer into host bytes of the same length, through pinned staging buffers.
    pub fn copy_to_host(&self, out: &mut [u8]) -> Result<(), CudaError> {
        self.check_len(out.len())?;
        match &self.slice {
            Some(s) => staging::download(&self.dev.stager(), s, out),
            None => Ok(()),
        }
    }

    /// Overwrites this buffer with another device buffer of the same length (any ordinals).
    pub fn copy_from_device(&mut self, src: &CudaBuffer) -> Result<(), CudaError> {
        self.check_len(src.len)?;
        let (Some(s), Some(d)) = (&src.slice, &mut self.slice) else {
            return Ok(());
        };
        if src.dev.ordinal == self.dev.ordinal {
            call(|| self.dev.stream.memcpy_dtod(s, d))?;
            return call(|| self.dev.stream.synchronize());
        }
        // Across devices: the driver copies peer to peer where the topology allows (NVLink,
        // PCIe P2P) and through host memory otherwise. Work queued on the source must be
        // done first: the copy runs on the destination's stream.
        call(|| src.dev.stream.synchronize())?;
        let (src_ptr, _s) = s.device_ptr(&src.dev.stream);
        let (dst_ptr, _d) = d.device_ptr_mut(&self.dev.stream);
        let len = self.len;
        call(|| {
            self.dev.ctx.bind_to_thread()?;
            // SAFETY: both pointers are live allocations of `len` bytes (checked above), owned
            // by `src` and `self`, which outlive the copy: we synchronize before returning.
            unsafe {
                cudarc::driver::result::memcpy_peer_async(
                    self.dev.ctx.cu_ctx(),
                    dst_ptr,
                    src.dev.ctx.cu_ctx(),
                    src_ptr,
                    len,
                    self.dev.stream.cu_stream(),
                )
            }
        })?;
        call(|| self.dev.stream.synchronize())
    }

    /// A copy on device `ordinal` (the same or another one).
    pub fn copy_to_device(&self, ordinal: usize) -> Result<CudaBuffer, CudaError> {
        let mut out = CudaBuffer::uninit(ordinal, self.len)?;
        out.copy_from_device(self)?;
        Ok(out)
    }

    /// Writes `pattern` (one element's bytes) repeatedly over the whole buffer, on the device.
    ///
    /// The buffer length must be a whole number of patterns.
    pub fn fill_pattern(&mut self, pattern: &[u8]) -> Result<(), CudaError> {
        if pattern.is_empty() || !self.len.is_multiple_of(pattern.len()) {
            return Err(CudaError::InvalidArgument(format!(
                "a {}-byte pattern does not tile a buffer of {} bytes",
                pattern.len(),
                self.len
            )));
        }
        let dev = self.dev.clone();
        let Some(s) = &mut self.slice else {
            return Ok(());
        };
        if pattern.iter().all(|&b| b == 0) {
            return call(|| dev.stream.memset_zeros(s));
        }
        let n = self.len as u64;
        if 16 % pattern.len() == 0 {
            // Lengths 1, 2, 4, 8, 16 repeat within 16 bytes: 16-byte stores, no pattern buffer.
            let mut word = [0u8; 16];
            for (i, b) in word.iter_mut().enumerate() {
                *b = pattern[i % pattern.len()];
            }
            let lo = u64::from_le_bytes(word[..8].try_into().expect("8 bytes"));
            let hi = u64::from_le_bytes(word[8..].try_into().expect("8 bytes"));
            let f = kernels::function(&dev, "fill_pattern16")?;
            let cfg = kernels::grid(n.div_ceil(16).max(16));
            let mut b = dev.stream.launch_builder(&f);
            b.arg(s).arg(&n).arg(&lo).arg(&hi);
            // SAFETY: the kernel writes exactly `n` bytes of `s` (its length) and reads nothing.
            call(|| unsafe { b.launch(cfg) }.map(|_| ()))?;
        } else {
            let pat = CudaBuffer::from_host(dev.ordinal, pattern)?;
            let p = pat.slice.as_ref().expect("a non-empty pattern");
            let plen = pattern.len() as u64;
            let f = kernels::function(&dev, "fill_pattern_any")?;
            let mut b = dev.stream.launch_builder(&f);
            b.arg(s).arg(&n).arg(p).arg(&plen);
            // SAFETY: the kernel writes bytes `0..n` of `s` and reads bytes `0..plen` of `p`.
            call(|| unsafe { b.launch(kernels::grid(n)) }.map(|_| ()))?;
        }
        // Synchronous like the copies, so errors surface here and `pat` outlives the kernel.
        call(|| dev.stream.synchronize())
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` for zero bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The device ordinal.
    pub fn ordinal(&self) -> usize {
        self.dev.ordinal
    }

    /// The memory as a cudarc slice, for a user's own kernels or cuBLAS; `None` for zero bytes.
    /// Every copy and fill of this crate returns only when it is done, so work queued after it
    /// on any stream sees the bytes.
    ///
    /// ```
    /// # use modules_cuda::CudaBuffer;
    /// if let Ok(b) = CudaBuffer::from_host(0, &[1u8, 2, 3, 4]) {
    ///     assert_eq!(b.cuda_slice().map(|s| s.len()), Some(4));
    /// }
    /// ```
    pub fn cuda_slice(&self) -> Option<&CudaSlice<u8>> {
        self.slice.as_ref()
    }

    /// The memory as a writable cudarc slice; `None` for zero bytes.
    pub fn cuda_slice_mut(&mut self) -> Option<&mut CudaSlice<u8>> {
        self.slice.as_mut()
    }

    /// The device address of the first byte (a `CUdeviceptr`), 0 for zero bytes.
    pub fn device_ptr(&self) -> u64 {
        match &self.slice {
            Some(s) => s.device_ptr(&self.dev.stream).0,
            None => 0,
        }
    }

    /// The device context and the memory, for kernels of this crate.
    pub(crate) fn parts_mut(&mut self) -> (&DeviceContext, Option<&mut CudaSlice<u8>>) {
        (&self.dev, self.slice.as_mut())
    }

    fn check_len(&self, found: usize) -> Result<(), CudaError> {
        if found == self.len {
            Ok(())
        } else {
            Err(CudaError::InvalidArgument(format!(
                "copy of {found} bytes into or out of a device buffer of {} bytes",
                self.len
            )))
        }
    }
}

//! Untyped device memory on one ordinal.

use cudarc::driver::CudaSlice;

use crate::context::{context, driver, DeviceContext};
use crate::CudaError;

/// Bytes on one CUDA device. Allocation does not initialize them.
pub struct CudaBuffer {
    dev: DeviceContext,
    // `None` for zero bytes: cuMemAlloc rejects zero-size allocations.
    slice: Option<CudaSlice<u8>>,
    len: usize,
}

impl CudaBuffer {
    /// `bytes` of uninitialized device memory (a real allocation, no memset).
    pub fn uninit(ordinal: usize, bytes: usize) -> Result<CudaBuffer, CudaError> {
        let dev = context(ordinal)?;
        let slice = if bytes == 0 {
            None
        } else {
            // SAFETY: the memory is uninitialized device memory; it is never read on the host
            // before a write (reads copy bytes, which are plain u8 whatever their value).
            Some(unsafe { dev.stream.alloc::<u8>(bytes) }.map_err(|e| dev.map_alloc_error(e, bytes))?)
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

    /// Overwrites the buffer with host bytes of the same length.
    pub fn copy_from_host(&mut self, bytes: &[u8]) -> Result<(), CudaError> {
        self.check_len(bytes.len())?;
        if let Some(s) = &mut self.slice {
            self.dev.stream.memcpy_htod(bytes, s).map_err(driver)?;
            self.dev.stream.synchronize().map_err(driver)?;
        }
        Ok(())
    }

    /// Copies the buffer into host bytes of the same length.
    pub fn copy_to_host(&self, out: &mut [u8]) -> Result<(), CudaError> {
        self.check_len(out.len())?;
        if let Some(s) = &self.slice {
            self.dev.stream.memcpy_dtoh(s, out).map_err(driver)?;
            self.dev.stream.synchronize().map_err(driver)?;
        }
        Ok(())
    }

    /// A copy on device `ordinal` (the same or another one).
    pub fn copy_to_device(&self, ordinal: usize) -> Result<CudaBuffer, CudaError> {
        if ordinal == self.dev.ordinal {
            let mut out = CudaBuffer::uninit(ordinal, self.len)?;
            if let (Some(src), Some(dst)) = (&self.slice, &mut out.slice) {
                self.dev.stream.memcpy_dtod(src, dst).map_err(driver)?;
            }
            return Ok(out);
        }
        let mut host = vec![0u8; self.len];
        self.copy_to_host(&mut host)?;
        CudaBuffer::from_host(ordinal, &host)
    }

    /// Writes `pattern` (one element's bytes) into every element.
    pub fn fill_pattern(&mut self, pattern: &[u8]) -> Result<(), CudaError> {
        let Some(s) = &mut self.slice else { return Ok(()) };
        if pattern.iter().all(|&b| b == 0) {
            return self.dev.stream.memset_zeros(s).map_err(driver);
        }
        let host: Vec<u8> = pattern.iter().copied().cycle().take(self.len).collect();
        self.copy_from_host(&host)
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

    fn check_len(&self, found: usize) -> Result<(), CudaError> {
        if found == self.len {
            Ok(())
        } else {
            Err(CudaError::Driver(format!(
                "copy of {found} bytes into a device buffer of {} bytes",
                self.len
            )))
        }
    }
}

//! Tensor storage on CUDA devices, through `modules-cuda`.

use modules_cuda::{CudaBuffer, CudaError};

use crate::{Device, Error, Result};

/// Device bytes of one tensor.
pub(crate) struct CudaStorage(CudaBuffer);

pub(crate) fn map_err(device: Device, e: CudaError) -> Error {
    match e {
        CudaError::Unavailable(reason) => Error::CudaUnavailable { device, reason },
        CudaError::OutOfMemory { requested, free } => Error::OutOfMemory {
            device,
            requested,
            free,
        },
        other => Error::Cuda {
            device,
            message: other.to_string(),
        },
    }
}

impl CudaStorage {
    pub(crate) fn uninit(ordinal: usize, bytes: usize) -> Result<Self> {
        CudaBuffer::uninit(ordinal, bytes)
            .map(CudaStorage)
            .map_err(|e| map_err(Device::Cuda(ordinal), e))
    }

    pub(crate) fn from_host(ordinal: usize, bytes: &[u8]) -> Result<Self> {
        CudaBuffer::from_host(ordinal, bytes)
            .map(CudaStorage)
            .map_err(|e| map_err(Device::Cuda(ordinal), e))
    }

    pub(crate) fn ordinal(&self) -> usize {
        self.0.ordinal()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    fn err(&self, e: CudaError) -> Error {
        map_err(Device::Cuda(self.ordinal()), e)
    }

    pub(crate) fn fill_pattern(&mut self, pattern: &[u8]) -> Result<()> {
        self.0.fill_pattern(pattern).map_err(|e| self.err(e))
    }

    pub(crate) fn copy_to_host(&self, out: &mut [u8]) -> Result<()> {
        self.0.copy_to_host(out).map_err(|e| self.err(e))
    }

    pub(crate) fn copy_to_device(&self, ordinal: usize) -> Result<Self> {
        self.0
            .copy_to_device(ordinal)
            .map(CudaStorage)
            .map_err(|e| map_err(Device::Cuda(ordinal), e))
    }

    /// The underlying buffer, for on-device initialization.
    #[allow(dead_code)]
    pub(crate) fn buffer_mut(&mut self) -> &mut CudaBuffer {
        &mut self.0
    }
}

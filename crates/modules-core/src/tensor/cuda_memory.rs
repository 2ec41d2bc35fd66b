//! A CUDA tensor's device memory, handed to a user's kernels.

use super::{Storage, Tensor};
use crate::{Device, Error, Result};

impl Tensor {
    /// The device memory of a CUDA tensor, for a user's kernels or cuBLAS
    /// ([`CudaBuffer::cuda_slice`](modules_cuda::CudaBuffer::cuda_slice),
    /// [`CudaBuffer::device_ptr`](modules_cuda::CudaBuffer::device_ptr)). Loads and copies
    /// return only when their bytes are on the device.
    ///
    /// ```
    /// use modules_core::{Device, Tensor};
    /// let t = Tensor::zeros([2], Device::Cpu).unwrap();
    /// assert!(t.cuda_buffer().is_err()); // a CPU tensor has no device memory
    /// ```
    pub fn cuda_buffer(&self) -> Result<&modules_cuda::CudaBuffer> {
        match &self.storage {
            Storage::Cuda(c) => Ok(c.buffer()),
            _ => Err(Error::DeviceMismatch {
                expected: Device::Cuda(0),
                found: self.device(),
            }),
        }
    }

    /// The device memory of a CUDA tensor, writable.
    pub fn cuda_buffer_mut(&mut self) -> Result<&mut modules_cuda::CudaBuffer> {
        let found = self.device();
        match &mut self.storage {
            Storage::Cuda(c) => Ok(c.buffer_mut()),
            _ => Err(Error::DeviceMismatch {
                expected: Device::Cuda(0),
                found,
            }),
        }
    }
}

//! Where a tensor's bytes are: nowhere (meta), host memory, or device memory.

use super::host_memory::HostBuffer;
use super::META_HINT;
use crate::{Device, Error, Result};

#[cfg(feature = "cuda")]
pub(crate) use crate::cuda::CudaStorage;

/// A tensor's bytes.
pub(crate) enum Storage {
    Meta,
    Cpu(HostBuffer),
    #[cfg(feature = "cuda")]
    Cuda(CudaStorage),
}

#[cfg(not(feature = "cuda"))]
fn no_cuda(device: Device) -> Error {
    Error::UnsupportedDevice {
        device,
        reason: "built without the `cuda` feature",
    }
}

impl Storage {
    pub(crate) fn device(&self) -> Device {
        match self {
            Storage::Meta => Device::Meta,
            Storage::Cpu(_) => Device::Cpu,
            #[cfg(feature = "cuda")]
            Storage::Cuda(c) => Device::Cuda(c.ordinal()),
        }
    }

    /// `bytes` of memory on `device`, not initialized (zero pages on the CPU).
    pub(crate) fn uninit(device: Device, bytes: usize) -> Result<Storage> {
        match device {
            Device::Meta => Ok(Storage::Meta),
            Device::Cpu => Ok(Storage::Cpu(HostBuffer::zeroed(bytes)?)),
            #[cfg(feature = "cuda")]
            Device::Cuda(n) => Ok(Storage::Cuda(CudaStorage::uninit(n, bytes)?)),
            #[cfg(not(feature = "cuda"))]
            Device::Cuda(_) => Err(no_cuda(device)),
        }
    }

    /// A copy of host bytes on `device` (on meta: nothing is kept).
    pub(crate) fn from_host_bytes(device: Device, bytes: &[u8]) -> Result<Storage> {
        match device {
            Device::Meta => Ok(Storage::Meta),
            Device::Cpu => Ok(Storage::Cpu(HostBuffer::from_bytes(bytes)?)),
            #[cfg(feature = "cuda")]
            Device::Cuda(n) => Ok(Storage::Cuda(CudaStorage::from_host(n, bytes)?)),
            #[cfg(not(feature = "cuda"))]
            Device::Cuda(_) => Err(no_cuda(device)),
        }
    }

    pub(crate) fn host(&self) -> Result<&HostBuffer> {
        match self {
            Storage::Cpu(b) => Ok(b),
            Storage::Meta => Err(Error::MetaTensor { hint: META_HINT }),
            #[cfg(feature = "cuda")]
            Storage::Cuda(c) => Err(Error::DeviceMismatch {
                expected: Device::Cpu,
                found: Device::Cuda(c.ordinal()),
            }),
        }
    }

    pub(crate) fn host_mut(&mut self) -> Result<&mut HostBuffer> {
        match self {
            Storage::Cpu(b) => Ok(b),
            Storage::Meta => Err(Error::MetaTensor { hint: META_HINT }),
            #[cfg(feature = "cuda")]
            Storage::Cuda(c) => Err(Error::DeviceMismatch {
                expected: Device::Cpu,
                found: Device::Cuda(c.ordinal()),
            }),
        }
    }

    /// Writes `pattern` (one element's bytes) into every element. A no-op on meta.
    pub(crate) fn fill_pattern(&mut self, pattern: &[u8]) -> Result<()> {
        match self {
            Storage::Meta => Ok(()),
            Storage::Cpu(b) => {
                let bytes = b.as_bytes_mut();
                if pattern.iter().all(|&x| x == pattern[0]) {
                    bytes.fill(pattern[0]);
                } else {
                    for chunk in bytes.chunks_exact_mut(pattern.len()) {
                        chunk.copy_from_slice(pattern);
                    }
                }
                Ok(())
            }
            #[cfg(feature = "cuda")]
            Storage::Cuda(c) => c.fill_pattern(pattern),
        }
    }

    /// A copy of the bytes on `device`. Meta has no bytes to copy.
    pub(crate) fn copy_to(&self, device: Device) -> Result<Storage> {
        match (self, device) {
            (_, Device::Meta) => Ok(Storage::Meta),
            (Storage::Meta, _) => Err(Error::MetaTensor { hint: META_HINT }),
            (Storage::Cpu(b), _) => Storage::from_host_bytes(device, b.as_bytes()),
            #[cfg(feature = "cuda")]
            (Storage::Cuda(c), Device::Cpu) => {
                let mut host = HostBuffer::zeroed(c.len())?;
                c.copy_to_host(host.as_bytes_mut())?;
                Ok(Storage::Cpu(host))
            }
            #[cfg(feature = "cuda")]
            (Storage::Cuda(c), Device::Cuda(n)) => Ok(Storage::Cuda(c.copy_to_device(n)?)),
        }
    }
}

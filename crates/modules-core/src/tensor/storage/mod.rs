//! Where a tensor's bytes are: nowhere (meta), host memory (`host.rs`) or device memory
//! (`cuda.rs`, through `modules-cuda`). Every operation that differs by backend is a method
//! here, so nothing outside reaches into a variant.

#[cfg(feature = "cuda")]
pub(crate) mod cuda;
pub(crate) mod host;

use host::{fill_host, HostBuffer};

use crate::rng::{fill_slice, RandomFill, StreamPosition};
use crate::{DType, Device, Error, Result};

#[cfg(feature = "cuda")]
pub(crate) use cuda::CudaStorage;

/// What PyTorch says when asked to read a meta tensor.
pub(crate) const META_HINT: &str = "Please use torch.nn.Module.to_empty() instead of torch.nn.Module.to() \
when moving module from meta to a different device.";

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
            other => Err(other.not_host()),
        }
    }

    pub(crate) fn host_mut(&mut self) -> Result<&mut HostBuffer> {
        match self {
            Storage::Cpu(b) => Ok(b),
            other => Err(other.not_host()),
        }
    }

    /// Why this storage is not host memory.
    fn not_host(&self) -> Error {
        match self.device() {
            Device::Meta => Error::MetaTensor { hint: META_HINT },
            found => Error::DeviceMismatch {
                expected: Device::Cpu,
                found,
            },
        }
    }

    /// Fills every element of `dtype` with the stream at `pos`: on the CPU by `rng::fill_slice`,
    /// on a GPU by the Philox kernels (the same uniform values, no host memory), on meta not at
    /// all. The caller reserved the blocks and checked that `dtype` is a float.
    pub(crate) fn fill_random(&mut self, dtype: DType, fill: &RandomFill, pos: StreamPosition) -> Result<()> {
        let host = match self {
            Storage::Meta => return Ok(()),
            #[cfg(feature = "cuda")]
            Storage::Cuda(c) => return c.fill_random(dtype, fill, pos),
            Storage::Cpu(b) => b,
        };
        fn typed<T: crate::Element + crate::rng::RandomElement>(
            host: &mut HostBuffer,
            fill: &RandomFill,
            pos: StreamPosition,
        ) -> Result<()> {
            fill_slice(host.typed_mut::<T>(), fill, pos);
            Ok(())
        }
        match dtype {
            DType::F32 => typed::<f32>(host, fill, pos),
            DType::F64 => typed::<f64>(host, fill, pos),
            DType::F16 => typed::<half::f16>(host, fill, pos),
            DType::BF16 => typed::<half::bf16>(host, fill, pos),
            dtype => Err(Error::UnsupportedDType {
                op: fill.function(),
                dtype,
            }),
        }
    }

    /// Writes `pattern` (one element's bytes) into every element. A no-op on meta.
    pub(crate) fn fill_pattern(&mut self, pattern: &[u8]) -> Result<()> {
        match self {
            Storage::Meta => Ok(()),
            Storage::Cpu(b) => {
                fill_host(b.as_bytes_mut(), pattern);
                Ok(())
            }
            #[cfg(feature = "cuda")]
            Storage::Cuda(c) => c.fill_pattern(pattern),
        }
    }

    /// Overwrites the bytes (same length) from host memory. A no-op on meta.
    pub(crate) fn write_host_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Storage::Meta => Ok(()),
            Storage::Cpu(b) => {
                b.as_bytes_mut().copy_from_slice(bytes);
                Ok(())
            }
            #[cfg(feature = "cuda")]
            Storage::Cuda(c) => c.copy_from_host(bytes),
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

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

/// Writes `pattern` over `bytes` (a whole number of patterns), in parallel for large buffers.
fn fill_host(bytes: &mut [u8], pattern: &[u8]) {
    use rayon::prelude::*;
    // Pieces of 1 MiB (a multiple of every pattern size): big enough to amortize a task.
    const PIECE: usize = 1 << 20;
    let one = |piece: &mut [u8]| match *pattern {
        [x] => piece.fill(x),
        [a, b] => fill_fixed(piece, [a, b]),
        [a, b, c, d] => fill_fixed(piece, [a, b, c, d]),
        [a, b, c, d, e, f, g, h] => fill_fixed(piece, [a, b, c, d, e, f, g, h]),
        _ => piece
            .chunks_exact_mut(pattern.len())
            .for_each(|c| c.copy_from_slice(pattern)),
    };
    if bytes.len() >= 4 * PIECE {
        bytes.par_chunks_mut(PIECE).for_each(one);
    } else {
        one(bytes);
    }
}

/// A fixed-size pattern: the compiler turns this loop into wide stores.
fn fill_fixed<const N: usize>(bytes: &mut [u8], pattern: [u8; N]) {
    let (chunks, rest) = bytes.as_chunks_mut::<N>();
    debug_assert!(rest.is_empty());
    chunks.fill(pattern);
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

//! Tensor storage on CUDA devices, through `modules-cuda`.

use modules_cuda::{CudaBuffer, CudaError, FloatKind};

use crate::rng::{RandomFill, StreamPosition};
use crate::{DType, Device, Error, Result};

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

    pub(crate) fn buffer(&self) -> &CudaBuffer {
        &self.0
    }

    pub(crate) fn buffer_mut(&mut self) -> &mut CudaBuffer {
        &mut self.0
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

    pub(crate) fn copy_from_host(&mut self, bytes: &[u8]) -> Result<()> {
        let device = Device::Cuda(self.ordinal());
        self.0.copy_from_host(bytes).map_err(|e| map_err(device, e))
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

    /// Runs `fill` on the device: the Philox stream at `pos`, the same values as
    /// `rng::fill_slice` on the CPU (uniform bit for bit, normal and truncated normal to a few
    /// ulps). No host memory is touched. The caller reserved the blocks.
    pub(crate) fn fill_random(&mut self, dtype: DType, fill: &RandomFill, pos: StreamPosition) -> Result<()> {
        let kind = float_kind(dtype).ok_or_else(|| Error::Cuda {
            device: Device::Cuda(self.ordinal()),
            message: format!("random fills need a floating-point dtype, found {dtype}"),
        })?;
        self.0
            .fill_random(kind, pos.seed, pos.block, *fill)
            .map_err(|e| self.err(e))
    }
}

/// The kernel element type of a float dtype.
fn float_kind(dtype: DType) -> Option<FloatKind> {
    match dtype {
        DType::F32 => Some(FloatKind::F32),
        DType::F64 => Some(FloatKind::F64),
        DType::F16 => Some(FloatKind::F16),
        DType::BF16 => Some(FloatKind::BF16),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! The device's random fills against the CPU streams: uniform bit for bit, normal and
    //! truncated normal within a few ulps (CUDA's `logf`/`sincospif`/`erfinvf` round otherwise).
    //! They need a GPU: each reports one `skipped:` line without one, and the GPU bundle
    //! (`scripts/gpu-bundle.sh`) runs them on a device machine.

    use super::*;
    use crate::rng::fill_slice;

    use modules_cuda::gpu_or_skip as gpu;

    /// The values, widened to f64 (exact), of a CPU fill and of a device fill of `n` elements.
    fn both(dtype: DType, fill: &RandomFill, n: usize) -> (Vec<f64>, Vec<f64>) {
        let pos = StreamPosition {
            seed: 0x1234_5678_9abc_def0,
            block: 77,
        };
        let mut device = CudaStorage::uninit(0, n * dtype.size_in_bytes()).unwrap();
        device.fill_random(dtype, fill, pos).unwrap();
        let mut bytes = vec![0u8; device.len()];
        device.copy_to_host(&mut bytes).unwrap();
        fn host<T: crate::rng::RandomElement + Copy + Default>(
            n: usize,
            fill: &RandomFill,
            pos: StreamPosition,
            widen: impl Fn(T) -> f64,
        ) -> Vec<f64> {
            let mut v = vec![T::default(); n];
            fill_slice(&mut v, fill, pos);
            v.into_iter().map(widen).collect()
        }
        let decode =
            |size: usize, f: &dyn Fn(&[u8]) -> f64| bytes.chunks_exact(size).map(f).collect::<Vec<_>>();
        match dtype {
            DType::F32 => (
                host::<f32>(n, fill, pos, f64::from),
                decode(4, &|c| f64::from(f32::from_le_bytes(c.try_into().unwrap()))),
            ),
            DType::F64 => (
                host(n, fill, pos, |x| x),
                decode(8, &|c| f64::from_le_bytes(c.try_into().unwrap())),
            ),
            DType::F16 => (
                host(n, fill, pos, half::f16::to_f64),
                decode(2, &|c| half::f16::from_le_bytes([c[0], c[1]]).to_f64()),
            ),
            _ => (
                host(n, fill, pos, half::bf16::to_f64),
                decode(2, &|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f64()),
            ),
        }
    }

    /// Distance in units in the last place of `dtype` between two of its values.
    fn ulps(dtype: DType, a: f64, b: f64) -> u64 {
        // Mapped to a monotone integer line (negative values mirrored), then subtracted.
        let line = |bits: u64, sign: u64| -> i128 {
            if bits & sign != 0 {
                -((bits & !sign) as i128)
            } else {
                bits as i128
            }
        };
        let (x, y) = match dtype {
            DType::F64 => (line(a.to_bits(), 1 << 63), line(b.to_bits(), 1 << 63)),
            DType::F32 => (
                line(u64::from((a as f32).to_bits()), 1 << 31),
                line(u64::from((b as f32).to_bits()), 1 << 31),
            ),
            DType::F16 => (
                line(u64::from(half::f16::from_f64(a).to_bits()), 1 << 15),
                line(u64::from(half::f16::from_f64(b).to_bits()), 1 << 15),
            ),
            _ => (
                line(u64::from(half::bf16::from_f64(a).to_bits()), 1 << 15),
                line(u64::from(half::bf16::from_f64(b).to_bits()), 1 << 15),
            ),
        };
        (x - y).unsigned_abs() as u64
    }

    const FLOATS: [DType; 4] = [DType::F32, DType::F64, DType::F16, DType::BF16];

    #[test]
    fn uniform_kernels_compute_the_cpu_stream_bit_for_bit() {
        if !gpu() {
            return;
        }
        for dtype in FLOATS {
            for n in [1usize, 5, 1023, 1 << 20] {
                let fill = RandomFill::Uniform { low: -0.3, high: 0.7 };
                let (cpu, device) = both(dtype, &fill, n);
                assert!(
                    cpu == device,
                    "{dtype} x {n}: the device's uniform fill differs from the CPU's"
                );
            }
        }
    }

    #[test]
    fn normal_kernels_are_within_a_few_ulps_of_the_cpu_stream() {
        if !gpu() {
            return;
        }
        for dtype in FLOATS {
            let max_ulps = |fill: RandomFill| {
                let (cpu, device) = both(dtype, &fill, 1 << 20);
                cpu.iter()
                    .zip(&device)
                    .map(|(&a, &b)| ulps(dtype, a, b))
                    .max()
                    .unwrap_or(0)
            };
            // mean 0: `mean + x` adds nothing, so ulps measure the transcendental functions alone.
            let normal = max_ulps(RandomFill::Normal { mean: 0.0, std: 2.0 });
            let trunc = max_ulps(RandomFill::TruncNormal {
                mean: 0.0,
                std: 0.02,
                a: -0.04,
                b: 0.04,
            });
            println!("{dtype}: device vs CPU, normal max {normal} ulps, trunc_normal max {trunc} ulps");
            let limit = if dtype == DType::F64 { 64 } else { 16 };
            assert!(
                normal <= limit && trunc <= limit,
                "{dtype}: {normal} / {trunc} ulps"
            );
        }
    }
}

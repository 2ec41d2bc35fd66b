//! The one entry point of every random init: checks, reserves the stream, runs the fill on the
//! tensor's device.

use crate::rng::{blocks_needed, reserve_in, Generator, RandomFill, StreamPosition};
use crate::{DType, Device, Error, Result, Tensor};

/// Fills `t` in place with `fill`, drawing from `generator` (the default generator when `None`).
///
/// Meta tensors: nothing happens and nothing is drawn. CUDA tensors are filled on the device
/// by the Philox kernels, from the same [`RandomFill`] and [`StreamPosition`] as the CPU, so
/// both give the same values. Non-float dtypes are rejected before anything is drawn.
pub(crate) fn fill_random(t: &mut Tensor, fill: RandomFill, generator: Option<&mut Generator>) -> Result<()> {
    let function = fill.function();
    match t.device() {
        Device::Meta => return Ok(()),
        Device::Cuda(_) | Device::Cpu => {}
    }
    let dtype = t.dtype();
    // PyTorch's random kernels refuse the 8-bit floats too ("not implemented for 'Float8_e4m3fn'").
    if !dtype.is_float() || dtype.is_fp8() {
        return Err(Error::UnsupportedDType { op: function, dtype });
    }
    let blocks = blocks_needed(&fill, dtype, t.numel());
    let (seed, block) = reserve_in(generator, blocks);
    t.storage_mut()
        .fill_random(dtype, &fill, StreamPosition { seed, block })
}

/// Runs an init computed on the host: in place on the CPU, nothing on meta, and on a GPU
/// through a host copy that is written back. These are the structural inits (eye, dirac,
/// orthogonal, sparse, a zeroed padding row), small next to the random fills, which run as
/// kernels.
pub(crate) fn on_host(t: &mut Tensor, f: impl FnOnce(&mut Tensor) -> Result<()>) -> Result<()> {
    match t.device() {
        Device::Meta => Ok(()),
        Device::Cpu => f(t),
        Device::Cuda(_) => {
            let mut host = t.to(Device::Cpu)?;
            f(&mut host)?;
            t.overwrite_from_host(&host)
        }
    }
}

/// Writes `values` (one per element) into a CPU float tensor, rounding to its dtype.
pub(crate) fn write_f64(t: &mut Tensor, values: &[f64], function: &'static str) -> Result<()> {
    fn put<T: crate::Element>(t: &mut Tensor, values: &[f64], f: impl Fn(f64) -> T) -> Result<()> {
        for (d, &v) in t.as_mut_slice::<T>()?.iter_mut().zip(values) {
            *d = f(v);
        }
        Ok(())
    }
    match t.dtype() {
        DType::F32 => put(t, values, |v| v as f32),
        DType::F64 => put(t, values, |v| v),
        DType::F16 => put(t, values, half::f16::from_f64),
        DType::BF16 => put(t, values, half::bf16::from_f64),
        dtype => Err(Error::UnsupportedDType { op: function, dtype }),
    }
}

/// Sets the elements at `flat` indices of a CPU tensor to 1, whatever its dtype.
pub(crate) fn set_ones(t: &mut Tensor, flat: &[usize]) -> Result<()> {
    let one = Tensor::ones([1], (Device::Cpu, t.dtype()))?;
    let pattern = one.as_bytes()?;
    let size = pattern.len();
    let bytes = t.as_bytes_mut()?;
    for &i in flat {
        bytes[i * size..(i + 1) * size].copy_from_slice(pattern);
    }
    Ok(())
}

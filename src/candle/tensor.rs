//! Tensors across the bridge: one copy each way on the CPU.

use candle_core::{DType as CDType, Device as CDevice};
use half::{bf16, f16};

use crate::{DType, Device, Error, Result, Tensor};

fn candle_error(function: &'static str) -> impl FnOnce(candle_core::Error) -> Error {
    move |e| Error::InvalidArgument {
        function,
        message: format!("candle: {e}"),
    }
}

/// The candle dtype that holds `dtype`'s values as they are: bool goes over as `U8` (candle's
/// masks); `I8` and `F8E5M2` have no candle counterpart and are an error.
pub fn candle_dtype(dtype: DType) -> Result<CDType> {
    Ok(match dtype {
        DType::F32 => CDType::F32,
        DType::F64 => CDType::F64,
        DType::F16 => CDType::F16,
        DType::BF16 => CDType::BF16,
        DType::I64 => CDType::I64,
        DType::I32 => CDType::I32,
        DType::I16 => CDType::I16,
        DType::U8 | DType::Bool => CDType::U8,
        DType::F8E4M3 => CDType::F8E4M3,
        other => {
            return Err(Error::UnsupportedDType {
                op: "to_candle",
                dtype: other,
            })
        }
    })
}

/// Conversion of a `modules` tensor into a candle tensor.
pub trait ToCandle {
    /// A candle tensor on `device` (candle's CPU here) with the same shape and values: one
    /// copy from the host bytes (a CUDA tensor is copied to the host first).
    ///
    /// ```
    /// use modules::candle::ToCandle;
    /// let t = modules::Tensor::from_slice(&[1f32, 2., 3., 4.], [2, 2], modules::Device::Cpu)?;
    /// let c = t.to_candle(&candle_core::Device::Cpu)?;
    /// assert_eq!(c.to_vec2::<f32>()?, [[1., 2.], [3., 4.]]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn to_candle(&self, device: &CDevice) -> Result<candle_core::Tensor>;
}

impl ToCandle for Tensor {
    fn to_candle(&self, device: &CDevice) -> Result<candle_core::Tensor> {
        let dtype = candle_dtype(self.dtype())?;
        let host;
        let t = match self.device() {
            Device::Cpu => self,
            Device::Meta => {
                return Err(Error::MetaTensor {
                    hint: "a meta tensor has no values to hand to candle: load it first",
                })
            }
            Device::Cuda(_) => {
                host = self.to(Device::Cpu)?;
                &host
            }
        };
        let bytes = t.as_bytes()?;
        candle_core::Tensor::from_raw_buffer(bytes, dtype, t.shape(), device)
            .map_err(candle_error("to_candle"))
    }
}

/// A `modules` tensor (on the CPU, dtype `dtype`) with a candle tensor's shape and values:
/// one copy. `dtype` says how to read candle's `U8` (as `U8` or `Bool`); for any other candle
/// dtype it must be the matching one.
///
/// ```
/// use modules::candle::from_candle;
/// let c = candle_core::Tensor::new(&[[1f32, 2.], [3., 4.]], &candle_core::Device::Cpu)?;
/// let t = from_candle(&c, modules::DType::F32)?;
/// assert_eq!((t.shape(), t.to_vec::<f32>()?), (&[2usize, 2][..], vec![1., 2., 3., 4.]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_candle(t: &candle_core::Tensor, dtype: DType) -> Result<Tensor> {
    let expected = candle_dtype(dtype)?;
    if t.dtype() != expected {
        return Err(Error::InvalidArgument {
            function: "from_candle",
            message: format!(
                "expected a candle tensor of {expected:?} for {dtype}, found {:?}",
                t.dtype()
            ),
        });
    }
    let shape = t.dims().to_vec();
    match dtype {
        DType::F32 => with_host::<f32, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        DType::F64 => with_host::<f64, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        DType::F16 => with_host::<f16, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        DType::BF16 => with_host::<bf16, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        DType::I64 => with_host::<i64, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        DType::I32 => with_host::<i32, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        DType::I16 => with_host::<i16, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        DType::U8 => with_host::<u8, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        DType::Bool => with_host::<u8, _>(t, |v| {
            let bools: Vec<bool> = v.iter().map(|&b| b != 0).collect();
            Tensor::from_slice(&bools, shape, Device::Cpu)
        }),
        DType::F8E4M3 => with_host::<float8::F8E4M3, _>(t, |v| Tensor::from_slice(v, shape, Device::Cpu)),
        other => Err(Error::UnsupportedDType {
            op: "from_candle",
            dtype: other,
        }),
    }
}

/// `f` on the candle tensor's values in row-major order, read in place from its CPU storage (a
/// strided or GPU tensor is made contiguous on the CPU first), so that `from_candle` copies once.
fn with_host<T: candle_core::WithDType, R>(
    t: &candle_core::Tensor,
    f: impl FnOnce(&[T]) -> Result<R>,
) -> Result<R> {
    let conv = candle_error("from_candle");
    let t = t
        .to_device(&CDevice::Cpu)
        .and_then(|t| t.contiguous())
        .map_err(conv)?;
    let (storage, layout) = t.storage_and_layout();
    let candle_core::Storage::Cpu(cpu) = &*storage else {
        return Err(candle_error("from_candle")(candle_core::Error::Msg(
            "not on the CPU after to_device".into(),
        )));
    };
    let values = cpu.as_slice::<T>().map_err(candle_error("from_candle"))?;
    match layout.contiguous_offsets() {
        Some((start, end)) => f(&values[start..end]),
        None => Err(candle_error("from_candle")(candle_core::Error::Msg(
            "not contiguous after contiguous()".into(),
        ))),
    }
}

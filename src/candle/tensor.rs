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
    let flat = t.flatten_all().map_err(candle_error("from_candle"))?;
    let shape = t.dims().to_vec();
    let conv = candle_error("from_candle");
    match dtype {
        DType::F32 => Tensor::from_slice(&flat.to_vec1::<f32>().map_err(conv)?, shape, Device::Cpu),
        DType::F64 => Tensor::from_slice(&flat.to_vec1::<f64>().map_err(conv)?, shape, Device::Cpu),
        DType::F16 => Tensor::from_slice(&flat.to_vec1::<f16>().map_err(conv)?, shape, Device::Cpu),
        DType::BF16 => Tensor::from_slice(&flat.to_vec1::<bf16>().map_err(conv)?, shape, Device::Cpu),
        DType::I64 => Tensor::from_slice(&flat.to_vec1::<i64>().map_err(conv)?, shape, Device::Cpu),
        DType::I32 => Tensor::from_slice(&flat.to_vec1::<i32>().map_err(conv)?, shape, Device::Cpu),
        DType::I16 => Tensor::from_slice(&flat.to_vec1::<i16>().map_err(conv)?, shape, Device::Cpu),
        DType::U8 => Tensor::from_slice(&flat.to_vec1::<u8>().map_err(conv)?, shape, Device::Cpu),
        DType::Bool => {
            let bytes = flat.to_vec1::<u8>().map_err(conv)?;
            let bools: Vec<bool> = bytes.iter().map(|&b| b != 0).collect();
            Tensor::from_slice(&bools, shape, Device::Cpu)
        }
        DType::F8E4M3 => {
            let codes = flat.to_vec1::<float8::F8E4M3>().map_err(conv)?;
            Tensor::from_slice(&codes, shape, Device::Cpu)
        }
        other => Err(Error::UnsupportedDType {
            op: "from_candle",
            dtype: other,
        }),
    }
}

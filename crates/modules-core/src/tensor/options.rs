//! Where and as what a tensor is created.

use crate::{DType, Device};

/// The device and dtype a constructor allocates with. Default: cpu, f32 (PyTorch's defaults).
///
/// Anything that says where or as what converts into it, so constructors take
/// `impl Into<TensorOptions>`:
///
/// ```
/// use modules_core::{DType, Device, TensorOptions};
/// assert_eq!(TensorOptions::from(Device::Meta).dtype, DType::F32);
/// assert_eq!(TensorOptions::from(DType::BF16).device, Device::Cpu);
/// let o = TensorOptions::from((Device::Cuda(1), DType::F16));
/// assert_eq!((o.device, o.dtype), (Device::Cuda(1), DType::F16));
/// assert_eq!(TensorOptions::default().device(Device::Meta).device, Device::Meta);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TensorOptions {
    /// Where tensors are allocated.
    pub device: Device,
    /// The element type of floating-point tensors (integer buffers keep their own).
    pub dtype: DType,
}

impl TensorOptions {
    /// cpu, f32.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same options on another device.
    pub fn device(self, device: Device) -> Self {
        TensorOptions { device, ..self }
    }

    /// The same options with another dtype.
    pub fn dtype(self, dtype: DType) -> Self {
        TensorOptions { dtype, ..self }
    }
}

impl From<Device> for TensorOptions {
    fn from(device: Device) -> Self {
        TensorOptions::default().device(device)
    }
}

impl From<DType> for TensorOptions {
    fn from(dtype: DType) -> Self {
        TensorOptions::default().dtype(dtype)
    }
}

impl From<(Device, DType)> for TensorOptions {
    fn from((device, dtype): (Device, DType)) -> Self {
        TensorOptions { device, dtype }
    }
}

impl From<(DType, Device)> for TensorOptions {
    fn from((dtype, device): (DType, Device)) -> Self {
        TensorOptions { device, dtype }
    }
}

impl From<&TensorOptions> for TensorOptions {
    fn from(o: &TensorOptions) -> Self {
        *o
    }
}

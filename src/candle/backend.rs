//! A loaded module as candle-nn's `SimpleBackend`: candle models build from its weights.

use std::collections::HashMap;

use candle_core::{DType as CDType, Device as CDevice, Shape};
use candle_nn::var_builder::{SimpleBackend, VarBuilder};

use super::tensor::ToCandle;
use crate::{Module, ModuleExt, SharedTensor};

/// The state dict of a module (every parameter and persistent buffer, by PyTorch's names),
/// served to candle by name. Each `get` converts one tensor ([`ToCandle`]): one copy.
pub struct ModuleBackend {
    tensors: HashMap<String, SharedTensor>,
}

impl ModuleBackend {
    /// The backend over `module`'s state dict as it is now.
    pub fn new(module: &dyn Module) -> ModuleBackend {
        let tensors = module
            .state_dict()
            .iter()
            .map(|(k, t)| (k.to_string(), t.clone()))
            .collect();
        ModuleBackend { tensors }
    }

    fn fetch(&self, name: &str, dtype: CDType, dev: &CDevice) -> candle_core::Result<candle_core::Tensor> {
        let slot = self.tensors.get(name).ok_or_else(|| {
            candle_core::Error::CannotFindTensor {
                path: name.to_string(),
            }
            .bt()
        })?;
        let t = slot
            .tensor()
            .to_candle(dev)
            .map_err(|e| candle_core::Error::Msg(format!("{name}: {e}")))?;
        t.to_dtype(dtype)
    }
}

impl SimpleBackend for ModuleBackend {
    fn get(
        &self,
        s: Shape,
        name: &str,
        _: candle_nn::Init,
        dtype: CDType,
        dev: &CDevice,
    ) -> candle_core::Result<candle_core::Tensor> {
        let t = self.fetch(name, dtype, dev)?;
        if t.shape() != &s {
            return Err(candle_core::Error::UnexpectedShape {
                msg: format!("shape mismatch for {name}"),
                expected: s,
                got: t.shape().clone(),
            }
            .bt());
        }
        Ok(t)
    }

    fn get_unchecked(
        &self,
        name: &str,
        dtype: CDType,
        dev: &CDevice,
    ) -> candle_core::Result<candle_core::Tensor> {
        self.fetch(name, dtype, dev)
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }
}

/// A candle `VarBuilder` over `module`'s weights ([`ModuleBackend`]), in `dtype` on `device`.
/// A name the module lacks, or a shape that differs, is candle's error with the name in it.
///
/// ```
/// use modules::prelude::*;
/// let m = new!(Linear, 4, 3)?;
/// let vb = modules::candle::var_builder(&m, candle_core::DType::F32, &candle_core::Device::Cpu);
/// let e = candle_nn::linear(4, 5, vb).unwrap_err(); // a [5, 4] weight is asked for
/// assert!(e.to_string().contains("shape mismatch for weight"), "{e}");
/// # Ok::<(), modules::Error>(())
/// ```
pub fn var_builder(module: &dyn Module, dtype: CDType, device: &CDevice) -> VarBuilder<'static> {
    VarBuilder::from_backend(Box::new(ModuleBackend::new(module)), dtype, device.clone())
}

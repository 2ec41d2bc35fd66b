//! Zoo modules as candle-nn modules: the weights cross once, the forward is candle's.

use candle_core::Device as CDevice;

use super::ToCandle;
use crate::nn::{Embedding, LayerNorm, Linear, Relu, RmsNorm};
use crate::{Error, Parameter, Result, Tensor};

/// A module of the zoo as the candle-nn module that computes PyTorch's forward, with its
/// weights converted once ([`ToCandle`]: one copy on the CPU); call `forward` on the result as
/// often as needed. Checked against outputs PyTorch wrote (`tests/candle_forward.rs`).
///
/// | `modules::nn` | candle-nn | note |
/// |---|---|---|
/// | `Linear` | `Linear` | with or without bias |
/// | `Embedding` | `Embedding` | lookup only (`max_norm` is refused) |
/// | `LayerNorm` | `LayerNorm` | one normalized dimension |
/// | `RmsNorm` | `RmsNorm` | one normalized dimension; `eps = None` is f32's epsilon |
/// | `Relu` | `Activation::Relu` | |
/// | `Conv1d`, `Conv2d` | `Conv1d`, `Conv2d` | one stride/dilation/padding for all dimensions, zero padding; `'same'` with odd kernels |
/// | `BatchNorm1d`, `BatchNorm2d` | [`Eval`](super::Eval)`<BatchNorm>` | eval mode: running statistics |
/// | `GroupNorm` | `GroupNorm` | |
///
/// ```
/// use candle_core::{Device, Module as _, Tensor};
/// use modules::candle::ToCandleModule;
/// use modules::prelude::*;
///
/// let lin = new!(Linear, 4, 3)?.to_candle_module(&Device::Cpu)?;
/// let y = lin.forward(&Tensor::ones((2, 4), candle_core::DType::F32, &Device::Cpu)?)?;
/// assert_eq!(y.dims(), [2, 3]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ToCandleModule {
    /// The candle-nn module that computes this module's forward.
    type Output: candle_core::Module;
    /// Converts the weights onto `device` (candle's CPU here).
    fn to_candle_module(&self, device: &CDevice) -> Result<Self::Output>;
}

fn weight(p: &Parameter, device: &CDevice) -> Result<candle_core::Tensor> {
    p.tensor().to_candle(device)
}

fn one_dim(shape: &[usize], module: &str) -> Result<()> {
    if shape.len() == 1 {
        return Ok(());
    }
    Err(Error::InvalidArgument {
        function: "to_candle_module",
        message: format!(
            "{module} over {} dimensions {shape:?}: candle-nn normalizes over the last one only",
            shape.len()
        ),
    })
}

impl ToCandleModule for Linear {
    type Output = candle_nn::Linear;
    fn to_candle_module(&self, device: &CDevice) -> Result<candle_nn::Linear> {
        let bias = self.bias.as_ref().map(|b| weight(b, device)).transpose()?;
        Ok(candle_nn::Linear::new(weight(&self.weight, device)?, bias))
    }
}

impl ToCandleModule for Embedding {
    type Output = candle_nn::Embedding;
    fn to_candle_module(&self, device: &CDevice) -> Result<candle_nn::Embedding> {
        if self.max_norm.is_some() {
            return Err(Error::InvalidArgument {
                function: "to_candle_module",
                message: "Embedding with max_norm renormalizes rows in its forward, which candle-nn does not"
                    .into(),
            });
        }
        Ok(candle_nn::Embedding::new(
            weight(&self.weight, device)?,
            self.embedding_dim,
        ))
    }
}

impl ToCandleModule for LayerNorm {
    type Output = candle_nn::LayerNorm;
    fn to_candle_module(&self, device: &CDevice) -> Result<candle_nn::LayerNorm> {
        one_dim(&self.normalized_shape, "LayerNorm")?;
        let ones = || Tensor::ones(self.normalized_shape.clone(), crate::Device::Cpu)?.to_candle(device);
        let w = match &self.weight {
            Some(w) => weight(w, device)?,
            None => ones()?,
        };
        Ok(match &self.bias {
            Some(b) => candle_nn::LayerNorm::new(w, weight(b, device)?, self.eps),
            None => candle_nn::LayerNorm::new_no_bias(w, self.eps),
        })
    }
}

impl ToCandleModule for RmsNorm {
    type Output = candle_nn::RmsNorm;
    fn to_candle_module(&self, device: &CDevice) -> Result<candle_nn::RmsNorm> {
        one_dim(&self.normalized_shape, "RmsNorm")?;
        let w = match &self.weight {
            Some(w) => weight(w, device)?,
            None => Tensor::ones(self.normalized_shape.clone(), crate::Device::Cpu)?.to_candle(device)?,
        };
        // PyTorch's eps = None is the input dtype's epsilon at run time; the bridge computes in f32.
        Ok(candle_nn::RmsNorm::new(
            w,
            self.eps.unwrap_or(f32::EPSILON as f64),
        ))
    }
}

impl ToCandleModule for Relu {
    type Output = candle_nn::Activation;
    fn to_candle_module(&self, _: &CDevice) -> Result<candle_nn::Activation> {
        Ok(candle_nn::Activation::Relu)
    }
}

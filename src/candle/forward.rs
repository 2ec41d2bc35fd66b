//! Zoo modules as candle-nn modules: the weights cross once, the forward is candle's.

use candle_core::Device as CDevice;

use super::tensor::ToCandle;
use crate::nn::{Embedding, LayerNorm, Linear, NonDynamicallyQuantizableLinear, RmsNorm};
use crate::{Error, Parameter, Result, Tensor};

/// A module of the zoo as what computes PyTorch's forward (evaluation mode), with its weights
/// converted once ([`ToCandle`]: one copy on the CPU); call `forward` on the result as often as
/// needed. The guide's [table](crate::guide#running-the-forward-feature-candle) lists the
/// modules and what computes each; `tests/candle_forward.rs` checks each against outputs
/// PyTorch wrote. A derived model implements it by composing its children's (the guide shows
/// how).
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
    /// What computes this module's forward: a `candle_core::Module` for the modules of one
    /// input; its own `forward` for those of several ([`BilinearForward`](super::BilinearForward),
    /// [`AttentionForward`](super::AttentionForward), [`EncoderLayerForward`](super::EncoderLayerForward)).
    type Output;
    /// Converts the weights onto `device` (candle's CPU here).
    fn to_candle_module(&self, device: &CDevice) -> Result<Self::Output>;
}

pub(super) fn weight(p: &Parameter, device: &CDevice) -> Result<candle_core::Tensor> {
    p.tensor().to_candle(device)
}

pub(super) fn weight_opt(p: &Option<Parameter>, device: &CDevice) -> Result<Option<candle_core::Tensor>> {
    p.as_ref().map(|p| weight(p, device)).transpose()
}

/// What the bridge cannot compute, named.
pub(super) fn unsupported(message: String) -> Error {
    Error::InvalidArgument {
        function: "to_candle_module",
        message,
    }
}

fn one_dim(shape: &[usize], module: &str) -> Result<()> {
    if shape.len() == 1 {
        return Ok(());
    }
    Err(unsupported(format!(
        "{module} over {} dimensions {shape:?}: candle-nn normalizes over the last one only",
        shape.len()
    )))
}

macro_rules! linear_to_candle {
    ($name:ident) => {
        impl ToCandleModule for $name {
            type Output = candle_nn::Linear;
            fn to_candle_module(&self, device: &CDevice) -> Result<candle_nn::Linear> {
                Ok(candle_nn::Linear::new(
                    weight(&self.weight, device)?,
                    weight_opt(&self.bias, device)?,
                ))
            }
        }
    };
}

linear_to_candle!(Linear);
linear_to_candle!(NonDynamicallyQuantizableLinear);

impl ToCandleModule for Embedding {
    type Output = candle_nn::Embedding;
    fn to_candle_module(&self, device: &CDevice) -> Result<candle_nn::Embedding> {
        if self.max_norm.is_some() {
            return Err(unsupported(
                "Embedding with max_norm renormalizes rows in its forward, which candle-nn does not".into(),
            ));
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

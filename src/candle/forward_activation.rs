//! The parameter-free modules as candle modules (see [`ToCandleModule`]): activations,
//! softmax over a dimension, and what is the identity in evaluation mode.

use candle_core::{Device as CDevice, Tensor as CTensor};
use candle_nn::{Activation as CActivation, Func};

use super::forward::ToCandleModule;
use super::forward_conv::Eval;
use super::gelu::GeluForward;
use crate::nn::{Dropout, Gelu, Identity, LogSoftmax, Relu, Sigmoid, Silu, Softmax, Tanh};
use crate::Result;

macro_rules! activation_to_candle {
    ($name:ident, $activation:expr) => {
        impl ToCandleModule for $name {
            type Output = CActivation;
            fn to_candle_module(&self, _: &CDevice) -> Result<CActivation> {
                Ok($activation)
            }
        }
    };
}

activation_to_candle!(Relu, CActivation::Relu);
activation_to_candle!(Silu, CActivation::Silu);
activation_to_candle!(Sigmoid, CActivation::Sigmoid);

impl ToCandleModule for Gelu {
    type Output = GeluForward;
    fn to_candle_module(&self, _: &CDevice) -> Result<GeluForward> {
        Ok(GeluForward(self.approximate))
    }
}

impl ToCandleModule for Tanh {
    type Output = Func<'static>;
    fn to_candle_module(&self, _: &CDevice) -> Result<Func<'static>> {
        Ok(candle_nn::func(|x| x.tanh()))
    }
}

impl ToCandleModule for Identity {
    type Output = Func<'static>;
    fn to_candle_module(&self, _: &CDevice) -> Result<Func<'static>> {
        Ok(candle_nn::func(|x| Ok(x.clone())))
    }
}

impl ToCandleModule for Dropout {
    type Output = Eval<candle_nn::Dropout>;
    /// Evaluation mode: the identity, as PyTorch's `Dropout` after `module.eval()`.
    fn to_candle_module(&self, _: &CDevice) -> Result<Eval<candle_nn::Dropout>> {
        Ok(Eval(candle_nn::Dropout::new(self.p as f32)))
    }
}

/// PyTorch's dimension for a softmax: `dim`, counted from the end when negative, or the legacy
/// choice for `dim=None` (0 for inputs of 0, 1 or 3 dimensions, else 1).
fn softmax_dim(dim: Option<isize>, x: &CTensor, module: &str) -> candle_core::Result<usize> {
    let rank = x.rank();
    let Some(d) = dim else {
        return Ok(if matches!(rank, 0 | 1 | 3) { 0 } else { 1 });
    };
    let resolved = if d < 0 { d + rank as isize } else { d };
    if (0..rank.max(1) as isize).contains(&resolved) {
        Ok(resolved as usize)
    } else {
        candle_core::bail!(
            "{module}: Dimension out of range (expected to be in range of [{}, {}], but got {d})",
            -(rank.max(1) as isize),
            rank.max(1) as isize - 1
        )
    }
}

macro_rules! softmax_to_candle {
    ($name:ident, $op:path) => {
        impl ToCandleModule for $name {
            type Output = Func<'static>;
            fn to_candle_module(&self, _: &CDevice) -> Result<Func<'static>> {
                let dim = self.dim;
                Ok(candle_nn::func(move |x| {
                    $op(x, softmax_dim(dim, x, stringify!($name))?)
                }))
            }
        }
    };
}

softmax_to_candle!(Softmax, candle_nn::ops::softmax);
softmax_to_candle!(LogSoftmax, candle_nn::ops::log_softmax);

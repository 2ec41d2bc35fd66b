//! Convolutions and the channel norms as candle-nn modules (see [`ToCandleModule`]).

use candle_core::Device as CDevice;

use super::forward::{unsupported, weight, weight_opt, ToCandleModule};
use super::tensor::ToCandle;
use crate::nn::{BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, GroupNorm};
use crate::nn::{Padding, PaddingMode};
use crate::{Parameter, Result, Tensor};

/// candle-nn takes one value for every spatial dimension.
fn uniform<const N: usize>(values: [usize; N], what: &str, module: &str) -> Result<usize> {
    match values.iter().all(|&v| v == values[0]) {
        true => Ok(values[0]),
        false => Err(unsupported(format!(
            "{module} with {what} {values:?}: candle-nn takes one {what} for every dimension"
        ))),
    }
}

/// The zero-padding candle-nn applies for PyTorch's `padding` and `padding_mode`.
fn padding<const N: usize>(
    padding: &Padding<N>,
    mode: PaddingMode,
    kernel: [usize; N],
    dilation: [usize; N],
    module: &str,
) -> Result<usize> {
    if mode != PaddingMode::Zeros {
        return Err(unsupported(format!(
            "{module} with padding_mode {mode:?}: candle-nn pads with zeros only"
        )));
    }
    match padding {
        Padding::Explicit(p) => uniform(*p, "padding", module),
        Padding::Valid => Ok(0),
        // 'same' with stride 1 pads (dilation * (k - 1)) / 2 on each side when that is whole.
        Padding::Same => {
            let total: [usize; N] = std::array::from_fn(|d| dilation[d] * (kernel[d] - 1));
            if total.iter().any(|t| t % 2 == 1) {
                return Err(unsupported(format!("{module} with padding='same' and an even kernel: PyTorch pads one side more, candle-nn cannot")));
            }
            uniform(total.map(|t| t / 2), "padding", module)
        }
    }
}

fn kernel<const N: usize>(w: &Parameter) -> [usize; N] {
    let shape = w.shape();
    std::array::from_fn(|d| shape[shape.len() - N + d])
}

macro_rules! conv_to_candle {
    ($name:ident, $n:literal, $candle:ident, $config:ident) => {
        impl ToCandleModule for $name {
            type Output = candle_nn::$candle;
            fn to_candle_module(&self, device: &CDevice) -> Result<candle_nn::$candle> {
                let module = stringify!($name);
                let k = kernel::<$n>(&self.weight);
                let config = candle_nn::$config {
                    padding: padding(&self.padding, self.padding_mode, k, self.dilation, module)?,
                    stride: uniform(self.stride, "stride", module)?,
                    dilation: uniform(self.dilation, "dilation", module)?,
                    groups: self.groups,
                    cudnn_fwd_algo: None,
                };
                Ok(candle_nn::$candle::new(
                    weight(&self.weight, device)?,
                    weight_opt(&self.bias, device)?,
                    config,
                ))
            }
        }
    };
}

conv_to_candle!(Conv1d, 1, Conv1d, Conv1dConfig);
conv_to_candle!(Conv2d, 2, Conv2d, Conv2dConfig);

/// A candle module in evaluation mode: `forward` is `forward_t(x, false)` (batch norm with its
/// running statistics, as PyTorch's `module.eval()`).
///
/// ```
/// use candle_core::{Device, Module as _, Tensor};
/// use modules::candle::ToCandleModule;
/// use modules::prelude::*;
///
/// let bn = new!(BatchNorm2d, 3)?.to_candle_module(&Device::Cpu)?; // Eval<candle_nn::BatchNorm>
/// let y = bn.forward(&Tensor::zeros((1, 3, 2, 2), candle_core::DType::F32, &Device::Cpu)?)?;
/// assert_eq!(y.dims(), [1, 3, 2, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Eval<M>(pub M);

impl<M: candle_core::ModuleT> candle_core::Module for Eval<M> {
    fn forward(&self, xs: &candle_core::Tensor) -> candle_core::Result<candle_core::Tensor> {
        self.0.forward_t(xs, false)
    }
}

macro_rules! batch_norm_to_candle {
    ($name:ident) => {
        impl ToCandleModule for $name {
            type Output = Eval<candle_nn::BatchNorm>;
            /// Evaluation mode: normalizes with the running statistics.
            fn to_candle_module(&self, device: &CDevice) -> Result<Eval<candle_nn::BatchNorm>> {
                let (Some(mean), Some(var)) = (&self.running_mean, &self.running_var) else {
                    return Err(unsupported(format!(
                        "{} without track_running_stats normalizes with batch statistics, even in eval",
                        stringify!($name)
                    )));
                };
                let n = self.num_features;
                let ones = || Tensor::ones([n], crate::Device::Cpu)?.to_candle(device);
                let zeros = || Tensor::zeros([n], crate::Device::Cpu)?.to_candle(device);
                let w = self
                    .weight
                    .as_ref()
                    .map_or_else(ones, |w| weight(w, device))?;
                let b = self
                    .bias
                    .as_ref()
                    .map_or_else(zeros, |b| weight(b, device))?;
                let (mean, var) = (
                    mean.tensor().to_candle(device)?,
                    var.tensor().to_candle(device)?,
                );
                let bn = candle_nn::BatchNorm::new(n, mean, var, w, b, self.eps)
                    .map_err(|e| unsupported(format!("candle: {e}")))?;
                Ok(Eval(bn))
            }
        }
    };
}

batch_norm_to_candle!(BatchNorm1d);
batch_norm_to_candle!(BatchNorm2d);

impl ToCandleModule for GroupNorm {
    type Output = candle_nn::GroupNorm;
    fn to_candle_module(&self, device: &CDevice) -> Result<candle_nn::GroupNorm> {
        let n = self.num_channels;
        let w = match &self.weight {
            Some(w) => weight(w, device)?,
            None => Tensor::ones([n], crate::Device::Cpu)?.to_candle(device)?,
        };
        let b = match &self.bias {
            Some(b) => weight(b, device)?,
            None => Tensor::zeros([n], crate::Device::Cpu)?.to_candle(device)?,
        };
        candle_nn::GroupNorm::new(w, b, n, self.num_groups, self.eps)
            .map_err(|e| unsupported(format!("candle: {e}")))
    }
}

//! The bridge to [candle](https://github.com/huggingface/candle) (feature `candle`): loaded
//! weights reach compute.
//!
//! - [`ToCandle`] turns a [`Tensor`](crate::Tensor) into a `candle_core::Tensor`, and
//!   [`from_candle`] turns one back, to put into a module's slot.
//! - [`var_builder`] hands a loaded module to any candle or candle-transformers model through
//!   candle-nn's `SimpleBackend`: the model finds its weights by the same names, after
//!   `modules` loaded, sharded, cast, dequantized and checked them.
//! - [`ToCandleModule`] turns a zoo module into what computes its forward in evaluation mode:
//!   a candle-nn module, or [`AttentionForward`], [`EncoderLayerForward`] and
//!   [`BilinearForward`] for those with masks or two inputs.
//!
//! **Copies.** candle's CPU tensors own a `Vec`, so every CPU conversion is one copy at memcpy
//! speed, both ways; a CUDA tensor is first copied to the host (candle's CUDA backend is not
//! built here, so there is no device-memory handoff yet). Nothing is shared afterwards: a
//! later load into the module does not change tensors already handed to candle.
//!
//! ```
//! use modules::candle::{var_builder, ToCandle};
//! use modules::prelude::*;
//!
//! let lin = new!(Linear, 4, 3)?;
//! let w = lin.weight.tensor().to_candle(&candle_core::Device::Cpu)?;
//! assert_eq!(w.dims(), [3, 4]);
//! let vb = var_builder(&lin, candle_core::DType::F32, &candle_core::Device::Cpu);
//! let same = candle_nn::linear(4, 3, vb)?; // candle-nn finds "weight" and "bias"
//! let x = candle_core::Tensor::ones((2, 4), candle_core::DType::F32, &candle_core::Device::Cpu)?;
//! assert_eq!(candle_nn::Module::forward(&same, &x)?.dims(), [2, 3]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attention;
mod backend;
mod encoder;
mod forward;
mod forward_activation;
mod forward_conv;
mod gelu;
mod tensor;

pub use attention::{AttentionForward, AttentionMasks};
pub use backend::{var_builder, ModuleBackend};
pub use encoder::{BilinearForward, EncoderLayerForward};
pub use forward::ToCandleModule;
pub use forward_conv::Eval;
pub use gelu::GeluForward;
pub use tensor::{candle_dtype, from_candle, ToCandle};

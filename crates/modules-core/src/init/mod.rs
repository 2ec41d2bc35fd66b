//! Initialization: every function of `torch.nn.init`, in place on a [`Tensor`](crate::Tensor),
//! and [`Init`], the same as a value that a module stores to re-run it.
//!
//! Random inits take PyTorch's `generator=` as `Option<&mut Generator>` (the default generator
//! when `None`); they draw from the Philox streams of [`crate::rng`]. On meta tensors every
//! function checks its arguments and does nothing (no randomness is consumed).
//!
//! ```
//! use modules_core::init::{self, FanMode, Nonlinearity};
//! use modules_core::{rng::Generator, Device, Tensor};
//! let mut w = Tensor::empty([64, 32], Device::Cpu).unwrap();
//! let mut g = Generator::new(0);
//! init::kaiming_uniform_(&mut w, 5f64.sqrt(), FanMode::FanIn, Nonlinearity::LeakyRelu, Some(&mut g)).unwrap();
//! init::kaiming_uniform(5f64.sqrt()).apply(&mut w).unwrap(); // the same, as a value
//! ```

#![forbid(unsafe_code)]

mod dispatch;
mod gain;
mod orthogonal;
mod random;
mod sparse;
mod spec;
mod structural;
#[cfg(test)]
mod structure_tests;
#[cfg(test)]
mod tests;

pub use gain::{calculate_fan_in_and_fan_out, calculate_gain, FanMode, Nonlinearity};
pub use orthogonal::orthogonal_;
pub use random::{
    kaiming_normal_, kaiming_uniform_, normal_, trunc_normal_, uniform_, xavier_normal_, xavier_uniform_,
};
pub use sparse::sparse_;
pub use spec::*;
pub use structural::{constant_, dirac_, eye_, ones_, zeros_};

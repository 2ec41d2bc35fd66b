//! `nn.Linear`.

use super::repr::py_bool;
use crate::prelude::*;

/// `y = x Wᵀ + b` (`nn.Linear`): weight `[out_features, in_features]` with PyTorch's default
/// init `kaiming_uniform(a = √5)` = U(±1/√in), bias U(±1/√in).
///
/// ```
/// use modules::prelude::*;
/// let l = Linear::new(5, 1, Cpu)?;
/// assert!(l.weight.tensor().as_slice::<f32>()?.iter().all(|w| w.abs() <= 1.0 / 5f32.sqrt()));
/// println!("{}", l.weight); // Parameter containing:\ntensor([[...]], requires_grad=True)
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(new(in_features: usize, out_features: usize, bias: bool = true), extra_repr = Self::repr)]
pub struct Linear {
    /// Size of each input sample.
    #[module(config = in_features)]
    pub in_features: usize,
    /// Size of each output sample.
    #[module(config = out_features)]
    pub out_features: usize,
    /// `[out_features, in_features]`.
    #[module(param = [out_features, in_features], init = init::kaiming_uniform(5f64.sqrt()))]
    pub weight: Parameter,
    /// `[out_features]`, absent when built with `bias = false`.
    #[module(param = [out_features], init = init::uniform_fan_in(in_features), when = bias)]
    pub bias: Option<Parameter>,
}

impl Linear {
    fn repr(&self) -> String {
        format!(
            "in_features={}, out_features={}, bias={}",
            self.in_features,
            self.out_features,
            py_bool(self.bias.is_some())
        )
    }
}

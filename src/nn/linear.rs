//! `nn.Linear`, and `NonDynamicallyQuantizableLinear`, the `Linear` subclass PyTorch uses for
//! the output projection of `MultiheadAttention`.

use super::base::*;
use super::repr::py_bool;

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
        linear_repr(self.in_features, self.out_features, self.bias.is_some())
    }
}

/// `Linear.extra_repr`, also that of [`NonDynamicallyQuantizableLinear`].
fn linear_repr(in_features: usize, out_features: usize, bias: bool) -> String {
    format!(
        "in_features={in_features}, out_features={out_features}, bias={}",
        py_bool(bias)
    )
}

/// The output projection of [`MultiheadAttention`](super::MultiheadAttention) (PyTorch's
/// `NonDynamicallyQuantizableLinear`, a `Linear` subclass that only changes the class name
/// quantization sees). Weight U(±1/√in) like [`Linear`]; the bias is U(±1/√in) too, or zeros
/// with `zero_bias = true`, which is what `MultiheadAttention` asks for (its
/// `_reset_parameters` sets `out_proj.bias` to 0). Written out rather than wrapping a
/// `Linear`: the zero bias is its declared init, so `reset_parameters` keeps it and no random
/// draws are spent on it.
///
/// ```
/// use modules::prelude::*;
/// let l = modules::new!(NonDynamicallyQuantizableLinear, 16, 16, zero_bias = true)?;
/// assert_eq!(l.to_string(), "NonDynamicallyQuantizableLinear(in_features=16, out_features=16, bias=True)");
/// assert!(l.bias.as_ref().unwrap().tensor().to_vec::<f32>()?.iter().all(|&b| b == 0.0));
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    name = "NonDynamicallyQuantizableLinear",
    new(in_features: usize, out_features: usize, bias: bool = true, zero_bias: bool = false),
    extra_repr = Self::repr
)]
pub struct NonDynamicallyQuantizableLinear {
    /// Size of each input sample.
    #[module(config = in_features)]
    pub in_features: usize,
    /// Size of each output sample.
    #[module(config = out_features)]
    pub out_features: usize,
    /// `[out_features, in_features]`, U(±1/√in_features).
    #[module(param = [out_features, in_features], init = init::kaiming_uniform(5f64.sqrt()))]
    pub weight: Parameter,
    /// `[out_features]`, absent when built with `bias = false`.
    #[module(
        param = [out_features],
        init = if zero_bias { init::zeros() } else { init::uniform_fan_in(in_features) },
        when = bias
    )]
    pub bias: Option<Parameter>,
}

impl NonDynamicallyQuantizableLinear {
    fn repr(&self) -> String {
        linear_repr(self.in_features, self.out_features, self.bias.is_some())
    }
}

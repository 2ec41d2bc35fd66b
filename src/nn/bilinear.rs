//! `nn.Bilinear`.

use super::base::*;
use super::repr::py_bool;

/// `y = x₁ᵀ A x₂ + b` (`nn.Bilinear`): weight `[out, in1, in2]` and bias `[out]`, both
/// U(±1/√in1), as in PyTorch. `in1_features = 0` is an error.
///
/// ```
/// use modules::prelude::*;
/// let b = Bilinear::new(2, 3, 4, Cpu)?;
/// assert_eq!(b.weight.shape(), vec![4, 2, 3]);
/// assert_eq!(b.to_string(), "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)");
/// assert!(Bilinear::new(0, 3, 4, Cpu).is_err());
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    new(in1_features: usize, in2_features: usize, out_features: usize, bias: bool = true),
    extra_repr = Self::repr
)]
pub struct Bilinear {
    /// Size of each first input sample.
    #[module(config = check_in1(in1_features)?)]
    pub in1_features: usize,
    /// Size of each second input sample.
    #[module(config = in2_features)]
    pub in2_features: usize,
    /// Size of each output sample.
    #[module(config = out_features)]
    pub out_features: usize,
    /// `[out_features, in1_features, in2_features]`, U(±1/√in1_features).
    #[module(
        param = [out_features, in1_features, in2_features],
        init = init::uniform_fan_in(in1_features)
    )]
    pub weight: Parameter,
    /// `[out_features]`, U(±1/√in1_features); absent when built with `bias = false`.
    #[module(param = [out_features], init = init::uniform_fan_in(in1_features), when = bias)]
    pub bias: Option<Parameter>,
}

fn check_in1(in1_features: usize) -> Result<usize, Error> {
    if in1_features == 0 {
        return Err(Error::InvalidArgument {
            function: "Bilinear::new",
            message: format!("in1_features must be > 0, but got (in1_features={in1_features})"),
        });
    }
    Ok(in1_features)
}

impl Bilinear {
    fn repr(&self) -> String {
        format!(
            "in1_features={}, in2_features={}, out_features={}, bias={}",
            self.in1_features,
            self.in2_features,
            self.out_features,
            py_bool(self.bias.is_some())
        )
    }
}

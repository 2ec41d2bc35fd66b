//! `nn.LayerNorm` and `nn.RMSNorm`.

use super::base::*;
use super::repr::{py_bool, py_float, py_tuple};

/// Layer normalization (`nn.LayerNorm`): weight ones and bias zeros over `normalized_shape`.
///
/// ```
/// use modules::prelude::*;
/// let ln = LayerNorm::new(vec![4], Cpu)?;
/// assert_eq!(ln.to_string(), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    new(normalized_shape: Vec<usize>, eps: f64 = 1e-5, elementwise_affine: bool = true, bias: bool = true),
    extra_repr = Self::repr
)]
pub struct LayerNorm {
    /// The trailing dimensions normalized over.
    #[module(config = normalized_shape.clone())]
    pub normalized_shape: Vec<usize>,
    /// Added to the variance.
    #[module(config = eps)]
    pub eps: f64,
    /// Whether there is a weight (and maybe a bias).
    #[module(config = elementwise_affine)]
    pub elementwise_affine: bool,
    /// Per-element scale `[*normalized_shape]`, ones; with `elementwise_affine`.
    #[module(param = &normalized_shape, init = init::ones(), when = elementwise_affine)]
    pub weight: Option<Parameter>,
    /// Per-element shift, zeros; with `elementwise_affine` and `bias`.
    #[module(param = &normalized_shape, init = init::zeros(), when = elementwise_affine && bias)]
    pub bias: Option<Parameter>,
}

impl LayerNorm {
    fn repr(&self) -> String {
        format!(
            "{}, eps={}, elementwise_affine={}, bias={}",
            py_tuple(&self.normalized_shape),
            py_float(self.eps),
            py_bool(self.elementwise_affine),
            py_bool(self.bias.is_some())
        )
    }
}

/// Root-mean-square normalization (`nn.RMSNorm`): weight ones. `eps = None` means the dtype's
/// machine epsilon at run time, as in PyTorch.
///
/// ```
/// use modules::prelude::*;
/// let n = modules::new!(RmsNorm, vec![4], eps = Some(1e-6))?;
/// assert_eq!(n.to_string(), "RMSNorm((4,), eps=1e-06, elementwise_affine=True)");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    name = "RMSNorm",
    new(normalized_shape: Vec<usize>, eps: Option<f64> = None, elementwise_affine: bool = true),
    extra_repr = Self::repr
)]
pub struct RmsNorm {
    /// The trailing dimensions normalized over.
    #[module(config = normalized_shape.clone())]
    pub normalized_shape: Vec<usize>,
    /// Added to the mean square; `None` = the dtype's epsilon.
    #[module(config = eps)]
    pub eps: Option<f64>,
    /// Whether there is a weight.
    #[module(config = elementwise_affine)]
    pub elementwise_affine: bool,
    /// Per-element scale `[*normalized_shape]`, ones; with `elementwise_affine`.
    #[module(param = &normalized_shape, init = init::ones(), when = elementwise_affine)]
    pub weight: Option<Parameter>,
}

impl RmsNorm {
    fn repr(&self) -> String {
        let eps = self.eps.map_or("None".to_string(), py_float);
        format!(
            "{}, eps={eps}, elementwise_affine={}",
            py_tuple(&self.normalized_shape),
            py_bool(self.elementwise_affine)
        )
    }
}

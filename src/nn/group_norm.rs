//! `nn.GroupNorm`.

use super::base::*;
use super::repr::{py_bool, py_float};

/// Group normalization (`nn.GroupNorm`): weight ones and bias zeros over `num_channels`, which
/// must be divisible by `num_groups`.
///
/// ```
/// use modules::prelude::*;
/// let g = GroupNorm::new(2, 4, Cpu)?;
/// assert_eq!(g.to_string(), "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)");
/// let e = GroupNorm::new(2, 3, Cpu).err().unwrap();
/// assert!(e.to_string().ends_with("num_channels (3) must be divisible by num_groups (2)"));
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    new(num_groups: usize, num_channels: usize, eps: f64 = 1e-5, affine: bool = true, bias: bool = true),
    extra_repr = Self::repr
)]
pub struct GroupNorm {
    /// Number of groups the channels are split into.
    #[module(config = check_groups(num_groups, num_channels)?)]
    pub num_groups: usize,
    /// Number of channels expected in the input.
    #[module(config = num_channels)]
    pub num_channels: usize,
    /// Added to the variance.
    #[module(config = eps)]
    pub eps: f64,
    /// Whether there is a weight (and maybe a bias).
    #[module(config = affine)]
    pub affine: bool,
    /// `[num_channels]`, ones.
    #[module(param = [num_channels], init = init::ones(), when = affine)]
    pub weight: Option<Parameter>,
    /// `[num_channels]`, zeros.
    #[module(param = [num_channels], init = init::zeros(), when = affine && bias)]
    pub bias: Option<Parameter>,
}

fn check_groups(num_groups: usize, num_channels: usize) -> Result<usize, Error> {
    // Python raises ZeroDivisionError for 0 groups; we say the same thing as for a remainder.
    if num_groups == 0 || !num_channels.is_multiple_of(num_groups) {
        return Err(Error::InvalidArgument {
            function: "GroupNorm::new",
            message: format!("num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"),
        });
    }
    Ok(num_groups)
}

impl GroupNorm {
    fn repr(&self) -> String {
        format!(
            "{}, {}, eps={}, affine={}, bias={}",
            self.num_groups,
            self.num_channels,
            py_float(self.eps),
            py_bool(self.affine),
            py_bool(self.bias.is_some())
        )
    }
}
